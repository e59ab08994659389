"""Server time of a booth scan: from the MRZ a reader typed to the filled form.

    .venv/bin/python -m benchmarks.bench_booth_scan [--requests 500]

Requests go straight into the ASGI app (httpx's ASGITransport), so the time is the server's:
the HTMX request the scan field sends once the MRZ is complete, up to the rendered form.
SQLite, the two-day demo, an officer signed in with a session cookie. Also the JSON route
``POST /api/v1/documents/check`` with the officer's session.
"""

from __future__ import annotations

import argparse
import asyncio

from benchmarks.bench_web import BENCH_KEY, _line, _signed_in, _timed
from benchmarks.common import machine, scratch_engine
from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.db import make_session_factory
from borderpost.demo.services import build_demo
from borderpost.demo.users import create_demo_users
from borderpost.documents.mrz.specimens import SPECIMENS

TD3 = SPECIMENS["TD3"]
SCANS = {
    "TD3 specimen, valid": "\r\n".join(TD3) + "\r\n",
    "TD3, a broken check digit": "\r\n".join([TD3[0], TD3[1][:27] + "4" + TD3[1][28:]]),
    "TD3, an O read for a 0 (repaired)": "\r\n".join([TD3[0], TD3[1].replace("02C3", "O2C3")]),
    "TD1 specimen, valid": "\r\n".join(SPECIMENS["TD1"]),
    "garbage": "HELLO WORLD\r\nNOT AN MRZ",
}


async def run(requests: int) -> None:
    with scratch_engine("sqlite") as engine:
        factory = make_session_factory(engine)
        build_demo(factory, days=2)
        create_demo_users(factory)
        app = create_app(Settings(database_url="sqlite://", secret_key=BENCH_KEY), factory)
        client, csrf = await _signed_in(app, "officer.west")
        hx = {"HX-Request": "true", "X-CSRF-Token": csrf}
        form = {"kind": "person", "direction": "in", "category": "civilian", "lane": ""}
        print(f"Booth scan -> filled form (server time, SQLite, demo data), {machine()}:")
        for name, mrz in SCANS.items():

            async def scan(i: int, mrz: str = mrz):  # type: ignore[no-untyped-def]
                return await client.post(
                    "/posts/AST-W/booth/scan", headers=hx, data={**form, "mrz": mrz}
                )

            await _timed(10, scan)  # warm-up
            print(_line(name, await _timed(requests, scan)))

        async def check(i: int):  # type: ignore[no-untyped-def]
            body = {"lines": list(TD3), "repair": True}
            return await client.post("/api/v1/documents/check", headers=hx, json=body)

        await _timed(10, check)
        print(_line("POST /api/v1/documents/check", await _timed(requests, check)))
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(run(args.requests))


if __name__ == "__main__":
    main()
