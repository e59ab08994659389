"""The glossary is checked against the code: every name it gives in its last column exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "src" / "borderpost"


def _named_in_glossary() -> set[str]:
    names: set[str] = set()
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("word", "---"):
            names.update(re.findall(r"`([^`]+)`", cells[2]))
    return names


def test_each_word_has_one_row() -> None:
    words = []
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("word", "---"):
            words.append(cells[0])
    assert len(words) == len(set(words)), sorted(w for w in words if words.count(w) > 1)


def test_every_name_in_the_glossary_is_in_the_code() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.py"))
    missing = []
    for name in sorted(_named_in_glossary()):
        if name.endswith("/"):
            found = (SOURCE / name).is_dir()
        elif name.endswith(".py"):  # a module, named by its path under borderpost/
            found = (SOURCE / name).is_file()
        else:
            last = name.split(".")[-1]
            found = bool(re.search(rf"^\s*(class|def)\s+{last}\b|^\s*{last}\s*[:=]", code, re.M))
        if not found:
            missing.append(name)
    assert missing == []
