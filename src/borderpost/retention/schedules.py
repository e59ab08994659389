"""Retention schedules: how long each kind of record keeps its personal data.

Pure: no database. The periods are the network's (``retention_days`` in the settings, which
every node of a network shares); a kind the settings do not name keeps its default. The
defaults follow the EU Entry/Exit System, Regulation (EU) 2017/2226, Article 34: a record of
an entry or exit is kept three years, a record of a refusal of entry five; the rest follow the
record they explain (``docs/operations.md``, "Retention").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class RecordKind(StrEnum):
    """The kinds of record a schedule names."""

    CROSSING = "crossing"  # a person's or vehicle's crossing, admitted or referred
    REFUSED_CROSSING = "refused_crossing"
    HIT = "hit"  # a screening hit and its resolution
    CASE = "case"
    EVIDENCE = "evidence"  # an inspection's evidence files
    AUDIT_ENTRY = "audit_entry"  # the before and after values of an audit entry


_YEAR = 365
DEFAULT_DAYS: Mapping[RecordKind, int] = {
    # EES Art. 34(1): entry/exit records, three years.
    RecordKind.CROSSING: 3 * _YEAR,
    # EES Art. 34(2)-(3): refusals of entry (and overstayers' files), five years.
    RecordKind.REFUSED_CROSSING: 5 * _YEAR + 1,
    # A hit explains a crossing's decision: kept as long as an entry/exit record.
    RecordKind.HIT: 3 * _YEAR,
    # An appeal may concern a refusal: kept as long as the refusal.
    RecordKind.CASE: 5 * _YEAR + 1,
    # Seizures and findings may end in proceedings: as long as a refusal.
    RecordKind.EVIDENCE: 5 * _YEAR + 1,
    # The trail must explain every record it names while that record exists.
    RecordKind.AUDIT_ENTRY: 5 * _YEAR + 1,
}


@dataclass(frozen=True)
class Schedule:
    """The retention period of every kind, in days."""

    days: Mapping[RecordKind, int]

    @classmethod
    def from_settings(cls, configured: Mapping[str, int]) -> Schedule:
        """The defaults, with the periods the settings name; an unknown kind or a period under
        a day is refused, naming it."""
        days = dict(DEFAULT_DAYS)
        for name, value in configured.items():
            try:
                kind = RecordKind(name)
            except ValueError:
                known = ", ".join(k.value for k in RecordKind)
                raise ValueError(f"retention_days: {name!r} is not one of {known}") from None
            if value < 1:
                raise ValueError(f"retention_days: {name} must be at least 1 day, not {value}")
            days[kind] = value
        return cls(days)

    def cutoff(self, kind: RecordKind, now: dt.datetime) -> dt.datetime:
        """Records of ``kind`` older than this instant have expired."""
        return now - dt.timedelta(days=self.days[kind])
