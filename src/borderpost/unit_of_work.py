"""The unit of work: one business transaction, committed in one place.

Above ``db`` (which knows no feature) because opening one installs the audit hook: every write
made through a unit of work is audited, whoever makes it.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session

from borderpost.audit.hook import install as install_audit_hook
from borderpost.db import SessionFactory


class UnitOfWork:
    """One business transaction: services add and flush, only ``commit`` commits.

    ``actor`` is who acts (a user name, or ``system:<job>``) and ``client`` where the request
    came from (the client's address); the audit hook (``borderpost.audit.hook``) reads both.
    """

    session: Session

    def __init__(
        self,
        session_factory: SessionFactory,
        actor: str = "system",
        client: str | None = None,
        home: Path | None = None,
        cargo_random_share: float = 0.0,
    ) -> None:
        self._factory = session_factory
        self.actor = actor
        self.client = client
        # The node's home folder (rule sets, seeds, evidence files); None: shipped defaults.
        self.home = home
        self.cargo_random_share = cargo_random_share

    def __enter__(self) -> Self:
        install_audit_hook()  # idempotent
        self.session = self._factory()
        self.session.info["uow"] = self
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Whatever was not committed is dropped: a failed request writes nothing.
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
