"""The translation catalogues kept complete: extract, update, list what is missing.

``python -m borderpost.web.catalogues update`` (``make translations``) extracts every marked
string from the templates and the Python sources into ``messages.pot`` and appends the new
ids, untranslated, to each language's ``messages.po``; ``... check`` (``make
translations-check``) lists what a language still lacks and exits 1 if anything does. The unit
test ``tests/unit/core/test_translations.py`` calls the same functions.

Appending, not ``pybabel update``: the ``.po`` files are edited by hand (comments, order) and
merged between branches, so existing entries are never rewritten or reordered; an id no source
uses any more is reported by ``check`` and removed by hand.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

from babel.messages import frontend
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent.parent
TRANSLATIONS = PACKAGE / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
# English needs no catalogue of its own but for the words that come from data (see i18n.py).
TRANSLATED = ("az", "hy", "ru")

# What marks a string for extraction, besides gettext's own names. ``N_`` marks without
# translating (labels, message templates); the others are the calls that carry a reason or
# message an officer reads, whose literal argument is the message id.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    **DEFAULT_KEYWORDS,  # type: ignore[dict-item]
    "N_": None,
    "Message": (1,),
    "invalid": (2,),
    "NotFound": (2,),
    "FieldProblem": (2,),
    "field_error": (2,),
    "Forbidden": (1,),
    "Conflict": (2,),
    "PostClosed": (2,),
    "ClosureOverlap": (2,),
    "Problem": (2,),
    "bad_char": (4,),
}


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def extract(skipped: list[str] | None = None) -> Catalog:
    """Every marked string of the package, as ``pybabel extract -F babel.cfg`` finds them.

    A marked call whose text is an f-string with values cannot be extracted (it stays English
    on a page); Babel says where, and ``skipped`` collects those places. A text without a
    letter (the ``"; "`` of a ``"; ".join(...)`` given as a reason) is no message.
    """
    with (TRANSLATIONS / "babel.cfg").open() as handle:
        # parse_mapping_cfg since Babel 2.15; parse_mapping before (deprecated since).
        parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
        method_map, options_map = parse(handle)
    catalog = Catalog(project="Borderpost", fuzzy=False)
    warnings = io.StringIO()
    with contextlib.redirect_stderr(warnings):
        found = list(
            extract_from_dir(
                str(PACKAGE), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
            )
        )
    if skipped is not None:
        prefix = str(PACKAGE.parent) + "/"
        skipped.extend(
            line.split(": warning")[0].removeprefix(prefix)
            for line in warnings.getvalue().splitlines()
            if "Skipping f-string" in line
        )
    for filename, _lineno, message, comments, context in found:
        text = message if isinstance(message, str) else message[0]
        if not any(char.isalpha() for char in text):
            continue
        path = f"src/borderpost/{Path(filename).as_posix()}"
        # Files, not lines: a line number would change the template on every edit above it.
        catalog.add(message, None, [(path, 0)], auto_comments=comments, context=context)
    return catalog


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def ids(catalog: Catalog) -> set[str]:
    return {str(m.id) if isinstance(m.id, str) else str(m.id[0]) for m in catalog if m.id}


def missing(language: str, template: Catalog | None = None) -> list[str]:
    """The ids of ``template`` (the sources, by default) that ``language`` leaves untranslated."""
    template = template if template is not None else extract()
    catalog = read(catalogue_path(language), language)
    result = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found is not None else ""
        texts = strings if isinstance(strings, (list, tuple)) else [strings]
        if found is None or found.fuzzy or not all(texts):
            result.append(str(message.id if isinstance(message.id, str) else message.id[0]))
    return result


def stale(template: Catalog | None = None) -> tuple[set[str], set[str]]:
    """(ids the sources have and ``messages.pot`` lacks, ids ``messages.pot`` has no more)."""
    template = template if template is not None else extract()
    committed = ids(read(TEMPLATE))
    current = ids(template)
    return current - committed, committed - current


def _entries(messages: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, messages, width=0, omit_header=True, no_location=True)
    return buffer.getvalue()


def update() -> dict[str, int]:
    """Write ``messages.pot`` and append each language's new ids; the count appended."""
    template = extract()
    with TEMPLATE.open("wb") as handle:
        write_po(handle, template, width=0, include_lineno=False, sort_by_file=True)
    added = {}
    for language in TRANSLATED:
        path = catalogue_path(language)
        catalog = read(path, language)
        new = Catalog(locale=language)
        for message in template:
            if message.id and catalog.get(message.id, context=message.context) is None:
                new.add(message.id, "", context=message.context)
        added[language] = len(new)
        if len(new):
            text = path.read_bytes().rstrip(b"\n") + b"\n\n" + _entries(new)
            path.write_bytes(text.rstrip(b"\n") + b"\n")
    return added


def report(verbose: bool = False) -> int:
    """Print what is stale or untranslated; 0 when nothing is."""
    skipped: list[str] = []
    template = extract(skipped)
    new, gone = stale(template)
    problems = 0
    if new or gone:
        problems += 1
        print(f"messages.pot is stale: {len(new)} new, {len(gone)} gone; run `make translations`")
    for language in TRANSLATED:
        lacking = missing(language, template)
        problems += len(lacking)
        for message_id in lacking:
            print(f"{language}\t{message_id!r}")
    unused = {
        language: sorted(ids(read(catalogue_path(language), language)) - ids(template))
        for language in TRANSLATED
    }
    for language, extra in unused.items():
        for message_id in extra:
            print(f"{language}\tunused: {message_id!r}")
    if not problems:
        print(f"complete: {len(template)} ids in {', '.join(TRANSLATED)}")
    print(f"{len(skipped)} marked texts are f-strings, English on every page (-v lists them)")
    if verbose:
        for place in sorted(set(skipped)):
            print(f"f-string\t{place}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["update"]:
        for language, count in update().items():
            print(f"{language}: {count} new ids appended")
        return report()
    if args and args[0] == "check" and set(args[1:]) <= {"-v"}:
        return report(verbose="-v" in args)
    print("usage: python -m borderpost.web.catalogues update | check [-v]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
