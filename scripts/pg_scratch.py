"""Run commands against a scratch PostgreSQL database, then drop it.

    python scripts/pg_scratch.py -- CMD ARGS \\; CMD2 ARGS

The database URL is passed to each command as BORDERPOST_DATABASE_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
from sqlalchemy.engine import make_url


def main(argv: list[str]) -> int:
    base = make_url(os.environ["BORDERPOST_TEST_POSTGRES_URL"])
    name = f"borderpost_scratch_{uuid.uuid4().hex[:12]}"
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = dict(os.environ, BORDERPOST_DATABASE_URL=base.set(database=name).render_as_string(
        hide_password=False))
    commands: list[list[str]] = [[]]
    for arg in argv[argv.index("--") + 1 :]:
        if arg == ";":
            commands.append([])
        else:
            commands[-1].append(arg)
    try:
        for command in filter(None, commands):
            result = subprocess.run(command, env=env, check=False)
            if result.returncode != 0:
                return result.returncode
        return 0
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main(sys.argv))
