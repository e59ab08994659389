"""Imports every mapped class, so metadata (Alembic, tests) sees the whole schema."""

from borderpost.accounts.model import ApiToken, User
from borderpost.audit.model import AuditEntry
from borderpost.crossings.model import Convoy, Crossing
from borderpost.ledger.model import LedgerEntry
from borderpost.organisations.model import Organisation
from borderpost.people.model import TravelDocument, Traveller
from borderpost.posts.model import Closure, Lane, Post
from borderpost.reference import ReferenceState
from borderpost.screening.tables import ScreeningHit, Watchlist, WatchlistEntry, WatchlistVersion
from borderpost.sync.model import OutboxEvent
from borderpost.vehicles.model import Vehicle

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Closure",
    "Convoy",
    "Crossing",
    "Lane",
    "LedgerEntry",
    "Organisation",
    "OutboxEvent",
    "Post",
    "ReferenceState",
    "ScreeningHit",
    "TravelDocument",
    "Traveller",
    "User",
    "Vehicle",
    "Watchlist",
    "WatchlistEntry",
    "WatchlistVersion",
]
