"""Real witness processes for tests: ``borderpost witness serve`` on a free localhost port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def witness_cli(*args: str) -> str:
    """Run ``borderpost witness ...`` in a subprocess; return its output."""
    done = subprocess.run(
        [sys.executable, "-m", "borderpost.cli", "witness", *args],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    return done.stdout


def start_witness(state: Path, port: int) -> subprocess.Popen[bytes]:
    """Start a witness serving ``state`` on ``port``; return once it accepts connections."""
    args = ["witness", "serve", "--state", str(state), "--port", str(port)]
    process = subprocess.Popen(
        [sys.executable, "-m", "borderpost.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"the witness exited: {process.stderr.read()!r}")  # type: ignore[union-attr]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the witness did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)
