"""The crossings of a period, streamed as CSV or Parquet for analysts' tools.

Rows are read from the database in batches (a server-side cursor on PostgreSQL) and each
batch is written and handed on before the next is read, so an export of any size holds one
batch in memory. Public facts only, or with the personal data (traveller, document, plate,
officer, reasons) for roles that may read crossings; the caller checks which.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from borderpost import csvfile
from borderpost.crossings.model import Crossing
from borderpost.errors import invalid
from borderpost.messages import Message
from borderpost.organisations.model import Organisation
from borderpost.people.model import TravelDocument, Traveller
from borderpost.posts import repository as posts_repository
from borderpost.posts.model import Post
from borderpost.vehicles.model import Vehicle

BATCH = 10_000
MAX_DAYS = 366 * 5

_C = cast(Table, Crossing.__table__)
_P = cast(Table, Post.__table__)
_O = cast(Table, Organisation.__table__)
_TR = cast(Table, Traveller.__table__)
_D = cast(Table, TravelDocument.__table__)
_V = cast(Table, Vehicle.__table__)


class Format(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


_TS = pa.timestamp("us", tz="UTC")
# (column, Arrow type, the SQL expression it is read from)
PUBLIC: list[tuple[str, pa.DataType, Any]] = [
    ("id", pa.string(), _C.c.id),
    ("post", pa.string(), _P.c.code),
    ("time", _TS, _C.c.time),
    ("arrived_at", _TS, _C.c.arrived_at),
    ("direction", pa.string(), _C.c.direction),
    ("kind", pa.string(), _C.c.kind),
    ("category", pa.string(), _C.c.category),
    ("organisation", pa.string(), _O.c.code),
    ("organisation_type", pa.string(), _C.c.organisation_type),
    ("vehicle_type", pa.string(), _C.c.vehicle_type),
    ("decision", pa.string(), _C.c.decision),
]
PERSONAL: list[tuple[str, pa.DataType, Any]] = [
    ("surname", pa.string(), _TR.c.surname),
    ("given_names", pa.string(), _TR.c.given_names),
    ("birth_date", pa.date32(), _TR.c.birth_date),
    ("nationality", pa.string(), _TR.c.nationality),
    ("document_type", pa.string(), _D.c.type),
    ("document_number", pa.string(), _D.c.number),
    ("document_issuer", pa.string(), _D.c.issuer),
    ("plate", pa.string(), _V.c.plate),
    ("vehicle_country", pa.string(), _V.c.country),
    ("officer", pa.string(), _C.c.officer),
    ("reasons", pa.list_(pa.string()), _C.c.reasons),
    ("flags", pa.list_(pa.string()), _C.c.flags),
]


def columns(personal: bool) -> list[tuple[str, pa.DataType, Any]]:
    return PUBLIC + PERSONAL if personal else PUBLIC


def period(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC bounds of the days ``first`` to ``last``, inclusive; checked."""
    if first > last:
        raise invalid("from", "must be on or before to")
    if (last - first).days >= MAX_DAYS:
        raise invalid("to", Message("a period of at most {n} days", n=MAX_DAYS))
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=(last - first).days + 1)


def rows(
    conn: Connection,
    first: dt.date,
    last: dt.date,
    post_ids: Sequence[Any] | None,
    personal: bool,
) -> Iterator[list[Any]]:
    """Batches of rows (tuples in ``columns(personal)`` order), in time order."""
    since, until = period(first, last)
    chosen = columns(personal)
    joined = _C.join(_P, _P.c.id == _C.c.post_id).outerjoin(_O, _O.c.id == _C.c.organisation_id)
    if personal:
        joined = (
            joined.outerjoin(_TR, _TR.c.id == _C.c.traveller_id)
            .outerjoin(_D, _D.c.id == _C.c.document_id)
            .outerjoin(_V, _V.c.id == _C.c.vehicle_id)
        )
    query = (
        select(*[expr for _name, _type, expr in chosen])
        .select_from(joined)
        .where(_C.c.time >= since, _C.c.time < until)
        # By time alone, which the time index gives as it is read: a tie-break by id would
        # make the database sort the whole period before the first row.
        .order_by(_C.c.time)
    )
    if post_ids is not None:
        query = query.where(_C.c.post_id.in_(post_ids))
    result = conn.execute(query.execution_options(yield_per=BATCH))
    for batch in result.partitions():
        yield [tuple(row) for row in batch]


def _text(value: Any) -> csvfile.Cell:
    # A cell as csvfile writes it (which keeps typed text from starting a formula).
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, list):
        return ";".join(value)
    if value is None or isinstance(value, str | int | float | Decimal | bool):
        return value
    return str(value)


def csv_chunks(batches: Iterator[list[Any]], personal: bool) -> Iterator[bytes]:
    """CSV (UTF-8, header first, no cell starting a formula), one chunk per batch."""
    header = [name for name, _type, _expr in columns(personal)]
    rows = ([[_text(v) for v in row] for row in batch] for batch in batches)
    for text in csvfile.csv_chunks(header, rows):
        yield text.encode()


class _Sink(io.RawIOBase):
    """Where the Parquet writer writes: bytes collected until the caller takes them."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.written += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.written

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def parquet_chunks(batches: Iterator[list[Any]], personal: bool) -> Iterator[bytes]:
    """Parquet, one row group per batch, each handed on as soon as it is written."""
    chosen = columns(personal)
    schema = pa.schema([(name, kind) for name, kind, _expr in chosen])
    sink = _Sink()
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for batch in batches:
            values: list[Sequence[Any]] = list(zip(*batch, strict=True)) if batch else []
            arrays = [
                pa.array([_id_text(v) for v in column] if name == "id" else column, type=kind)
                for (name, kind, _expr), column in zip(chosen, values, strict=True)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            yield sink.take()
    yield sink.take()


def _id_text(value: Any) -> str:
    return str(value)


def post_ids(session: Session, post: str | None) -> list[Any] | None:
    """The ids of the posts exported: the one named, or every post (None)."""
    if post is None:
        return None
    found = posts_repository.post_by_code(session, post)
    if found is None:
        raise invalid("post", Message("no post with code {code!r}", code=post))
    return [found.id]


def media_type(fmt: Format) -> str:
    return "text/csv; charset=utf-8" if fmt is Format.CSV else "application/vnd.apache.parquet"


def file_name(fmt: Format, first: dt.date, last: dt.date, post: str | None, personal: bool) -> str:
    what = "crossings-personal" if personal else "crossings"
    return f"borderpost-{what}-{post or 'all'}-{first}-{last}.{fmt.value}"


def chunks(
    conn: Connection,
    fmt: Format,
    first: dt.date,
    last: dt.date,
    post_ids: Sequence[Any] | None,
    personal: bool,
) -> Iterator[bytes]:
    batches = rows(conn, first, last, post_ids, personal)
    if fmt is Format.CSV:
        return csv_chunks(batches, personal)
    return parquet_chunks(batches, personal)
