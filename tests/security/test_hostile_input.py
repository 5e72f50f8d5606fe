"""Hostile input, seeded hypothesis: ``custom_where``, ids of every shape, malformed config, flags and URLs.

Each property runs on both paths (legacy and SQLAlchemy answering) of a copy of the sample. The answer path
never lets an unexpected error out: the result is Tautulli's (an empty DataTables answer, None, a default
dict), or a clear refusal (``CustomWhereError``, ``TautulliDBError``, ``ConfigError``); both paths give the same
answer; and nothing is ever written (no injected SQL runs: the schema and row counts are unchanged).
Cases per property derive from ``EXAMPLES`` (150; 775 cases in all per run), ``derandomize=True``: the same cases
every run, shrinking kept. ``TAUTULLI_HYPOTHESIS_SCALE=10`` multiplies them for a long on-demand run.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexpy import bootstrap, config, context, runtime
from plexpy.datafactory import DataFactory
from plexpy.datatables.custom_where import CustomWhereError
from plexpy.db.errors import TautulliDBError
from plexpy.libraries import Libraries
from plexpy.users import Users
from shim.errors import ConfigError

ANCHOR = 1768478400
#: Multiply every property's cases (e.g. TAUTULLI_HYPOTHESIS_SCALE=10 for a long on-demand run).
SCALE = max(1, int(os.environ.get("TAUTULLI_HYPOTHESIS_SCALE", "1")))
EXAMPLES = 400 * SCALE


def seeded(examples: int) -> Any:
    """Hypothesis settings: ``examples`` cases, derandomized (the same cases every run), shrinking kept."""
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


SEEDED = seeded(EXAMPLES)
REFUSALS = (CustomWhereError, TautulliDBError)

COLUMNS = ["session_history.user_id", "session_history.section_id", "session_history_metadata.rating_key",
           "session_history.user", "session_history_metadata.guid", "session_history.started", "users.user_id",
           "media_type_live", "session_history.reference_id", "session_history_metadata.media_type"]
SUFFIXES = ["", " IN", " LIKE", " <", " >", " OR", " IN OR", " NOT", "; DROP TABLE users", ") OR (1=1", "'"]
HOSTILE_TEXT = st.sampled_from(["' OR 1=1 --", "1; DELETE FROM users", "%", "_", "\x00", "NULL", "", "ü" * 3,
                                "1e308", "-1", "9" * 30, "session_history.user_id", "(SELECT 1)"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12), HOSTILE_TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3),
                                                                                          inner, max_size=2),
                      max_leaves=6)
ENTRY = st.one_of(
    st.tuples(st.builds(lambda c, s: c + s, st.sampled_from(COLUMNS), st.sampled_from(SUFFIXES)), VALUES).map(list),
    st.lists(VALUES, max_size=3),
    VALUES,
)
CUSTOM_WHERE = st.one_of(st.lists(ENTRY, max_size=4), VALUES)
IDS = st.one_of(SCALARS, st.sampled_from(["1", "-1", "0", " 1", "1 ", "0x10", "1.5", "2" * 25, "abc"]))


def _state(db: Path) -> tuple[Any, ...]:
    conn = sqlite3.connect(db)
    try:
        tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
        counts = tuple(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name, _ in tables
                       if not name.startswith("sqlite_"))
    finally:
        conn.close()
    return tuple(tables), counts


@pytest.fixture
def both_paths(sample_db: Path, tmp_path: Path) -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """``run(call)`` runs ``call`` answered by each path and returns the common outcome (asserting it is one)."""
    runtimes = {}
    for mode in ("legacy", "sqlalchemy"):
        settings_ = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path / mode), "timezone": "UTC",
            "backends": {"default": mode}})
        runtimes[mode] = bootstrap.build(settings_)
    before = _state(sample_db)

    def run(call: Callable[[], Any]) -> Any:
        outcomes = []
        for rt in runtimes.values():
            with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
                try:
                    outcomes.append(("result", json.dumps(call(), sort_keys=True, default=str)))
                except REFUSALS as exc:
                    outcomes.append(("refused", type(exc).__name__))
                except Exception as exc:  # Tautulli's own error for this input, if both paths raise it alike
                    outcomes.append(("raised", type(exc).__name__))
        assert outcomes[0] == outcomes[1], outcomes
        return outcomes[0]

    yield run
    for rt in runtimes.values():
        rt.close()
    assert _state(sample_db) == before  # nothing written, nothing dropped


@SEEDED
@given(custom_where=CUSTOM_WHERE)
def test_custom_where_never_escapes_the_answer_path(both_paths: Callable[..., Any], custom_where: Any) -> None:
    kind, value = both_paths(lambda: DataFactory().get_datatables_history(custom_where=custom_where))
    assert kind != "raised", value  # Tautulli answers every custom_where of an admin (empty on a failure)
    if kind == "result":  # Tautulli's answer, possibly its empty one on a failing query
        assert {"recordsFiltered", "recordsTotal", "data"} <= set(json.loads(value))


@seeded(EXAMPLES * 2 // 3)
@given(custom_where=st.lists(ENTRY, min_size=1, max_size=4))
def test_total_duration_with_hostile_custom_where(both_paths: Callable[..., Any], custom_where: Any) -> None:
    kind, value = both_paths(lambda: DataFactory().get_total_duration(custom_where=custom_where))
    assert kind == "refused" or value == "null" or int(json.loads(value)) >= 0


CALLS: dict[str, Callable[[Any], Any]] = {
    "users.get_details": lambda v: Users().get_details(user_id=v),
    "users.get_tokens": lambda v: Users().get_tokens(user_id=v),
    "users.get_watch_time_stats": lambda v: Users().get_watch_time_stats(user_id=v),
    "users.get_recently_watched": lambda v: Users().get_recently_watched(user_id=v, limit=str(v)),
    "libraries.get_details": lambda v: Libraries().get_details(section_id=v),
    "history.get_stream_details": lambda v: DataFactory().get_stream_details(row_id=v),
    "history.get_metadata_details": lambda v: DataFactory().get_metadata_details(rating_key=v),
    "history.get_rating_keys_list": lambda v: DataFactory().get_rating_keys_list(rating_key=v, media_type="show"),
}


@seeded(EXAMPLES // 2)
@given(name=st.sampled_from(sorted(CALLS)), value=IDS)
def test_ids_of_every_shape(both_paths: Callable[..., Any], name: str, value: Any) -> None:
    both_paths(lambda: CALLS[name](value))


def test_users_id_text_beyond_64_bits(both_paths: Callable[..., Any]) -> None:
    both_paths(lambda: Users().get_details(user_id="9" * 25))


INI_LINES = st.one_of(st.sampled_from(["[DB_BACKEND]", "[Database]", "[General]", "[Shim]", "[[nested]]", "[",
                                       "default = ", "users = shadowy", "db_url = ::", "sample_rate = 2",
                                       "api_key = \"unterminated", "x = 1, 2, 3", "= value", "key", "\x00",
                                       "group_history_tables = yes", "http_port = -1", "journal_mode = ???"]),
                      st.text(max_size=30))


@SEEDED
@given(lines=st.lists(INI_LINES, max_size=8))
def test_malformed_config_ini_is_loaded_or_refused_clearly(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "config.ini"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    try:
        config.load(path, environ={})
    except ConfigError as exc:
        assert str(exc)  # a message that says what is wrong


@seeded(EXAMPLES * 2)
@given(domain=st.sampled_from(["USERS", "HISTORY", "DEFAULT", "NOPE", "users", ""]), mode=st.text(max_size=20),
       url=st.one_of(st.none(), st.text(max_size=40), st.sampled_from([
           "postgresql+psycopg://u:s3cr3t-pw@h:notaport/db", "sqlite:///", "sqlite://", "mysql://u@h/db",
           "postgresql://", "postgresql+psycopg://u@[::1/db", "file:///etc/passwd", "sqlite:////nonexistent/x.db"])))
def test_flags_and_urls_from_the_environment(domain: str, mode: str, url: str | None) -> None:
    environ = {f"TAUTULLI_DB_BACKEND_{domain}": mode}
    if url is not None:
        environ["TAUTULLI_DB_URL"] = url
    try:
        config.load(None, environ=environ)
    except ConfigError as exc:
        assert "s3cr3t-pw" not in str(exc)
