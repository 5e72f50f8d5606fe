"""The rules that keep the two paths honest, checked on the source."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_sqlalchemy_twins_build_queries_with_constructs_not_text() -> None:
    offenders = []
    for path in sorted((ROOT / "plexpy" / "domains").glob("*/sqla.py")):
        if path.parent.name in ("api_sql", "maintenance"):
            continue  # user-supplied SQL and documented maintenance statements
        source = path.read_text(encoding="utf-8")
        for needle in ("text(", "exec_driver_sql"):
            if needle in source:
                offenders.append(f"{path.relative_to(ROOT)} uses {needle}")
    assert not offenders, offenders


def test_twins_import_only_their_own_driver() -> None:
    problems = []
    for path in (ROOT / "plexpy" / "domains").glob("*/legacy.py"):
        bad = {m for m in _imports(path)
               if m.split(".")[0] == "sqlalchemy" or m in ("plexpy.db.engine", "plexpy.db.schema")}
        if bad:
            problems.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    for path in (ROOT / "plexpy" / "domains").glob("*/sqla.py"):
        bad = {m for m in _imports(path) if m in {"sqlite3", "plexpy.db.sqlite_executor"}}
        if bad:
            problems.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not problems, problems


def test_shim_never_imports_plexpy() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "shim").rglob("*.py")
                 if any(m.split(".")[0] == "plexpy" for m in _imports(p))]
    assert not offenders


def test_no_alembic_package_shadowing() -> None:
    assert not (ROOT / "alembic" / "__init__.py").exists()


def test_only_config_reads_the_environment() -> None:
    offenders = []
    for path in list((ROOT / "plexpy").rglob("*.py")) + list((ROOT / "shim").rglob("*.py")):
        if path.name == "config.py" and path.parent.name == "plexpy":
            continue
        if "os.environ" in path.read_text(encoding="utf-8") or "getenv(" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
