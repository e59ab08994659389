"""The demo's traffic: travellers, vehicles and trucks drawn from one seeded generator.

The traffic goes through the same use cases as the booth (``services.build_demo`` records
it), so closures refuse crossings exactly as they would.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from borderpost.crossings.schemas import CrossingCreate
from borderpost.demo import watchlists
from borderpost.demo.consignments import consignment
from borderpost.demo.corridor import time_zone
from borderpost.ids import new_id

NAMES = {
    "AZE": (
        ["ALIYEV", "HASANOV", "MAMMADOVA", "HUSEYNOV", "GULIYEVA", "ISMAYILOV"],
        ["RASHAD", "LEYLA", "ELVIN", "AYGUN", "TURAL", "NIGAR"],
    ),
    "ARM": (
        ["PETROSYAN", "HAKOBYAN", "GRIGORYAN", "SARGSYAN", "KARAPETYAN", "AVETISYAN"],
        ["ARMEN", "ANI", "TIGRAN", "LILIT", "DAVIT", "NARINE"],
    ),
    "GEO": (
        ["BERIDZE", "KAPANADZE", "GELASHVILI", "MAISURADZE"],
        ["GIORGI", "NINO", "LEVAN", "TAMAR"],
    ),
    "RUS": (["IVANOV", "SMIRNOVA", "KUZNETSOV", "POPOVA"], ["ALEKSEI", "OLGA", "DMITRII", "IRINA"]),
    "TUR": (["YILMAZ", "KAYA", "DEMIR", "CELIK"], ["MEHMET", "AYSE", "MUSTAFA", "ZEYNEP"]),
    "DEU": (["MUELLER", "SCHMIDT", "WAGNER"], ["ANNA", "LUKAS", "SOPHIE"]),
    "FRA": (["MARTIN", "BERNARD", "DUBOIS"], ["CAMILLE", "LOUIS", "JULIE"]),
}
SEED_OF_CARGO = 11  # the declared cargo's own generator


class Traffic:
    """Draws travellers and vehicles; a small pool so people cross more than once."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.people: list[dict[str, Any]] = [self._person() for _ in range(1500)]
        self.cars = [self._vehicle("car") for _ in range(300)]
        self.trucks = [self._vehicle("truck") for _ in range(120)]
        self.force = [self._vehicle("car", country="UNO") for _ in range(20)]
        self.ambulances = [self._vehicle("ambulance") for _ in range(6)]
        # declared cargo draws from its own generator: the traffic is the same without it
        self.cargo = random.Random(SEED_OF_CARGO)  # noqa: S311 - demo data, not security

    def _person(self) -> dict[str, Any]:
        rng = self.rng
        nationality = rng.choice(list(NAMES))
        surnames, given = NAMES[nationality]
        born = dt.date(rng.randint(1950, 2015), rng.randint(1, 12), rng.randint(1, 28))
        # About one document in forty has expired: the booth must flag it.
        expiry = self.today + dt.timedelta(
            days=rng.randint(-200, 3650) if rng.random() < 0.025 else rng.randint(60, 3650)
        )
        return {
            "surname": rng.choice(surnames),
            "given_names": rng.choice(given),
            "birth_date": born.isoformat(),
            "nationality": nationality,
            "document": {
                "type": "P",
                "number": f"{rng.choice('ABCKLMNPRTX')}{rng.randint(1000000, 9999999)}",
                "issuer": nationality,
                "expiry": expiry.isoformat(),
            },
        }

    def _vehicle(self, kind: str, country: str | None = None) -> dict[str, Any]:
        rng = self.rng
        letters = "ABCEHKMOPTX"
        pair = rng.choice(letters) + rng.choice(letters)
        plate = f"{rng.randint(10, 99)}-{pair}-{rng.randint(100, 999)}"
        return {
            "plate": plate,
            "country": country or rng.choice(["AZE", "ARM", "GEO", "TUR"]),
            "type": kind,
        }


def transit_schedule(
    rng: random.Random, first_day: dt.date, days: int
) -> dict[tuple[str, dt.date], list[CrossingCreate]]:
    """Trucks through the corridor: in at one end, out at the other, mostly within the deadline.

    About one in eight takes longer than the deadline and one in twenty is not seen leaving;
    crossings planned after the last day are not recorded (those trucks are still in transit).
    """
    trucks = [
        {"plate": f"{rng.randint(10, 99)}-TR-{n:03d}", "country": "GEO", "type": "truck"}
        for n in range(60)
    ]
    plan: dict[tuple[str, dt.date], list[CrossingCreate]] = {}

    def add(post: str, direction: str, when: dt.datetime, truck: dict[str, Any], **extra: Any):  # type: ignore[no-untyped-def]
        local = when.astimezone(time_zone(post))
        data = {
            "id": str(new_id()),
            "post": post,
            "direction": direction,
            "time": local.isoformat(),
            "kind": "vehicle",
            "vehicle": truck,
            "lane": "T1",
            **extra,
        }
        plan.setdefault((post, local.date()), []).append(CrossingCreate.model_validate(data))

    for index in range(days):
        day = first_day + dt.timedelta(days=index)
        for _ in range(rng.randint(4, 8)):
            truck = rng.choice(trucks)
            ends = ["AST-W", "AST-E"]
            rng.shuffle(ends)
            humanitarian = rng.random() < 0.25
            category = "humanitarian" if humanitarian else "commercial"
            org = rng.choice(
                ["LANTERN", "OPENHANDS"] if humanitarian else ["SILKLINE", "VALLEYTRANS"]
            )
            allowed = 24 if humanitarian else 48
            entry = _at(rng, day, time_zone(ends[0]), 7, 20)
            extra = {"category": category, "organisation": org}
            add(ends[0], "in", entry, truck, **extra)
            roll = rng.random()
            if roll < 0.05:
                continue  # not seen leaving
            hours = allowed * (rng.uniform(1.05, 1.6) if roll < 0.18 else rng.uniform(0.2, 0.9))
            leave = entry + dt.timedelta(hours=hours)
            if leave.date() < first_day + dt.timedelta(days=days):
                add(ends[1], "out", leave, truck, **extra)
    return plan


def _at(
    rng: random.Random, day: dt.date, zone: dt.tzinfo, start: int = 6, end: int = 22
) -> dt.datetime:
    minute = rng.randint(start * 60, end * 60 - 1)
    return dt.datetime.combine(
        day, dt.time(minute // 60, minute % 60, rng.randint(0, 59)), tzinfo=zone
    )


def day_of_traffic(
    rng: random.Random, traffic: Traffic, post: str, day: dt.date
) -> list[CrossingCreate]:
    zone = time_zone(post)
    commands: list[dict[str, Any]] = []

    def person(
        traveller: dict[str, Any],
        when: dt.datetime,
        direction: str,
        category: str,
        lane: str,
        **extra: Any,
    ) -> dict[str, Any]:
        decision, reasons = "admitted", []
        roll = rng.random()
        if roll < 0.02:
            decision, reasons = "referred", ["sent to secondary inspection"]
        elif roll < 0.025:
            decision, reasons = "refused", ["no valid entry authorisation"]
        return {
            "post": post,
            "direction": direction,
            "time": when.isoformat(),
            "kind": "person",
            "category": category,
            "traveller": traveller,
            "lane": lane,
            "decision": decision,
            "reasons": reasons,
            **extra,
        }

    def vehicle(
        car: dict[str, Any],
        when: dt.datetime,
        direction: str,
        category: str,
        lane: str,
        **extra: Any,
    ) -> dict[str, Any]:
        return {
            "id": str(new_id()),
            "post": post,
            "direction": direction,
            "time": when.isoformat(),
            "kind": "vehicle",
            "category": category,
            "vehicle": car,
            "lane": lane,
            **extra,
        }

    # Pedestrians and civilian cars with their passengers.
    for _ in range(rng.randint(90, 140)):
        direction = rng.choice(["in", "out"])
        commands.append(
            person(rng.choice(traffic.people), _at(rng, day, zone), direction, "civilian", "P1")
        )
    for _ in range(rng.randint(30, 50)):
        direction, when = rng.choice(["in", "out"]), _at(rng, day, zone)
        car = vehicle(rng.choice(traffic.cars), when, direction, "civilian", "C1")
        commands.append(car)
        for _ in range(rng.randint(1, 4)):
            commands.append(
                person(
                    rng.choice(traffic.people),
                    when,
                    direction,
                    "civilian",
                    "C1",
                    carried_by=car["id"],
                )
            )
    # Listed travellers now and then (see ``watchlists``): screening refers them.
    for listed in watchlists.crosses_on(day):
        when = _at(traffic.cargo, day, zone, 9, 17)
        commands.append(
            {
                "post": post,
                "direction": "in",
                "time": when.isoformat(),
                "kind": "person",
                "category": "civilian",
                "traveller": listed,
                "lane": "P1",
            }
        )
    # Commercial trucks, each with its driver and a declared consignment.
    for _ in range(rng.randint(20, 35)):
        direction, when = rng.choice(["in", "out"]), _at(rng, day, zone)
        org = rng.choice(["SILKLINE", "VALLEYTRANS"])
        truck = vehicle(
            rng.choice(traffic.trucks),
            when,
            direction,
            "commercial",
            "T1",
            organisation=org,
            consignments=[consignment(traffic.cargo, org)],
        )
        commands.append(truck)
        commands.append(
            person(
                rng.choice(traffic.people),
                when,
                direction,
                "commercial",
                "T1",
                organisation=org,
                carried_by=truck["id"],
            )
        )
    # International force patrols, both ways, round the clock.
    for _ in range(rng.randint(4, 10)):
        direction, when = rng.choice(["in", "out"]), _at(rng, day, zone, 0, 24)
        patrol = vehicle(
            rng.choice(traffic.force),
            when,
            direction,
            "international_force",
            "S1",
            organisation="IMF-1",
        )
        commands.append(patrol)
    # Every third day a humanitarian convoy with medical evacuees in an ambulance.
    if day.toordinal() % 3 == 0:
        org = rng.choice(["LANTERN", "OPENHANDS"])
        reference = f"{org}-{post}-{day.isoformat()}"
        when = _at(rng, day, zone, 9, 12)
        for _ in range(rng.randint(3, 6)):
            commands.append(
                vehicle(
                    rng.choice(traffic.trucks),
                    when,
                    "in",
                    "humanitarian",
                    "T1",
                    organisation=org,
                    convoy=reference,
                    consignments=[consignment(traffic.cargo, org, humanitarian_org=org)],
                )
            )
        ambulance = vehicle(
            rng.choice(traffic.ambulances),
            when,
            "out",
            "medical_evacuation",
            "S1",
            organisation=org,
            convoy=reference,
        )
        commands.append(ambulance)
        for _ in range(rng.randint(1, 3)):
            commands.append(
                person(
                    rng.choice(traffic.people),
                    when,
                    "out",
                    "medical_evacuation",
                    "S1",
                    organisation=org,
                    carried_by=ambulance["id"],
                )
            )
    commands.sort(key=lambda c: c["time"])
    _queue_tickets(post, day, commands)
    return [CrossingCreate.model_validate(c) for c in commands]


def _queue_tickets(post: str, day: dt.date, commands: list[dict[str, Any]]) -> None:
    """Arrival times for most crossings (a queue ticket); about one in five has none.

    A generator of its own, so the rest of the demo is the same with or without them.
    """
    rng = random.Random(f"{post}/{day.isoformat()}")  # noqa: S311 - demo data, not security
    arrived: dict[int, str] = {}
    for index, command in enumerate(commands):
        if rng.random() < 0.2:
            continue
        minutes = rng.lognormvariate(2.6, 0.7)  # a median near 13 minutes, a long tail
        joined = dt.datetime.fromisoformat(command["time"]) - dt.timedelta(minutes=minutes)
        arrived[index] = joined.isoformat()
    for index, text in arrived.items():
        commands[index]["arrived_at"] = text
