#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432; start (or install) Debian's if not.
# Fails loudly: the test suite never skips PostgreSQL.
set -euo pipefail
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if command -v pg_isready >/dev/null && ready; then exit 0; fi
if ! command -v pg_ctlcluster >/dev/null; then
  echo "PostgreSQL is not installed: installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q postgresql
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
echo "Starting PostgreSQL $version" >&2
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do ready && break; sleep 1; done
if ! ready; then
  echo "ERROR: PostgreSQL is not reachable on 127.0.0.1:5432 and could not be started" >&2
  exit 1
fi
# Tests connect as postgres over TCP without a password (trust), as on these machines.
if ! psql -h 127.0.0.1 -U postgres -c 'select 1' >/dev/null 2>&1; then
  echo "ERROR: cannot connect as postgres to 127.0.0.1:5432 (pg_hba.conf must trust local TCP)" >&2
  exit 1
fi
