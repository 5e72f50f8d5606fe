"""Newsletters writes on both paths: Tautulli's answers and rows, atomicity, and identical rows on both paths."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from plexpy import context, newsletter_handler, newsletters
from plexpy.datafactory import DataFactory
from plexpy.db.engine import build_engine
from plexpy.db.state import dump_state
from plexpy.domains.newsletters import writing

MASKED = "    "  # what the settings form sends for a stored password
TARGETS = ("plexpy.newsletters:", "plexpy.newsletter_handler:")
RECORDED = 6  # step 104 clears the log after the whole script
LETTER = {"id": 1, "agent_id": 0, "agent_name": "recently_added"}
FORM = {"subject": "", "body": "Read {newsletter_url}", "message": "Hi ✓", "cron": "0 8 * * 1", "active": 1,
        "id_name": "weekly", "friendly_name": "Weekly", "newsletter_config_time_frame": "3",
        "newsletter_config_time_frame_units": "months", "newsletter_config_incl_libraries": "1",
        "newsletter_email_to": "a@b.c", "newsletter_email_smtp_port": "587"}
LOG = {"notify_action": "on_cron", "subject": "S", "body": "B", "message": "M", "filename": "f.html",
       "start_date": "2026-01-08", "end_date": "2026-01-15", "start_time": 1767873600, "end_time": 1768478400,
       "email_msg_id": "<m@x>"}


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def newsletter(db: Path, newsletter_id: int) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM newsletters WHERE id = ?", (newsletter_id,)).fetchone()
        return dict(row) if row else {}
    finally:
        conn.close()


def test_add_newsletter_starts_from_the_defaults(facade_mode: str, sample_db: Path) -> None:
    assert newsletters.add_newsletter_config(agent_id="0", friendly_name="ignored") == 3
    added = newsletter(sample_db, 3)
    assert (added["agent_name"], added["agent_label"], added["id_name"], added["friendly_name"]) == (
        "recently_added", "Recently Added", "", "")
    assert (added["cron"], added["active"], added["message"]) == ("0 0 * * 0", 0, "")
    assert added["subject"] == "Recently Added to {server_name}! ({end_date})"
    assert json.loads(added["newsletter_config"])["incl_libraries"] == []
    assert list(json.loads(added["email_config"]))[-1] == "notifier_id"
    for refused in (1, "x", None, -1):
        assert newsletters.add_newsletter_config(agent_id=refused) is False
    assert rows(sample_db, "SELECT COUNT(*) FROM newsletters") == [(3,)]


def test_set_newsletter_stores_the_form(facade_mode: str, sample_db: Path) -> None:
    assert newsletters.set_newsletter_config(newsletter_id=2, agent_id=0, **FORM) is True
    stored = newsletter(sample_db, 2)
    assert (stored["subject"], stored["body"], stored["message"], stored["active"]) == (
        "Recently Added to {server_name}! ({end_date})", "Read {newsletter_url}", "Hi ✓", 1)
    config = json.loads(stored["newsletter_config"])
    assert (config["time_frame"], config["time_frame_units"], config["incl_libraries"]) == (3, "months", ["1"])
    email = json.loads(stored["email_config"])
    assert (email["to"], email["smtp_port"], email["from_name"]) == (["a@b.c"], 587, "Tautulli Newsletter")
    with pytest.raises(KeyError):  # Tautulli reads subject, body and message before anything else
        newsletters.set_newsletter_config(newsletter_id=2, agent_id=0, body="", message="")
    too_far = {"newsletter_config_time_frame": "99999999999", "newsletter_config_time_frame_units": "days"}
    with pytest.raises(OverflowError):  # the newsletter object cannot be built for this time frame
        newsletters.set_newsletter_config(newsletter_id=2, agent_id=0, **{**FORM, **too_far})
    with pytest.raises(ValueError, match="out of range"):
        newsletters.set_newsletter_config(newsletter_id=2, agent_id=0, **{
            **FORM, "newsletter_config_time_frame": "99999999999"})
    assert newsletters.set_newsletter_config(newsletter_id=2, agent_id=3, **FORM) is False
    assert newsletter(sample_db, 2) == stored


def test_set_newsletter_answers_false_when_it_cannot_be_scheduled(facade_mode: str, sample_db: Path) -> None:
    assert newsletters.set_newsletter_config(newsletter_id=2, agent_id=0, **{**FORM, "cron": "0 8 *"}) is False
    assert newsletter(sample_db, 2)["cron"] == "0 8 *"  # stored all the same
    assert newsletters.set_newsletter_config(newsletter_id=2, agent_id=0, **{**FORM, "cron": "", "active": 0}) is True
    assert newsletters.set_newsletter_config(newsletter_id=2, agent_id=0, **{**FORM, "cron": "'0 8"}) is False
    before = newsletter(sample_db, 2)
    assert newsletters.set_newsletter_config(newsletter_id=2, agent_id=0, **{
        k: v for k, v in FORM.items() if k != "cron"}) is False  # NOT NULL cron: the update fails
    assert newsletter(sample_db, 2) == before
    assert newsletters.set_newsletter_config(newsletter_id=9, agent_id=0, **{
        k: v for k, v in FORM.items() if k != "cron"}) is True  # the insert fails and is ignored
    assert newsletters.set_newsletter_config(newsletter_id="abc", agent_id=0, **FORM) is True
    assert rows(sample_db, "SELECT COUNT(*), MAX(id) FROM newsletters") == [(2, 2)]
    # No id: a new newsletter, then every newsletter is scheduled, and newsletter 2's cron still fails.
    assert newsletters.set_newsletter_config(newsletter_id=None, agent_id=0, **FORM) is False
    assert rows(sample_db, "SELECT COUNT(*), MAX(id) FROM newsletters") == [(3, 3)]


def test_a_masked_password_keeps_the_stored_one(facade_mode: str, sample_db: Path, edit_db) -> None:
    email = {"smtp_password": "pw", "to": ["a@b"]}
    edit_db("UPDATE newsletters SET email_config = ? WHERE id = 1", [json.dumps(email)])
    assert newsletters.set_newsletter_config(newsletter_id=1, agent_id=0, newsletter_email_smtp_password=MASKED,
                                             **FORM) is True
    assert json.loads(newsletter(sample_db, 1)["email_config"])["smtp_password"] == "pw"
    with pytest.raises(TypeError):
        newsletters.set_newsletter_config(newsletter_id=42, agent_id=0, newsletter_email_smtp_password=MASKED,
                                          **FORM)


def test_unreadable_configs_answer_false_but_keep_the_write(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("UPDATE newsletters SET email_config = 'nope' WHERE id = 1")
    assert newsletters.add_newsletter_config(agent_id=0) is False
    assert newsletter(sample_db, 3)["agent_id"] == 0


def test_delete_newsletter_keeps_its_log(facade_mode: str, sample_db: Path) -> None:
    assert newsletters.delete_newsletter(newsletter_id="2") is True
    assert newsletters.delete_newsletter(newsletter_id="x") is False
    assert rows(sample_db, "SELECT id FROM newsletters") == [(1,)]
    assert rows(sample_db, "SELECT COUNT(*) FROM newsletter_log") == [(96,)]


def test_notify_state_merges_the_same_second_and_uuid(facade_mode: str, sample_db: Path) -> None:
    assert newsletter_handler.set_notify_state(LETTER, newsletter_uuid="u1", **LOG) == 97
    assert newsletter_handler.set_notify_state(LETTER, newsletter_uuid="u1", **{**LOG, "subject": "S2"}) == 0
    with context.call_context(now=1768478401):
        assert newsletter_handler.set_notify_state(LETTER, newsletter_uuid="u1", **LOG) == 0  # uuid is unique
        assert newsletter_handler.set_notify_state(LETTER, newsletter_uuid="u2", **LOG) == 98
    assert newsletter_handler.set_notify_state(None, newsletter_uuid="u3", **LOG) is None
    newsletter_handler.set_notify_success(97)
    newsletter_handler.set_notify_success(0)
    assert rows(sample_db, "SELECT id, subject_text, success FROM newsletter_log WHERE id IN (0, 97, 98) "
                           "ORDER BY id") == [(0, None, 1), (97, "S2", 1), (98, "S", 0)]


def test_clearing_the_log(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("CREATE TRIGGER refuse BEFORE DELETE ON newsletter_log WHEN old.id = 50 "
            "BEGIN SELECT RAISE(ABORT, 'no'); END")
    assert DataFactory().delete_newsletter_log() is False
    assert rows(sample_db, "SELECT COUNT(*) FROM newsletter_log") == [(96,)]
    edit_db("DROP TRIGGER refuse")
    assert DataFactory().delete_newsletter_log() is True
    assert rows(sample_db, "SELECT COUNT(*) FROM newsletter_log") == [(0,)]


def test_a_failure_after_the_update_leaves_the_row(facade_mode: str, sample_db: Path, monkeypatch) -> None:
    before = newsletter(sample_db, 2)

    def broken(items: object) -> bool:
        raise RuntimeError("injected")

    monkeypatch.setattr(writing, "schedulable", broken)
    with pytest.raises(RuntimeError):
        newsletters.set_newsletter_config(newsletter_id=2, agent_id=0, **FORM)
    assert newsletter(sample_db, 2) == before


def test_both_paths_leave_identical_rows(tmp_path: Path, sample_db: Path) -> None:
    from plexpy import bootstrap, config, runtime

    def run(mode: str) -> dict:
        db = tmp_path / f"{mode}.db"
        db.write_bytes(sample_db.read_bytes())
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode}})
        rt = bootstrap.build(settings)
        with runtime.use(rt), context.call_context(now=1768478400, tz="UTC"):
            newsletters.add_newsletter_config(agent_id=0)
            newsletters.set_newsletter_config(newsletter_id=3, agent_id=0, **FORM)
            newsletters.set_newsletter_config(newsletter_id=None, agent_id=0, **{**FORM, "active": "on"})
            newsletters.set_newsletter_config(newsletter_id="abc", agent_id=0, **FORM)
            newsletters.delete_newsletter(newsletter_id=1)
            log_id = newsletter_handler.set_notify_state(LETTER, newsletter_uuid="u1", **LOG)
            newsletter_handler.set_notify_state(LETTER, newsletter_uuid="u1", **LOG)
            newsletter_handler.set_notify_success(log_id)
            newsletter_handler.set_notify_success(None)
            state = dump_state(rt.engine, ["newsletters", "newsletter_log", "sqlite_sequence"])
            DataFactory().delete_newsletter_log()
            newsletter_handler.set_notify_state(LETTER, newsletter_uuid="u9", **LOG)
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        state["after_clear"] = dump_state(engine, ["newsletter_log"])
        engine.dispose()
        return state

    legacy_state = run("legacy")
    assert legacy_state == run("sqlalchemy")
    assert [r[0] for r in legacy_state["after_clear"]["newsletter_log"]["rows"]] == [99]


@pytest.mark.parametrize("backend", ["legacy", "sqlalchemy"])
def test_the_recorded_steps_pass(backend: str) -> None:
    from plexpy.commands.replay_writes import replay_writes

    sample = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
    result = replay_writes(sample / "writes.jsonl", sample / "tautulli.db", backend=backend, stop_after=57)
    ours = [s for s in result.steps if s.target.startswith(TARGETS)]
    assert len(ours) == RECORDED, [s.id for s in ours]
    assert [f"{s.id}: {s.difference}" for s in ours if not s.passed] == []
