"""Generate plexpy/db/release_shapes.json: the schema facts of every Tautulli/PlexPy release.

For each release tag of a Tautulli git checkout, the DDL statements of its ``dbcheck()`` are read
as string literals (tokenised, never imported or run), then replayed on an empty in-memory SQLite
database the way a fresh install runs them: ``CREATE TABLE IF NOT EXISTS``, then every column
probe followed by the ``ALTER TABLE ... ADD COLUMN`` of its block when the probed column is
missing, then the index statements. Table rebuilds and data statements are skipped (they never
act on a fresh install). The result, one "shape" per run of releases with identical schema facts,
is written as JSON data (loaded by :mod:`plexpy.db.release_shapes`): tables, columns (type,
NOT NULL, default, key), explicit indexes and UNIQUE constraints. Column order is left out on
purpose (fingerprints are order-insensitive).

Every table, column and index definition any release's upgrade can write (temporary rebuild
tables, ``ADD COLUMN`` variants, index statements) is added to the vocabulary too, since an
upgraded database may hold them although no fresh install does.

Usage:
    python tools/gen_release_shapes.py TAUTULLI_GIT_DIR [OUTPUT_JSON]
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import sqlite3
import subprocess
import sys
import tokenize
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "plexpy" / "db" / "release_shapes.json"

Item = tuple

_NAME = r'"?(\w+)"?'
_PROBE = re.compile(rf"^SELECT {_NAME} FROM {_NAME}$", re.IGNORECASE)
_CREATE = re.compile(rf"^CREATE TABLE (?:IF NOT EXISTS )?{_NAME}", re.IGNORECASE)
_ALTER = re.compile(rf"^ALTER TABLE {_NAME} ADD COLUMN (.*)$", re.IGNORECASE)
_INDEX = re.compile(rf"^CREATE (UNIQUE )?INDEX (?:IF NOT EXISTS )?{_NAME} ON {_NAME} ?\((.*)\)$", re.IGNORECASE)


def release_tags(git_dir: Path) -> list[str]:
    """Release tags in the order they were made."""
    out = subprocess.check_output(["git", "-C", str(git_dir), "tag", "--sort=creatordate"], text=True)
    return [t for t in out.split() if t.startswith("v")]


def _dbcheck_source(git_dir: Path, tag: str) -> str:
    src = subprocess.check_output(
        ["git", "-C", str(git_dir), "show", f"{tag}:plexpy/__init__.py"], text=True, errors="replace"
    )
    start = src.index("def dbcheck")
    end = src.find("\ndef ", start + 10)
    return src[start:end]


def statements(source: str) -> list[str]:
    """The SQL string literals passed to ``execute(...)``, whitespace-normalised, in order."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    skip = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT}
    found: list[str] = []
    for k, tok in enumerate(tokens[:-1]):
        if tok.type != tokenize.NAME or tok.string != "execute" or tokens[k + 1].string != "(":
            continue
        parts: list[str] = []
        m = k + 2
        while m < len(tokens) and (tokens[m].type == tokenize.STRING or tokens[m].type in skip):
            if tokens[m].type == tokenize.STRING:
                parts.append(ast.literal_eval(re.sub(r"^[uUbB]", "", tokens[m].string)))
            m += 1
        if parts:
            found.append(" ".join("".join(parts).split()))
    return found


def _base_name(table: str) -> str:
    return table[: -len("_temp")] if table.endswith("_temp") else table


def _table_items(conn: sqlite3.Connection, table: str, as_table: str) -> list[Item]:
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()[0]
    items: list[Item] = [("table", as_table, bool(re.search(r"\bAUTOINCREMENT\b", sql, re.IGNORECASE)))]
    for _cid, name, ctype, notnull, default, pk in conn.execute(f'PRAGMA table_info("{table}")'):
        items.append(("column", as_table, name, ctype.upper(), bool(notnull), default, pk))
    for _seq, iname, unique, origin, _partial in conn.execute(f'PRAGMA index_list("{table}")'):
        cols = tuple(r[2] for r in conn.execute(f'PRAGMA index_info("{iname}")'))
        if origin == "u":
            items.append(("unique", as_table, cols))
        elif origin == "c":
            items.append(("index", iname, as_table, cols, bool(unique)))
    return items


def _creates_table(stmt: str) -> bool:
    """A ``CREATE TABLE IF NOT EXISTS`` of an application table (not a rebuild's ``_temp`` table)."""
    match = _CREATE.match(stmt)
    creates = stmt.upper().startswith("CREATE TABLE IF NOT EXISTS")
    return bool(match) and creates and not match.group(1).endswith("_temp")


def fresh_install(stmts: Iterable[str]) -> set[Item]:
    """Replay a release's dbcheck() DDL on an empty database; return its schema items."""
    conn = sqlite3.connect(":memory:")
    acting = True
    for stmt in stmts:
        upper = stmt.upper()
        if _PROBE.match(stmt):
            try:
                conn.execute(stmt)
                acting = False
            except sqlite3.OperationalError:
                acting = True
        elif _creates_table(stmt) or (_ALTER.match(stmt) and acting):
            conn.execute(stmt)
        elif _INDEX.match(stmt):
            with contextlib.suppress(sqlite3.OperationalError):  # an index on a column this release lacks
                conn.execute(stmt)
        elif upper.startswith("DROP INDEX") and acting:
            conn.execute(stmt)
    items: set[Item] = set()
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        items.update(_table_items(conn, name, name))
    return items


def upgrade_items(stmts: Iterable[str]) -> set[Item]:
    """Definitions a release's upgrade can write: rebuild tables, added columns, indexes."""
    items: set[Item] = set()
    for stmt in stmts:
        conn = sqlite3.connect(":memory:")
        if m := _CREATE.match(stmt):
            conn.execute(stmt)
            items.update(_table_items(conn, m.group(1), _base_name(m.group(1))))
        elif m := _ALTER.match(stmt):
            table = m.group(1)
            conn.execute(f'CREATE TABLE "{table}" (_placeholder)')
            conn.execute(stmt)
            _cid, name, ctype, notnull, default, pk = conn.execute(f'PRAGMA table_info("{table}")').fetchall()[-1]
            items.add(("column", table, name, ctype.upper(), bool(notnull), default, pk))
        elif m := _INDEX.match(stmt):
            cols = tuple(
                re.sub(r"\s+(ASC|DESC)$", "", c.strip(), flags=re.IGNORECASE).strip('"') for c in m.group(4).split(",")
            )
            items.add(("index", m.group(2), m.group(3), cols, bool(m.group(1))))
        conn.close()
    return items


def _sort_key(item: Item) -> tuple:
    return tuple("" if v is None else str(v) for v in item)


def _json_lines(key: str, values: list, last: bool = False) -> list[str]:
    """``"key": [...]`` with one JSON value per line."""
    body = [f"    {json.dumps(v)}," for v in values]
    if body:
        body[-1] = body[-1][:-1]
    return [f'  "{key}": [', *body, "  ]" + ("" if last else ",")]


def render(tags: list[str], shapes: list[tuple[str, str, set[Item]]], vocabulary: set[Item], origin: str) -> str:
    """Return the text of the generated JSON file (tuples written as JSON arrays)."""
    items = sorted(vocabulary, key=_sort_key)
    ids = {item: n for n, item in enumerate(items)}
    deltas: list[list] = []
    previous: set[Item] = set()
    for first, last, shape in shapes:
        added = sorted(ids[i] for i in shape - previous)
        removed = sorted(ids[i] for i in previous - shape)
        deltas.append([first, last, added, removed])
        previous = shape
    lines = [
        "{",
        f'  "generated": {json.dumps(f"Do not edit; generated from {origin} by tools/gen_release_shapes.py.")},',
        *_json_lines("releases", tags),
        *_json_lines("items", items),
        *_json_lines("shapes", deltas, last=True),
        "}",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Write release_shapes.json; return the exit status."""
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    git_dir = Path(argv[1])
    output = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUTPUT
    tags = release_tags(git_dir)
    shapes: list[tuple[str, str, set[Item]]] = []
    vocabulary: set[Item] = set()
    for tag in tags:
        stmts = statements(_dbcheck_source(git_dir, tag))
        shape = fresh_install(stmts)
        vocabulary |= shape | upgrade_items(stmts)
        if shapes and shapes[-1][2] == shape:
            shapes[-1] = (shapes[-1][0], tag, shape)
        else:
            shapes.append((tag, tag, shape))
    output.write_text(render(tags, shapes, vocabulary, "the release tags of Tautulli's git history"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
