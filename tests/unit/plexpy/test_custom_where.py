from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from plexpy import context
from plexpy.datatables.custom_where import (
    Column,
    CustomWhereError,
    CustomWhereFailure,
    LocalDate,
    Term,
    parse,
    sqlite_numeric,
    sqlite_text,
    with_guest,
)
from plexpy.datatables.legacy_sql import custom_where_sql
from plexpy.datatables.sqla_sql import NameScope, custom_where_clause
from plexpy.db.localtime import SQL_FUNCTIONS
from plexpy.db.schema import session_history, session_history_media_info, session_history_metadata

DATE = "strftime('%Y-%m-%d', datetime(started, 'unixepoch', 'localtime'))"


def test_the_web_pages_vocabulary_is_recognised() -> None:
    where = parse([
        ["session_history.user_id", ["3308933", "3722597"]],
        ["session_history_metadata.rating_key IN OR", ["21119", "21120"]],
        ["session_history_metadata.guid LIKE", ["plex://movie/abc%"]],
        [DATE + " <", ["2025-06-29"]],
        [DATE + " >", "2025-12-06"],
        [DATE, ["2025-11-29"]],
        ["media_type_live", ["movie"]],
        ["session_history.reference_id", None],
    ])
    first, rating, guid, before, after, day, media, reference = where.conditions
    assert first.terms == (Term(Column("session_history", "user_id"), "eq", ("3308933",)),
                           Term(Column("session_history", "user_id"), "eq", ("3722597",)))
    assert rating.terms == (Term(Column("session_history_metadata", "rating_key"), "in", ("21119", "21120")),)
    assert rating.or_next and not first.or_next
    assert guid.terms[0].kind == "like"
    assert before.terms == (Term(LocalDate("%Y-%m-%d", "started"), "le", ("2025-06-29",)),)
    assert after.terms[0].kind == "ge" and day.terms[0].kind == "eq"
    assert media.terms[0].target == Column(None, "media_type_live")
    assert reference.terms == (Term(Column("session_history", "reference_id"), "null"),)


def test_or_suffix_chains_with_sql_precedence_and_anded_drops_it() -> None:
    where = parse([["session_history.user_id", "1"], ["session_history.rating_key OR", "2"],
                   ["session_history.parent_rating_key", "3"]])
    assert [len(g) for g in where.groups()] == [2, 1]  # "a AND b OR c" is "(a AND b) OR c"
    assert [len(g) for g in where.anded().groups()] == [3]
    # A trailing OR has nothing to join, as Tautulli strips it.
    assert [len(g) for g in parse([["session_history.user_id OR", "1"]]).groups()] == [1]


@pytest.mark.parametrize("entry", [
    ["session_history.user_id; DROP TABLE users", "1"],
    ["1=1) OR (1", "1"],
    ["session_history.user_id IS NOT", None],
    ["strftime('%s', datetime(started, 'unixepoch', 'localtime'))", "1"],
    ["strftime('%Y', datetime(session_history.started, 'unixepoch', 'localtime'))", "1"],
    ["session_history.user_id <=", "1"],
    ["lower(session_history.user)", "x"],
])
def test_anything_else_is_refused(entry: list) -> None:
    with pytest.raises(CustomWhereError):
        parse([entry])


@pytest.mark.parametrize("entry", [
    ["session_history.user_id IN", []],
    ["session_history.user_id IN", "1"],
    ["session_history.user_id", []],
    ["session_history.user_id", {"a": 1}],
    ["session_history.user_id", [["nested"]]],
    ["session_history.guid LIKE", None],
    ["session_history.started <", [None]],
    ["session_history.user_id", 2**70],
])
def test_input_tautullis_query_fails_on_is_a_failure_not_a_refusal(entry: list) -> None:
    with pytest.raises(CustomWhereFailure) as failure:
        parse([entry])
    assert not failure.value.at_build


@pytest.mark.parametrize("custom_where", ["user_id = 1", [("session_history.user_id", "1")], [["x"]], [[5, "1"]]])
def test_malformed_lists_fail_while_building(custom_where: object) -> None:
    with pytest.raises(CustomWhereFailure) as failure:
        parse(custom_where)
    assert failure.value.at_build


def test_guest_id_is_added_without_touching_the_callers_list() -> None:
    mine = [["session_history.user_id", ["7"]], ["media_type_live", ["movie"]]]
    assert with_guest(mine, "42") == [["session_history.user_id", ["7", "42"]], ["media_type_live", ["movie"]]]
    assert mine == [["session_history.user_id", ["7"]], ["media_type_live", ["movie"]]]
    assert with_guest([["session_history.user_id", "7"]], "42") == [["session_history.user_id", ["7", "42"]]]
    assert with_guest([["session_history.user_id", ["42"]]], "42") == [["session_history.user_id", ["42"]]]
    assert with_guest([], "42") == [["session_history.user_id", ["42"]]]
    assert with_guest([["media_type_live", "movie"]], None) == [["media_type_live", "movie"]]


def test_affinity_helpers_follow_sqlite() -> None:
    assert [sqlite_numeric(v) for v in (" 12 ", "1e2", "-0.5", "0x10", "inf", "1_000", "", True, 7)] == [
        12, 100.0, -0.5, None, None, None, None, 1, 7]
    assert [sqlite_text(v) for v in (12, 1.0, 1e20, 0.1, "x", False)] == ["12", "1.0", "1.0e+20", "0.1", "x", "0"]
    db = sqlite3.connect(":memory:")
    for value in (1.0, 1e20, 0.1, 123456.789, -2.5e-7):
        assert db.execute("SELECT CAST(? AS TEXT)", [value]).fetchone()[0] == sqlite_text(value)


def test_legacy_rendering_binds_every_value() -> None:
    hostile = "x' OR '1'='1"
    where = parse([["session_history.user", [hostile, None]], [DATE + " >", "2025-01-01"],
                   ["session_history.rating_key IN OR", [1, 2]], ["session_history.section_id", 3]])
    sql, args = custom_where_sql(where, "America/New_York")
    assert hostile not in sql and "'" not in sql
    assert sql == ("WHERE ((session_history.user = ? OR session_history.user IS NULL) "
                   "AND (tz_strftime(?, started, ?) >= ?) AND (session_history.rating_key IN (?, ?))) "
                   "OR ((session_history.section_id = ?))")
    assert args == [hostile, "%Y-%m-%d", "America/New_York", "2025-01-01", 1, 2, 3]


def test_legacy_and_core_renderings_select_the_same_rows() -> None:
    db = sqlite3.connect(":memory:")
    for name, (nargs, func) in SQL_FUNCTIONS.items():
        db.create_function(name, nargs, func)
    db.execute("CREATE TABLE session_history (id INTEGER PRIMARY KEY, user TEXT, user_id INTEGER, started INTEGER)")
    db.executemany("INSERT INTO session_history VALUES (?, ?, ?, ?)", [
        (1, "Ann", 10, 1751155200), (2, "ann", 11, 1751241599), (3, "bob", 12, 1751241600), (4, "12", 13, None),
    ])
    scope = NameScope(tables={"session_history": session_history})
    cases = [
        [["session_history.user_id", ["10", " 12 "]]],
        [["session_history.user", 12]],
        [["session_history.user LIKE", "A%"]],
        [[DATE + " <", "2025-06-29"]],
        [["user_id IN OR", ["11"]], ["session_history.user", "bob"]],
        [["session_history.user_id", "ten"]],
    ]
    for custom in cases:
        where = parse(custom)
        with context.call_context(tz="America/New_York"):
            sql, args = custom_where_sql(where, "America/New_York")
            legacy = [r[0] for r in db.execute(f"SELECT id FROM session_history {sql} ORDER BY id", args)]
            clause = custom_where_clause(where, scope)
            compiled = clause.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
        core = [r[0] for r in db.execute(f"SELECT id FROM session_history WHERE {compiled} ORDER BY id")]
        assert legacy == core, custom
    assert [r[0] for r in db.execute("SELECT id FROM session_history " + custom_where_sql(
        parse([["session_history.user_id", ["10", " 12 "]]]), "UTC")[0], ["10", " 12 "])] == [1, 3]


def test_core_rendering_resolves_names_like_sqlite_and_compiles_for_postgresql() -> None:
    scope = NameScope(
        tables={"session_history": session_history, "session_history_metadata": session_history_metadata,
                "session_history_media_info": session_history_media_info},
        aliases={"media_type_live": session_history.c.media_type, "total": None},
    )
    for bad in ("duration", "total", "nothing", "users.user_id"):
        with pytest.raises(CustomWhereFailure):
            custom_where_clause(parse([[bad, "1"]]), scope)
    clause = custom_where_clause(parse([["transcode_decision", ["copy"]], ["session_history.rowid <", 5],
                                        ["media_type_live", "movie"], [DATE, "2025-01-01"]]), scope)
    with context.call_context(tz="UTC"):
        text = str(clause.compile(dialect=postgresql.dialect()))
    assert "session_history_media_info.transcode_decision" in text and "session_history.id <=" in text
    assert "to_char" in text and "AT TIME ZONE" in text
