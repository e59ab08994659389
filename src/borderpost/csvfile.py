"""The one CSV writer: every CSV file Borderpost produces is written here.

A spreadsheet opening a CSV runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula (and some also after a leading tab or carriage return), so a plate typed as
``=HYPERLINK("http://…")`` would become a live link in the analyst's sheet. Following OWASP's
advice on CSV injection, a text cell beginning with one of those characters is written with a
single quote in front, which the spreadsheet shows as text. Numbers are written as numbers and
never touched, so ``-3`` stays a number the sheet can sum; the same ``-3`` arriving as text is
quoted like any other text.

Pure: no framework, no I/O beyond the string it returns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

__all__ = ["FORMULA_STARTS", "Cell", "csv_chunks", "csv_text", "safe_cell"]

# What a spreadsheet may take as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | bool | None


def safe_cell(value: Cell) -> str | int | float | Decimal:
    """``value`` as it may go into a CSV cell: text that could start a formula gets a ``'``.

    None is an empty cell; numbers are left as they are.
    """
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """A whole CSV file (header first), every cell passed through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_chunks(header: Sequence[str], batches: Iterable[Iterable[Sequence[Cell]]]) -> Iterator[str]:
    """A CSV file streamed: the header, then one piece of text per batch of rows, so that a
    large export never holds the whole file; every cell passed through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for rows in batches:
        writer.writerows([safe_cell(cell) for cell in row] for row in rows)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue()
