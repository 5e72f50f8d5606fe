"""Newsletters reads on both paths: the edge cases the oracle records don't cover."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plexpy import context, newsletter_handler, newsletters
from plexpy.datafactory import DataFactory


def dt_request(**overrides: Any) -> dict[str, str]:
    body: dict[str, Any] = {
        "draw": 2,
        "columns": [{"data": "timestamp", "searchable": True, "orderable": True},
                    {"data": "uuid", "searchable": True, "orderable": True}],
        "order": [{"column": 1, "dir": "asc"}], "start": 0, "length": 3, "search": {"value": ""},
    }
    body.update(overrides)
    return {"json_data": json.dumps(body)}


def add_newsletter(edit_db, newsletter_id: int, **columns: Any) -> None:
    values = {"id": newsletter_id, "agent_id": 0, "agent_name": "recently_added", "agent_label": "Recently Added",
              "id_name": f"n{newsletter_id}", "friendly_name": "", "newsletter_config": "{}",
              "email_config": "{}", **columns}
    edit_db(f"INSERT INTO newsletters ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            list(values.values()))


def log(edit_db, **columns: Any) -> None:
    edit_db(f"INSERT INTO newsletter_log ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            list(columns.values()))


def test_newsletter_log_pages_and_refuses_bad_requests(facade_mode: str, edit_db) -> None:
    page = DataFactory().get_newsletter_log(kwargs=dt_request())
    assert page["draw"] == 2 and len(page["data"]) == 3 and page["recordsFiltered"] == page["recordsTotal"]
    assert [r["uuid"] for r in page["data"]] == sorted(r["uuid"] for r in page["data"])
    assert set(page["data"][0]) == {"id", "timestamp", "newsletter_id", "agent_id", "agent_name", "notify_action",
                                    "subject_text", "body_text", "start_date", "end_date", "uuid", "success"}
    assert DataFactory().get_newsletter_log(kwargs=None) == {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0,
                                                             "data": []}
    edit_db("DELETE FROM newsletter_log")
    assert DataFactory().get_newsletter_log(kwargs=dt_request())["data"] == []
    assert newsletters.get_newsletters(newsletter_id=1)[0]["last_triggered"] is None


def test_last_success_and_last_message_id_break_ties_by_rowid(facade_mode: str, edit_db) -> None:
    add_newsletter(edit_db, 10)
    log(edit_db, newsletter_id=10, timestamp=100, success=1, notify_action="on_cron", email_msg_id="<a>")
    log(edit_db, newsletter_id=10, timestamp=100, success=1, notify_action="on_cron", email_msg_id="<b>")
    log(edit_db, newsletter_id=10, timestamp=100, success=0, notify_action="on_cron", email_msg_id="<c>")
    listed = {n["id"]: n for n in newsletters.get_newsletters()}
    assert (listed[10]["last_triggered"], listed[10]["last_success"]) == (100, 0)
    assert newsletters.get_newsletters(newsletter_id="10")[0]["last_success"] == 1
    assert newsletter_handler.get_last_newsletter_email_msg_id(newsletter_id="10", notify_action="on_cron") == "<a>"
    assert newsletter_handler.get_last_newsletter_email_msg_id(newsletter_id=10, notify_action="test") is None
    assert newsletters.get_newsletters(newsletter_id="x") == []


def test_config_of_other_agents_and_unreadable_configs(facade_mode: str, edit_db) -> None:
    add_newsletter(edit_db, 20, agent_id=5, subject=None, body="", message=None)
    other = newsletters.get_newsletter_config(newsletter_id=20)
    assert other["subject"] == "Tautulli Newsletter" and other["body"] == "View the newsletter here: {newsletter_url}"
    assert other["message"] == "" and other["config_options"] == []
    assert "incl_libraries" not in other["config"] and other["config"]["time_frame"] == 7
    assert other["email_config"]["from_name"] == "Tautulli Newsletter" and other["email_config"]["notifier_id"] == 0
    add_newsletter(edit_db, 21, newsletter_config="{oops")
    add_newsletter(edit_db, 22, email_config=None)
    add_newsletter(edit_db, 23, newsletter_config='{"time_frame": 99999999}')
    add_newsletter(edit_db, 24, newsletter_config='{"filename": 5}')
    add_newsletter(edit_db, 25, newsletter_config='{"time_frame": 99999999, "time_frame_units": "months"}')
    assert [newsletters.get_newsletter_config(newsletter_id=i) for i in (21, 22, 23, 24, 25, "x")] == [None] * 6
    add_newsletter(edit_db, 26, agent_id="abc")
    with pytest.raises(AttributeError):
        newsletters.get_newsletter_config(newsletter_id=26)


def test_config_masks_passwords_and_groups_libraries(facade_mode: str, edit_db) -> None:
    email = {"smtp_password": "hunter2", "to": ["ana.hart@example.com", "x@y.z"], "tls": "1"}
    add_newsletter(edit_db, 30, email_config=json.dumps(email), newsletter_config='{"incl_libraries": "7"}')
    edit_db("UPDATE library_sections SET deleted_section = 1 WHERE section_id = 3")
    config = newsletters.get_newsletter_config(newsletter_id=30, mask_passwords=True)
    assert config["email_config"]["smtp_password"] == "    " and config["email_config"]["tls"] == 1
    assert config["config"]["incl_libraries"] == ["7"]
    groups = config["config_options"][0]["select_options"]
    assert list(groups) == ["Movie Libraries", "TV Show Libraries", "Other Video Libraries"]
    assert groups["Other Video Libraries"] == [{"value": 7, "text": "Home Videos"}]
    to = next(o for o in config["email_config_options"] if o["name"] == "newsletter_email_to")
    assert to["select_options"][:2] == [{"value": "ana.hart@example.com", "text": "ana.hart"},
                                       {"value": "x@y.z", "text": ""}]
    password = next(o for o in config["email_config_options"] if o["name"] == "newsletter_email_smtp_password")
    assert password["value"] == "    "
    assert newsletters.get_newsletter_config(newsletter_id=30)["email_config"]["smtp_password"] == "hunter2"


def test_saved_newsletter_is_read_from_the_newsletter_folder(facade_mode: str, edit_db, tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "newsletter_20260104-20260111_12c082fa.html").write_text("<html>week</html>", encoding="utf-8")
    (folder / "custom.html").write_text("<html>custom</html>", encoding="utf-8")
    with context.call_context(config={"NEWSLETTER_DIR": str(folder)}):
        assert newsletter_handler.get_newsletter(newsletter_uuid="12c082fa") == "<html>week</html>"
        assert newsletter_handler.get_newsletter(newsletter_uuid="nope") is None
        assert newsletter_handler.get_newsletter() is None
        log(edit_db, newsletter_id=1, timestamp=1768478000, notify_action="on_cron", uuid="u1", filename="custom.html",
            start_date="2026-01-01", end_date="2026-01-02")
        log(edit_db, newsletter_id=1, timestamp=1768478300, notify_action="test", uuid="u2", filename="other.html",
            start_date="2026-01-01", end_date="2026-01-02")
        assert newsletter_handler.get_newsletter(newsletter_id_name="weekly_recently_added") == "<html>custom</html>"
        log(edit_db, newsletter_id=1, timestamp=1768478000, notify_action="on_cron", uuid="u3",
            filename="../escape.html", start_date="2026-01-01", end_date="2026-01-02")
        assert newsletter_handler.get_newsletter(newsletter_uuid="u3") is None
    with context.call_context(config={"NEWSLETTER_DIR": str(tmp_path / "missing")}):
        assert newsletter_handler.get_newsletter(newsletter_uuid="12c082fa") is None


def test_saved_newsletters_default_to_the_data_folder(facade_mode: str, sample_db: Path) -> None:
    folder = sample_db.parent / "newsletters"
    folder.mkdir()
    (folder / "newsletter_20251205-20260104_3468c679.html").write_text("<p>month</p>", encoding="utf-8")
    with context.call_context(config={"NEWSLETTER_DIR": ""}):
        assert newsletter_handler.get_newsletter(newsletter_uuid="3468c679") == "<p>month</p>"
