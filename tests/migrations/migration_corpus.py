"""Access to the bundled legacy corpus and its compare.py."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from plexpy.db.perf_indexes import PERF_INDEX_NAMES

CORPUS = Path(__file__).resolve().parent.parent / "data" / "legacy_corpus"
FRESH = CORPUS / "fresh_v2.17.2.db"


def load_compare() -> ModuleType:
    """Import the corpus's standalone compare.py as a module."""
    if "legacy_corpus_compare" in sys.modules:
        return sys.modules["legacy_corpus_compare"]
    spec = importlib.util.spec_from_file_location("legacy_corpus_compare", CORPUS / "compare.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["legacy_corpus_compare"] = module
    spec.loader.exec_module(module)
    return module


def release_dirs() -> list[Path]:
    """Every release directory of the corpus, in index order."""
    names = [entry["name"] for entry in json.loads((CORPUS / "index.json").read_text())]
    return [CORPUS / n for n in names]


def target_of(release: Path) -> Path | None:
    """The file a migration must produce: steady state if any, else one run; None for failures."""
    for name in ("steady_after.db", "expected_after.db"):
        if (release / name).exists():
            return release / name
    return None


def differences(a: Path, b: Path, **kw: object) -> list[dict]:
    """compare.py's differences between two files, quietly.

    The project's performance indexes (revision 0016, ``plexpy.db.perf_indexes``) are additions beyond
    Tautulli's schema: an index of that list present only in ``a`` is allowed, explicitly, by name.
    """
    found = load_compare().compare(str(a), str(b), quiet=True, **kw)
    return [d for d in found if not (d.get("kind") == "index" and d.get("where") in PERF_INDEX_NAMES
                                     and " only in A:" in str(d.get("message")))]
