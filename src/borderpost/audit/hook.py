"""The one audit hook: every ORM flush of a unit of work leaves entries, no route writes any.

Writes made with Core statements (the crossing hot path) do not pass through a flush; they
call ``record`` themselves, in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy import Table, event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from borderpost import clock, outbox
from borderpost.audit.model import AuditEntry
from borderpost.db import insert_at_commit
from borderpost.ids import new_id
from borderpost.outbox import plain

_TABLE = cast(Table, AuditEntry.__table__)
_INSERT = insert(_TABLE)
# Headquarters' reference data, as a node holds it (imported, or edited for any post): its
# entries are that node's, not the post's trail, so they are not shipped under the post's name.
REFERENCE = frozenset({"posts", "lanes"})
# Never copied into the trail: a password hash or token hash there would be a second leak.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "secret_hash"})
# Derived bytes that say nothing to a reader (a watchlist version's LtHash state; its checksum
# is audited): recorded as changed, not by value.
OPAQUE_COLUMNS = frozenset({"lthash"})
_HIDDEN = SECRET_COLUMNS | OPAQUE_COLUMNS
# Bookkeeping, not business records: the reference token and the outbox (it mirrors crossings);
# headquarters' sync bookkeeping (parking and replaying write their own entries, without the
# payload, which holds personal data).
NOT_AUDITED = frozenset(
    {
        "audit_entries",
        "reference_state",
        "outbox",
        "crossing_counts_daily",
        "access_days",
        "sync_inbox",
        "sync_parked",
        "sync_applied_keys",
        # what headquarters last read of each post's log (its alerts are audited)
        "ledger_followed",
        "ledger_followed_leaves",
    }
)


def _actor(session: Session) -> tuple[str, str | None]:
    uow = session.info.get("uow")
    if uow is None:
        return "system", None
    return str(uow.actor), getattr(uow, "client", None)


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    post_id: uuid.UUID | None = None,
    *,
    defer: bool = False,
) -> None:
    """Write one entry with a Core insert in the session's transaction (no SELECT, no flush).

    ``defer`` queues it for the commit (``db.insert_at_commit``): for the crossing hot path.
    """
    actor, client = _actor(session)
    now = clock.now()
    row = {
        "id": new_id(),
        "at": now,
        "actor": actor,
        "client": client,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "before": before,
        "after": after,
        "post_id": post_id,
    }
    if defer:
        insert_at_commit(session, _INSERT, row)
    else:
        session.connection().execute(_INSERT, row)
    if post_id is not None and entity not in REFERENCE and not outbox.replicating(session):
        # The post's trail reaches headquarters with the record, in the same transaction.
        shipped = {k: plain(v) for k, v in row.items() if k != "post_id"}
        topic = outbox.Topic.AUDIT_RECORDED
        outbox.queue(
            session, topic, shipped, post_id=post_id, at=now, defer=defer, at_once=not defer
        )


def _changes(obj: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """Column values before and after, for the columns this flush changes."""
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        if key in _HIDDEN:
            before[key] = after[key] = "(changed)"
            continue
        before[key] = plain(history.deleted[0]) if history.deleted else None
        after[key] = plain(history.added[0]) if history.added else None
    return before, after


def _values(obj: object) -> dict[str, Any]:
    state = inspect(obj)
    return {
        attr.key: plain(getattr(obj, attr.key))
        for attr in state.mapper.column_attrs
        if attr.key not in _HIDDEN
    }


def _identity(obj: object) -> str:
    # A new object has no identity key yet in after_flush; its primary key is set already.
    state = inspect(obj)
    identity = state.identity or state.mapper.primary_key_from_instance(obj)
    if not identity or any(part is None for part in identity):
        return "?"
    return ",".join(str(part) for part in identity)


def _post_of(obj: object, table: str) -> uuid.UUID | None:
    value = getattr(obj, "id" if table == "posts" else "post_id", None)
    return value if isinstance(value, uuid.UUID) else None


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    # After the flush: new objects have their ids, and new/dirty/deleted and the attribute
    # history still describe what this flush wrote.
    if session.info.get("uow") is None:
        return
    entries: list[tuple[str, object, dict[str, Any] | None, dict[str, Any] | None]] = []
    for obj in session.new:
        entries.append(("create", obj, None, _values(obj)))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            changed_from, changed_to = _changes(obj)
            if changed_from or changed_to:
                entries.append(("update", obj, changed_from, changed_to))
    for obj in session.deleted:
        entries.append(("delete", obj, _values(obj), None))
    for action, obj, before, after in entries:
        table = _table(obj)
        if table not in NOT_AUDITED:
            post_id = _post_of(obj, table)
            record(session, action, table, _identity(obj), before, after, post_id)


def _table(obj: object) -> str:
    return str(inspect(obj).mapper.local_table.name)


_installed = False


def install() -> None:
    """Listen on every Session (idempotent); only sessions of a unit of work are audited."""
    global _installed
    if not _installed:
        event.listen(Session, "after_flush", _after_flush)
        _installed = True
