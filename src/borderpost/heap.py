"""The process's heap once it has started: out of the cyclic garbage collector's way.

A full collection walks every object alive, and a started node holds a quarter of a million
that live as long as the process (modules, SQLAlchemy's metadata, pydantic's schemas). An
import's batch allocates enough to trigger full collections again and again: measured on
``bench_record`` (2,000 crossings a transaction, PostgreSQL), the collector took a third of
the client's CPU, and `settle` removed half of that.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect the garbage of start-up, then leave every object alive now out of later
    collections (``gc.freeze``): for a long-running process (a server, an import), after
    start-up, once. What is frozen is never collected, so a test process that builds many
    apps does not call it."""
    gc.collect()
    gc.freeze()
