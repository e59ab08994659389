#!/usr/bin/env bash
# Make sure a NATS server with JetStream answers on 127.0.0.1:4222; start (or install) Debian's
# if not. Fails loudly: the sync tests never skip NATS.
set -euo pipefail
ready() { (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; }
if ready; then exit 0; fi
if [ ! -x /usr/sbin/nats-server ]; then
  echo "NATS is not installed: installing Debian's nats-server" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q nats-server
fi
echo "Starting nats-server with JetStream" >&2
mkdir -p /var/lib/nats-server
start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
  -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
for _ in $(seq 1 30); do ready && break; sleep 1; done
if ! ready; then
  echo "ERROR: NATS is not reachable on 127.0.0.1:4222 and could not be started" >&2
  exit 1
fi
