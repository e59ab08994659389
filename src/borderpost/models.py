"""Imports every mapped class, so metadata (Alembic, tests) sees the whole schema."""

from borderpost.accounts.model import ApiToken, User
from borderpost.audit.model import AuditEntry
from borderpost.cargo.model import (
    Consignment,
    Evidence,
    Finding,
    GoodsItem,
    Inspection,
    Seizure,
)
from borderpost.crossings.model import Convoy, Crossing
from borderpost.ledger.model import LedgerEntry
from borderpost.organisations.model import Organisation
from borderpost.people.model import TravelDocument, Traveller
from borderpost.posts.model import Closure, Lane, Post
from borderpost.reference import ReferenceState
from borderpost.reports.model import CrossingCount
from borderpost.screening.model import ScreeningHit, Watchlist, WatchlistEntry, WatchlistVersion
from borderpost.sync.model import OutboxEvent
from borderpost.transit.model import Corridor
from borderpost.vehicles.model import Vehicle

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Closure",
    "Consignment",
    "Convoy",
    "Corridor",
    "Crossing",
    "CrossingCount",
    "Evidence",
    "Finding",
    "GoodsItem",
    "Inspection",
    "Lane",
    "LedgerEntry",
    "Organisation",
    "OutboxEvent",
    "Post",
    "ReferenceState",
    "ScreeningHit",
    "Seizure",
    "TravelDocument",
    "Traveller",
    "User",
    "Vehicle",
    "Watchlist",
    "WatchlistEntry",
    "WatchlistVersion",
]
