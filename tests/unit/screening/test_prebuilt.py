"""Headquarters' prebuilt index (``screening.prebuilt``), loaded in another process (another
``str`` hash salt), answers exactly as an index built there from the same rows; a file that
names anything but an index's parts is refused; the key check tells the file's entries."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import random
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from tests.unit.screening.test_index_delta import _queries, _rows, _same_answers

from borderpost.screening import prebuilt
from borderpost.screening.screener import build_rows, extend

LIST, VERSION = uuid.UUID(int=1), uuid.UUID(int=2)

# Run in a child process with its own hash salt: loads the file, builds the same rows, and
# prints both indexes' answers.
CHILD = """
import json, sys, uuid
from pathlib import Path
from borderpost.screening import prebuilt
from borderpost.screening.matcher import Query
from borderpost.screening.screener import build_rows
from tests.unit.screening.test_index_delta import _key
blob, rows, queries = (Path(sys.argv[1]).read_bytes(), json.loads(Path(sys.argv[2]).read_text()),
                       json.loads(Path(sys.argv[3]).read_text()))
loaded = prebuilt.load(blob, uuid.UUID(int=1), uuid.UUID(int=9), "list")
built = build_rows(uuid.UUID(int=1), uuid.UUID(int=9), "list", [tuple(r) for r in rows])
def answers(index):
    out = [_key(index.search_persons(Query(*q), limit, score)) for q in queries["people"]
           for limit, score in ((5, 0.0), (3, 0.8))]
    out += [_key(index.search_documents(n, i)) for n in queries["docs"] for i in ("AM", None)]
    out += [_key(index.search_plates(p)) for p in queries["plates"]]
    return out
print(json.dumps({"loaded": answers(loaded), "built": answers(built),
                  "matches": prebuilt.matches(loaded, [r[0] for r in rows])}))
"""


def test_a_prebuilt_index_loaded_in_another_process_answers_as_one_built_there(
    tmp_path: Path,
) -> None:
    rows = _rows(4, 400, "E")
    blob = prebuilt.dump(build_rows(LIST, VERSION, "list", rows))
    people, docs, plates = _queries(rows, random.Random(5))
    queries = {
        "people": [[q.name, q.birth_date, q.nationality] for q in people],
        "docs": docs,
        "plates": plates,
    }
    (tmp_path / "index").write_bytes(blob)
    (tmp_path / "rows.json").write_text(json.dumps(rows))
    (tmp_path / "queries.json").write_text(json.dumps(queries))
    (tmp_path / "child.py").write_text(CHILD)
    root = Path(__file__).parents[3]
    env = {
        **os.environ,
        "PYTHONHASHSEED": "4242",  # not this process's salt
        "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)]),
    }
    args = [str(tmp_path / n) for n in ("index", "rows.json", "queries.json")]
    done = subprocess.run(
        [sys.executable, str(tmp_path / "child.py"), *args],
        env=env, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    got = json.loads(done.stdout)
    assert got["matches"] is True
    assert got["loaded"] == got["built"]
    assert any(answer for answer in got["loaded"])  # the queries find something
    # near misses are found through the blocking table (the rehashed part), not exact keys
    here = build_rows(LIST, VERSION, "list", rows)
    near = [q for q in people if q.name and not any(q.name in r[2] for r in rows)]
    assert near
    assert any(here.search_persons(q, 5, 0.6) for q in near)


def test_a_loaded_index_answers_as_the_built_one_and_extends_alike() -> None:
    rows = _rows(7, 200, "E")
    built = build_rows(LIST, VERSION, "list", rows)
    loaded = prebuilt.load(prebuilt.dump(built), LIST, VERSION, "list")
    _same_answers(loaded, built, rows, random.Random(1))
    put, gone = _rows(8, 5, "N"), [rows[0][0], rows[1][0]]
    after = rows[2:] + put
    _same_answers(
        extend(loaded, uuid.UUID(int=3), put, gone),
        extend(built, uuid.UUID(int=3), put, gone),
        after,
        random.Random(2),
    )


def test_the_key_check_tells_the_files_entries() -> None:
    rows = _rows(3, 50, "E")
    loaded = prebuilt.load(
        prebuilt.dump(build_rows(LIST, VERSION, "list", rows)), LIST, VERSION, "l"
    )
    keys = [r[0] for r in rows]
    assert prebuilt.matches(loaded, keys)
    assert not prebuilt.matches(loaded, keys[::-1])
    assert not prebuilt.matches(loaded, keys[:-1])
    assert not prebuilt.matches(loaded, [*keys[:-1], "other"])


def test_a_file_naming_anything_else_is_refused() -> None:
    hostile = gzip.compress(pickle.dumps((os.getcwd, (), {}, 0, None)))
    with pytest.raises(ValueError, match="may not name"):
        prebuilt.load(hostile, LIST, VERSION, "list")
    with pytest.raises(ValueError, match="not an index file"):
        prebuilt.load(gzip.compress(pickle.dumps(({}, {}, {}, 0, {}))), LIST, VERSION, "list")
    with pytest.raises(ValueError, match="not an index file"):
        prebuilt.load(b"not gzip", LIST, VERSION, "list")
    extended = extend(build_rows(LIST, VERSION, "list", _rows(1, 5, "E")), VERSION, [], ["E1"])
    with pytest.raises(ValueError, match="only a whole index"):
        prebuilt.dump(extended)
