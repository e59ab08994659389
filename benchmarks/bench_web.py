"""Server time of the web UI: each booth step, and a page of recent crossings out of a million.

    .venv/bin/python benchmarks/bench_web.py [--steps 200] [--rows 1000000]

Requests go straight into the ASGI app (httpx's ASGITransport), so the time is the server's,
from the request that a keystroke sends to the rendered HTML, with no network in between.
SQLite, the two-day demo, an officer signed in with a session cookie.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import unquote

import httpx
from sqlalchemy import insert, select

from benchmarks.common import machine, scratch_engine
from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.crossings.model import Crossing
from borderpost.db import make_session_factory
from borderpost.demo.services import build_demo
from borderpost.demo.users import DEMO_PASSWORD, create_demo_users
from borderpost.ids import new_id
from borderpost.posts.model import Post

BENCH_KEY = "bench-only-session-key"  # a throwaway key for an in-process app


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _line(name: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"  {name:<34} median {statistics.median(ms):6.1f} ms   p99 {_pct(ms, 0.99):6.1f} ms"
        f"   ({len(ms)} requests)"
    )


async def _timed(n: int, call: Callable[[int], Awaitable[httpx.Response]]) -> list[float]:
    times = []
    for i in range(n):
        start = time.perf_counter()
        response = await call(i)
        times.append(time.perf_counter() - start)
        assert response.status_code < 400, (response.status_code, response.text[:400])
    return times


async def _signed_in(app: object, name: str) -> tuple[httpx.AsyncClient, str]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    client = httpx.AsyncClient(transport=transport, base_url="http://bench")
    page = await client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    data = {"name": name, "password": DEMO_PASSWORD, "csrf_token": csrf}
    await client.post("/login", data=data)
    page = await client.get("/posts/AST-W/booth")
    return client, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def _letters(n: int) -> str:
    """``n`` in letters (names at the booth are letters): 0 -> A, 25 -> Z, 26 -> BA."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(65 + r) + out
        if n == 0:
            return out


async def booth(steps: int) -> None:
    with scratch_engine("sqlite") as engine:
        factory = make_session_factory(engine)
        build_demo(factory, days=2)
        create_demo_users(factory)
        app = create_app(Settings(database_url="sqlite://", secret_key=BENCH_KEY), factory)
        client, csrf = await _signed_in(app, "officer.west")
        hx = {"HX-Request": "true", "X-CSRF-Token": csrf}
        person = {
            "kind": "person",
            "direction": "in",
            "category": "civilian",
            "given_names": "A",
            "doc_issuer": "UTO",
            "decision": "admitted",
        }
        vehicle = {
            "kind": "vehicle",
            "direction": "in",
            "category": "civilian",
            "country": "UTN",
            "vehicle_type": "car",
            "decision": "admitted",
            "passengers": "ONE, A, P1{n}, UTN\nTWO, B, P2{n}, UTN",
        }
        print("Booth steps (server time, SQLite, demo data):")
        rows = [
            ("open the booth (full page)", lambda i: client.get("/posts/AST-W/booth")),
            (
                "switch to vehicle (HTMX)",
                lambda i: client.get("/posts/AST-W/booth?kind=vehicle", headers=hx),
            ),
            (
                "record a person (HTMX)",
                lambda i: client.post(
                    "/posts/AST-W/booth",
                    headers=hx,
                    data={**person, "surname": f"BENCH {_letters(i)}", "doc_number": f"B{i:07d}"},
                ),
            ),
            (
                "record a vehicle + 2 passengers",
                lambda i: client.post(
                    "/posts/AST-W/booth",
                    headers=hx,
                    data={
                        **vehicle,
                        "plate": f"B-{i:05d}",
                        "passengers": vehicle["passengers"].format(n=i),
                    },
                ),
            ),
            (
                "an error shown next to its field",
                lambda i: client.post(
                    "/posts/AST-W/booth", headers=hx, data={**person, "surname": ""}
                ),
            ),
            ("post status poll", lambda i: client.get("/posts/AST-W/status", headers=hx)),
        ]
        for name, call in rows:
            if name.startswith("an error"):
                for _ in range(5):  # warm-up
                    await call(0)
                times = []
                for _ in range(steps):
                    start = time.perf_counter()
                    await call(0)
                    times.append(time.perf_counter() - start)
            else:
                await _timed(5, call)  # warm-up
                times = await _timed(steps, call)
            print(_line(name, times))
        await client.aclose()


async def million(rows: int) -> None:
    with scratch_engine("sqlite") as engine:
        factory = make_session_factory(engine)
        build_demo(factory, days=1)
        create_demo_users(factory)
        with factory() as session:
            post_id = session.scalar(select(Post.id).where(Post.code == "AST-W"))
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        loaded = time.perf_counter()
        batch = 50_000
        with engine.begin() as conn:
            for first in range(0, rows, batch):
                conn.execute(
                    insert(Crossing),
                    [
                        {
                            "id": new_id(),
                            "post_id": post_id,
                            "direction": "in",
                            "time": start + dt.timedelta(seconds=30 * n),
                            "kind": "vehicle",
                            "category": "commercial",
                            "vehicle_type": "truck",
                            "officer": "bench",
                            "decision": "admitted",
                            "reasons": [],
                            "flags": [],
                            "recorded_at": start,
                        }
                        for n in range(first, min(rows, first + batch))
                    ],
                )
        print(
            f"Recent crossings page ({rows:,} crossings loaded in "
            f"{time.perf_counter() - loaded:.0f} s, SQLite):"
        )
        app = create_app(Settings(database_url="sqlite://", secret_key=BENCH_KEY), factory)
        client, _ = await _signed_in(app, "supervisor.west")
        hx = {"HX-Request": "true"}
        first_page = await client.get("/posts/AST-W/crossings", headers=hx)
        cursor = re.search(r"cursor=([^&\"]+)", first_page.text).group(1)  # type: ignore[union-attr]
        deep = f"{(start + dt.timedelta(seconds=30 * rows // 2)).isoformat()}_{uuid.UUID(int=0)}"
        for name, params in (
            ("first page of 50", {}),
            ("next page (cursor)", {"cursor": unquote(cursor)}),
            ("page half-way down (cursor)", {"cursor": deep}),
            ("filtered: refused only", {"decision": "refused"}),
        ):

            async def call(i: int, params: dict[str, str] = params) -> httpx.Response:
                return await client.get("/posts/AST-W/crossings", params=params, headers=hx)

            await _timed(3, call)
            print(_line(name, await _timed(50, call)))
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"bench_web on {machine()}")
    asyncio.run(booth(args.steps))
    asyncio.run(million(args.rows))


if __name__ == "__main__":
    main()
