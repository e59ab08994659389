"""Errors raised by the tile store and the log on disk."""

from __future__ import annotations

from borderpost.ledger.tlog.errors import LedgerError


class InconsistentTreeError(LedgerError):
    """Signing or accepting this tree would contradict a checkpoint already signed or seen."""


class StoreCorruptError(LedgerError):
    """The files of a tile store disagree with each other or with the signed checkpoint."""


class StoreLockedError(LedgerError):
    """Another process holds the tile store open for writing."""
