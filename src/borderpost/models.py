"""Imports every mapped class, so metadata (Alembic, tests) sees the whole schema."""

from borderpost.accounts.model import ApiToken, User, WebSession
from borderpost.audit.model import AuditEntry
from borderpost.cargo.model import Consignment, GoodsItem
from borderpost.cases.model import Case, CaseAttachment, CaseNote, CaseRecord
from borderpost.crossings.model import Convoy, Crossing
from borderpost.inspections.model import Evidence, Finding, Inspection, Seizure
from borderpost.ledger.follow.model import FollowAlert, FollowedLeaf, FollowedLog
from borderpost.ledger.model import LedgerLeaf
from borderpost.network.model import NetworkCommand, NetworkVersion
from borderpost.organisations.model import Organisation
from borderpost.outbox import OutboxEvent
from borderpost.parties.model import Party
from borderpost.people.model import TravelDocument, Traveller
from borderpost.posts.model import Closure, Lane, Post
from borderpost.reference import ReferenceState
from borderpost.reports.model import CrossingCount
from borderpost.retention.model import LegalHold
from borderpost.screening.model import ScreeningHit, Watchlist, WatchlistEntry, WatchlistVersion
from borderpost.sync.model import AppliedKey, InboxEntry, ParkedEvent
from borderpost.transit.model import Corridor, StoredTransit
from borderpost.vehicles.model import Vehicle

__all__ = [
    "ApiToken",
    "AppliedKey",
    "AuditEntry",
    "Case",
    "CaseAttachment",
    "CaseNote",
    "CaseRecord",
    "Closure",
    "Consignment",
    "Convoy",
    "Corridor",
    "Crossing",
    "CrossingCount",
    "Evidence",
    "Finding",
    "FollowAlert",
    "FollowedLeaf",
    "FollowedLog",
    "GoodsItem",
    "InboxEntry",
    "Inspection",
    "Lane",
    "LedgerLeaf",
    "LegalHold",
    "NetworkCommand",
    "NetworkVersion",
    "Organisation",
    "OutboxEvent",
    "ParkedEvent",
    "Party",
    "Post",
    "ReferenceState",
    "ScreeningHit",
    "Seizure",
    "StoredTransit",
    "TravelDocument",
    "Traveller",
    "User",
    "Vehicle",
    "Watchlist",
    "WatchlistEntry",
    "WatchlistVersion",
    "WebSession",
]
