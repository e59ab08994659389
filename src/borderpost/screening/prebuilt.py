"""A list version's screening index as a file: built once by headquarters, loaded by posts.

Building the index of a million entries takes tens of seconds of CPU (parsing every name);
loading the arrays it is made of takes a second or two. Headquarters builds it once from the
rows of the whole file it publishes (in the file's order) and publishes it beside the file;
a post whose matcher is the same code (``fingerprint``) loads it instead of building, after it
has proved the file's checksum, and checks that the index holds exactly the file's entry keys
in the file's order (``matches``). A post whose matcher differs, or whose load fails, builds
the index itself as before: the file is only ever a shortcut.

The file is a pickle of the index's parts, compressed. It is read only after its SHA-256 was
checked against headquarters' signed manifest, and through an unpickler that constructs the
matcher's own classes, numpy arrays and plain containers only (``_Loader``): no other function
or class named in a file is ever called.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import gzip
import hashlib
import io
import pickle
import uuid
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from borderpost.screening.matcher import compiled
from borderpost.screening.matcher.index import PersonIndex
from borderpost.screening.matcher.scoring import FlatKeys
from borderpost.screening.screener import EntryKeys, ListIndex

FORMAT = 1


def _flat_keys(keys: FlatKeys) -> tuple[type[FlatKeys], tuple[Any, ...]]:
    # Rebuilt through its constructor: a compiled frozen dataclass takes no attribute setting.
    return FlatKeys, tuple(getattr(keys, f.name) for f in dataclasses.fields(FlatKeys))


copyreg.pickle(FlatKeys, _flat_keys)


def fingerprint() -> str:
    """The matcher's code as an index file depends on it: its sources, which of them run
    compiled, this module's format and numpy's major version."""
    h = hashlib.sha256(f"{FORMAT} {np.__version__.split('.')[0]} ".encode())
    h.update(" ".join(compiled.compiled()).encode())
    for path in sorted(Path(compiled.HERE).glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    h.update(Path(__file__).with_name("screener.py").read_bytes())
    return h.hexdigest()


def dump(index: ListIndex) -> bytes:
    """A whole index (no overlay) as a file."""
    if index.overlay is not None or index.hidden:
        raise ValueError("only a whole index is written")
    parts = (index.persons, index.documents, index.plates, index.size, index.keys)
    out = io.BytesIO()
    with (
        _without_hashes(index),
        gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) as packed,
    ):
        pickle.dump(parts, packed, protocol=5)
    return out.getvalue()


@contextlib.contextmanager
def _without_hashes(index: ListIndex) -> Iterator[None]:
    """The arrays of this process's ``str`` hashes left out while the index is written: a
    loader recomputes them (``rehash``), and random numbers do not compress (a third of the
    compressed file)."""
    persons, keys = index.persons, index.keys
    kept = (
        persons._eid_hash, persons._eid_order, persons._eid_sorted, persons._blk_hash,
        persons._blk_vid, keys._hash, keys._sorted, keys._order,
    )  # fmt: skip
    empty = np.zeros(0, dtype=np.int64)
    persons._eid_hash, persons._eid_order, persons._eid_sorted = array("q"), empty, empty
    persons._blk_hash, persons._blk_vid = empty, np.zeros(0, dtype=np.int32)
    keys._hash, keys._sorted, keys._order = array("q"), None, empty
    try:
        yield
    finally:
        (
            persons._eid_hash, persons._eid_order, persons._eid_sorted, persons._blk_hash,
            persons._blk_vid, keys._hash, keys._sorted, keys._order,
        ) = kept  # fmt: skip


# What an index file may name: the matcher's classes (any class of its modules), and these.
_ALLOWED = {
    "builtins": {"bytearray", "set", "frozenset", "dict", "list", "tuple", "bytes", "slice"},
    "collections": {"defaultdict", "OrderedDict"},
    "copyreg": {"_reconstructor"},
    "array": {"array", "_array_reconstructor"},
    "numpy": {"ndarray", "dtype"},
    "numpy.core.multiarray": {"_reconstruct", "scalar"},
    "numpy.core.numeric": {"_frombuffer"},
    "numpy._core.multiarray": {"_reconstruct", "scalar"},
    "numpy._core.numeric": {"_frombuffer"},
    "numpy.dtypes": None,  # numpy's dtype classes (any of them)
    "borderpost.screening.screener": {"EntryKeys"},
}


class _Loader(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED.get(module, set())
        ours = module.startswith("borderpost.screening.matcher.")
        if (allowed is None or name in allowed or ours) and not name.startswith("__"):
            found = super().find_class(module, name)
            if not ours or isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"an index file may not name {module}.{name}")


def load(data: bytes, watchlist_id: uuid.UUID, version_id: uuid.UUID, name: str) -> ListIndex:
    """The index in a file, as the index of this node's ``version_id``. Raises ValueError
    if it is not an index file of this format."""
    try:
        persons, documents, plates, size, keys = _Loader(io.BytesIO(gzip.decompress(data))).load()
    except (pickle.UnpicklingError, EOFError, OSError, TypeError, ValueError) as exc:
        raise ValueError(f"not an index file: {exc}") from exc
    if not isinstance(persons, PersonIndex) or not isinstance(keys, EntryKeys):
        raise ValueError("not an index file: not an index's parts")
    persons.rehash()  # what holds str hashes, salted per process
    keys.rehash()
    return ListIndex(watchlist_id, version_id, name, persons, documents, plates, size, keys)


def matches(index: ListIndex, keys: Sequence[str]) -> bool:
    """Whether ``index`` was built from entries of exactly these keys, in this order."""
    return index.size == len(keys) and index.keys.same(keys)
