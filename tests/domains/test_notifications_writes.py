"""Notifications writes on both paths: Tautulli's answers and rows, atomicity, and identical rows on both paths."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from plexpy import context, notification_handler, notifiers
from plexpy.datafactory import DataFactory
from plexpy.db.engine import build_engine
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.db.state import dump_state
from plexpy.domains.notifications import legacy, sqla, writing

MASKED = "    "  # what the settings form sends for a stored password
TARGETS = ("plexpy.notifiers:", "plexpy.notification_handler:set_notify")
RECORDED = 10
WEBHOOK = {"id": 2, "agent_id": 25, "agent_name": "webhook"}
SESSION = {"session_key": 4242, "rating_key": 1234, "user_id": 3308933, "user": "someone",
           "parent_rating_key": 1233, "grandparent_rating_key": 1232}


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def notifier(db: Path, notifier_id: int) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM notifiers WHERE id = ?", (notifier_id,)).fetchone()
        return dict(row) if row else {}
    finally:
        conn.close()


def test_add_notifier_starts_from_the_agents_defaults(facade_mode: str, sample_db: Path) -> None:
    assert notifiers.add_notifier_config(agent_id="10", friendly_name="ignored") == 8
    email = notifier(sample_db, 8)
    assert (email["agent_name"], email["agent_label"], email["friendly_name"]) == ("email", "Email", "")
    assert json.loads(email["notifier_config"])["from_name"] == "Tautulli"
    assert email["on_play_subject"] == "Tautulli ({server_name})"
    assert email["on_play_body"] == "{user} ({player}) started playing {title}."
    assert json.loads(email["custom_conditions"]) == [{"parameter": "", "operator": "", "value": [], "type": None}]
    assert email["on_play"] == 0
    assert notifiers.add_notifier_config(agent_id=15) == 9
    assert notifier(sample_db, 9)["on_stop_body"] == ""  # scripts keep blank texts
    for refused in (999, "x", None, 8, -1):  # unknown, not digits, macOS (never offered on a server)
        assert notifiers.add_notifier_config(agent_id=refused) is False
    assert rows(sample_db, "SELECT COUNT(*), MAX(id) FROM notifiers") == [(8, 9)]


def test_set_notifier_stores_the_form_and_refuses_unknown_columns(facade_mode: str, sample_db: Path) -> None:
    before = notifier(sample_db, 2)
    form = {"on_pause": "1", "on_play_subject": "S ✓", "on_play_body": "B", "webhook_hook": "https://h/x",
            "webhook_unknown": "dropped", "friendly_name": "Renamed", "custom_conditions_logic": "{1}",
            "custom_conditions": json.dumps([{"parameter": "User_ID", "operator": "IS", "value": 5}])}
    assert notifiers.set_notifier_config(notifier_id="2", agent_id=25, **form) is True
    after = notifier(sample_db, 2)
    assert (after["on_pause"], after["on_play_subject"], after["friendly_name"]) == (1, "S ✓", "Renamed")
    assert json.loads(after["notifier_config"]) == {"hook": "https://h/x", "method": "POST"}
    assert json.loads(after["custom_conditions"]) == [
        {"parameter": "user_id", "operator": "is", "value": [5], "type": "int"}]
    assert after["on_stop"] == before["on_stop"]  # a trigger the form leaves out keeps its value
    for bad in ({"on_play_extra_subject": "x"}, {"custom_conditions": "[1]"},
                {"custom_conditions": json.dumps([{"parameter": "nope"}])},
                {"custom_conditions": json.dumps([{"parameter": "year", "operator": "contains"}])},
                {"custom_conditions": json.dumps([{"parameter": "title", "value": [{"x": 1}]}])}):
        assert notifiers.set_notifier_config(notifier_id=2, agent_id=25, **bad) is False
    assert notifier(sample_db, 2) == after
    assert notifiers.set_notifier_config(notifier_id=2, agent_id="abc") is False
    with pytest.raises(TypeError):  # conditions that are not text: json refuses them, as in Tautulli
        notifiers.set_notifier_config(notifier_id=2, agent_id=25, custom_conditions=5)


def test_set_notifier_with_an_unknown_or_bad_id(facade_mode: str, sample_db: Path) -> None:
    assert notifiers.set_notifier_config(notifier_id=None, agent_id=17, on_play=1) is True  # inserts a notifier
    assert notifier(sample_db, 8)["agent_name"] == "browser"
    assert json.loads(notifier(sample_db, 8)["custom_conditions"])[0]["type"] is None  # '[]' or None: default
    assert notifiers.set_notifier_config(notifier_id="abc", agent_id=17, on_play=1) is True  # SQLite refuses it
    assert notifiers.set_notifier_config(notifier_id=1.5, agent_id=17) is True
    assert rows(sample_db, "SELECT COUNT(*) FROM notifiers") == [(7,)]
    assert notifiers.set_notifier_config(notifier_id=20, agent_id=30, custom_conditions="[]") is True
    assert notifier(sample_db, 20)["agent_name"] == "ntfy"
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'notifiers'") == [(20,)]


def test_a_masked_password_keeps_the_stored_one(facade_mode: str, sample_db: Path, edit_db) -> None:
    config = {"from_name": "T", "smtp_password": "secret", "to": ["a@b"]}
    edit_db("UPDATE notifiers SET notifier_config = ? WHERE id = 4", [json.dumps(config)])
    assert notifiers.set_notifier_config(notifier_id=4, agent_id=10, email_smtp_password=MASKED,
                                         email_smtp_server="smtp.x") is True
    stored = json.loads(notifier(sample_db, 4)["notifier_config"])
    assert (stored["smtp_password"], stored["smtp_server"], stored["to"]) == ("secret", "smtp.x", [])
    with pytest.raises(TypeError):  # no stored notifier to take the password from
        notifiers.set_notifier_config(notifier_id=99, agent_id=10, email_smtp_password=MASKED)
    with pytest.raises(KeyError):  # a password key the agent does not have
        notifiers.set_notifier_config(notifier_id=4, agent_id=10, email_other_password=MASKED)


def test_unreadable_configs_answer_false_but_keep_the_write(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("UPDATE notifiers SET notifier_config = '[1]' WHERE id = 3")
    assert notifiers.add_notifier_config(agent_id=25) is False  # the log filter cannot read notifier 3
    assert notifier(sample_db, 8)["agent_name"] == "webhook"
    assert notifiers.set_notifier_config(notifier_id=2, agent_id=25, on_error=1) is False
    assert notifier(sample_db, 2)["on_error"] == 1
    edit_db("UPDATE notifiers SET notifier_config = '{}' WHERE id = 3")
    # A browser notifier whose config cannot be read (NULL): the log filter skips it, the browser reload fails.
    edit_db("INSERT INTO notifiers (id, agent_id, agent_name, on_play) VALUES (30, 17, 'browser', 1)")
    assert notifiers.set_notifier_config(notifier_id=7, agent_id=17, on_play=1, browser_auto_hide_delay=9) is False
    assert json.loads(notifier(sample_db, 7)["notifier_config"]) == {"auto_hide_delay": 9}
    assert notifiers.set_notifier_config(notifier_id=2, agent_id=25) is True
    edit_db("UPDATE notifiers SET on_play = 0 WHERE id = 30")
    assert notifiers.set_notifier_config(notifier_id=7, agent_id=17, on_play=1) is True


def test_delete_notifier_keeps_its_log(facade_mode: str, sample_db: Path) -> None:
    logged = rows(sample_db, "SELECT COUNT(*) FROM notify_log WHERE notifier_id = 1")
    assert notifiers.delete_notifier(notifier_id="1") is True
    assert notifiers.delete_notifier(notifier_id=555) is True
    assert notifiers.delete_notifier(notifier_id="٣") is True  # digits to Python, text to SQLite: no match
    for refused in ("x", None, -3, "1 "):
        assert notifiers.delete_notifier(notifier_id=refused) is False
    assert rows(sample_db, "SELECT id FROM notifiers ORDER BY id") == [(2,), (3,), (4,), (6,), (7,)]
    assert rows(sample_db, "SELECT COUNT(*) FROM notify_log WHERE notifier_id = 1") == logged


def test_notify_state_merges_the_same_second_and_the_success_stray_row(facade_mode: str, sample_db: Path) -> None:
    first = notification_handler.set_notify_state(WEBHOOK, "on_play", "S", "B", ["-a"], SESSION)
    assert first == 5780
    assert notification_handler.set_notify_state(WEBHOOK, "on_play", "S2", "B2", "", SESSION) == 0  # trap 12
    assert rows(sample_db, "SELECT subject_text, script_args, user FROM notify_log WHERE id = 5780") == [
        ("S2", None, "someone")]
    assert notification_handler.set_notify_success(0) is None  # the stray row Tautulli writes
    assert rows(sample_db, "SELECT success, timestamp, notifier_id FROM notify_log WHERE id = 0") == [(1, None, None)]
    notification_handler.set_notify_success(first)
    notification_handler.set_notify_success("abc")
    assert rows(sample_db, "SELECT success FROM notify_log WHERE id = 5780") == [(1,)]
    with context.call_context(now=1768478500):
        assert notification_handler.set_notify_state(WEBHOOK, "on_play", session=SESSION) == 5781
    assert notification_handler.set_notify_state(None, "on_play") is None
    assert notification_handler.set_notify_state(WEBHOOK, "") is None
    assert rows(sample_db, "SELECT COUNT(*) FROM notify_log") == [(5782,)]


def test_notify_state_tags(facade_mode: str, sample_db: Path) -> None:
    with context.call_context(config={"PMS_TOKEN": "tok"}):
        server_row = notification_handler.set_notify_state(WEBHOOK, "on_tokenexpired", "S", "B")
        update_row = notification_handler.set_notify_state(WEBHOOK, "on_pmsupdate", parameters={
            "update_version": "1.2"})
        notification_handler.set_notify_state(WEBHOOK, "on_pmsupdate", parameters={"update_version": "1.2"})
    assert (server_row, update_row) == (5780, 5781)
    assert rows(sample_db, "SELECT tag, session_key, user_id FROM notify_log WHERE id >= 5780 ORDER BY id") == [
        (hashlib.sha256(b"tok").hexdigest()[:10], None, None), ("1.2", None, None), ("1.2", None, None)]
    with pytest.raises(TypeError):
        notification_handler.set_notify_state(WEBHOOK, "on_plexpyupdate")
    with pytest.raises(KeyError):
        notification_handler.set_notify_state({"id": 1}, "on_play")


def test_clearing_the_log_vacuums_and_a_failure_leaves_it(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("CREATE TRIGGER refuse BEFORE DELETE ON notify_log WHEN old.id = 5000 "
            "BEGIN SELECT RAISE(ABORT, 'no'); END")
    assert DataFactory().delete_notification_log() is False
    assert rows(sample_db, "SELECT COUNT(*) FROM notify_log") == [(5779,)]
    edit_db("DROP TRIGGER refuse")
    assert DataFactory().delete_notification_log() is True
    assert rows(sample_db, "SELECT COUNT(*) FROM notify_log") == [(0,)]
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'notify_log'") == [(5779,)]


def test_a_failure_after_the_insert_leaves_nothing(facade_mode: str, sample_db: Path, monkeypatch) -> None:
    def broken(configs: object) -> bool:
        raise RuntimeError("injected")

    monkeypatch.setattr(writing, "configs_loggable", broken)
    with pytest.raises(RuntimeError):
        notifiers.add_notifier_config(agent_id=25)
    with pytest.raises(RuntimeError):
        notifiers.set_notifier_config(notifier_id=2, agent_id=25, on_error=1, webhook_hook="changed")
    assert rows(sample_db, "SELECT COUNT(*), MAX(id) FROM notifiers") == [(6, 7)]
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'notifiers'") == [(7,)]
    assert rows(sample_db, "SELECT on_error, notifier_config FROM notifiers WHERE id = 2") == [
        (0, '{"hook": "https://hooks.example.invalid/tautulli", "method": "POST"}')]


@pytest.mark.parametrize("side", ["legacy", "sqla"])
def test_a_locked_database_raises_instead_of_answering_false(side: str, sample_db: Path, monkeypatch) -> None:
    monkeypatch.setattr("plexpy.db.retry.ATTEMPTS", 2)
    executor = SqliteExecutor(sample_db, busy_timeout=0.05)
    engine = build_engine(f"sqlite:///{sample_db}", busy_timeout=0.05)
    twin = legacy.TWIN(executor) if side == "legacy" else sqla.TWIN(engine)
    holder = sqlite3.connect(sample_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with context.call_context(now=1768478400, tz="UTC"):
            for write in (lambda: twin.add_notifier_config(agent_id=25), twin.delete_notification_log,
                          lambda: twin.set_notifier_config(notifier_id=2, agent_id=25),
                          lambda: twin.set_notify_state(WEBHOOK, "on_play")):
                with pytest.raises(TautulliDBError, match="locked"):
                    write()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        executor.close()
        engine.dispose()


def _script() -> None:
    notifiers.add_notifier_config(agent_id=10)
    notifiers.add_notifier_config(agent_id=25)
    notifiers.set_notifier_config(notifier_id=8, agent_id=10, on_play=1, email_to="x@y", email_smtp_port="25",
                                  custom_conditions='[{"parameter": "rating", "operator": "is less than", '
                                                    '"value": ["7.5"]}]')
    notifiers.set_notifier_config(notifier_id=None, agent_id=20, discord_tts="1")
    notifiers.set_notifier_config(notifier_id="abc", agent_id=20)
    notifiers.delete_notifier(notifier_id=3)
    first = notification_handler.set_notify_state(WEBHOOK, "on_play", "S ✓", "B\n2", ["-x"], SESSION)
    notification_handler.set_notify_state(WEBHOOK, "on_play", "again", "B", "", SESSION)
    notification_handler.set_notify_state(WEBHOOK, "on_pmsupdate", parameters={"update_version": "1"})
    notification_handler.set_notify_success(first)
    notification_handler.set_notify_success(0)
    notification_handler.set_notify_success(None)
    notification_handler.set_notify_state(WEBHOOK, "on_play", session={**SESSION, "session_key": "77"})


def test_both_paths_leave_identical_rows(tmp_path: Path, sample_db: Path) -> None:
    from plexpy import bootstrap, config, runtime

    def run(mode: str) -> dict:
        db = tmp_path / f"{mode}.db"
        db.write_bytes(sample_db.read_bytes())
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode}})
        rt = bootstrap.build(settings)
        with runtime.use(rt), context.call_context(now=1768478400, tz="UTC"):
            _script()
            DataFactory().delete_notification_log()
            notification_handler.set_notify_state(WEBHOOK, "on_stop", session=SESSION)
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        state = dump_state(engine, ["notifiers", "notify_log", "sqlite_sequence"])
        engine.dispose()
        return state

    legacy_state = run("legacy")
    assert legacy_state == run("sqlalchemy")
    assert [r[0] for r in legacy_state["notify_log"]["rows"]] == [5784]


@pytest.mark.parametrize("backend", ["legacy", "sqlalchemy"])
def test_the_recorded_steps_pass(backend: str) -> None:
    from plexpy.commands.replay_writes import replay_writes

    sample = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
    result = replay_writes(sample / "writes.jsonl", sample / "tautulli.db", backend=backend, stop_after=57)
    ours = [s for s in result.steps if s.target.startswith(TARGETS)]
    assert len(ours) == RECORDED, [s.id for s in ours]
    assert [f"{s.id}: {s.difference}" for s in ours if not s.passed] == []


@pytest.mark.parametrize(("message", "answer"), [("disk I/O error", False), ("database is locked", True)])
def test_a_failed_vacuum_answers_as_tautulli(facade_mode: str, sample_db: Path, monkeypatch, message: str,
                                             answer: bool) -> None:
    def refuse(*_: object) -> None:
        raise TautulliDBError(f"vacuum: OperationalError: {message}", op="vacuum")

    monkeypatch.setattr(SqliteExecutor, "vacuum", refuse)
    monkeypatch.setattr(sqla, "vacuum", refuse)
    assert DataFactory().delete_notification_log() is answer
    assert rows(sample_db, "SELECT COUNT(*) FROM notify_log") == [(0,)]  # the rows are gone either way
