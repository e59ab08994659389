"""Real ``borderpost serve`` processes for tests: on a free localhost port, with their output."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from typing import IO

from tests.witnesses import free_port

START_SECONDS = 60  # a loaded machine took over 10 s to start a server


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: IO[bytes] = field(repr=False)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def start_server(env: dict[str, str], *extra: str) -> Server:
    """``borderpost serve`` on a free port; returns once it answers (or raises with its output)."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - kept with the server, closed by stop()
    process = subprocess.Popen(
        [sys.executable, "-m", "borderpost.cli", "serve", "--port", str(port), *extra],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{server.url}/login", timeout=1)  # noqa: S310 - our server
            return server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                said = server.output()
                server.stop()
                raise RuntimeError(f"the server did not start:\n{said}") from None
            time.sleep(0.1)
