"""Notifications reads on both paths: the edge cases the oracle records don't cover."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plexpy import notification_handler, notifiers
from plexpy.datafactory import DataFactory
from plexpy.db.errors import QueryRefusedError, TautulliDBError
from plexpy.domains.notifications import web

ANCHOR = 1768478400  # the sample's frozen clock (tests/domains/conftest.py)

SESSION = {"rating_key": 1131, "session_key": 334, "user_id": 3722597}


def dt_request(**overrides: Any) -> dict[str, str]:
    body: dict[str, Any] = {
        "draw": 3,
        "columns": [{"data": "timestamp", "searchable": True, "orderable": True},
                    {"data": "agent_name", "searchable": True, "orderable": True},
                    {"data": "body_text", "searchable": True, "orderable": True}],
        "order": [{"column": 0, "dir": "desc"}], "start": 0, "length": 5, "search": {"value": ""},
    }
    body.update(overrides)
    return {"json_data": json.dumps(body)}


def add_notifier(edit_db, notifier_id: int, agent_id: Any, agent_name: str, config: Any, **columns: Any) -> None:
    values = {"id": notifier_id, "agent_id": agent_id, "agent_name": agent_name, "agent_label": agent_name,
              "friendly_name": "", "notifier_config": config, **columns}
    edit_db(f"INSERT INTO notifiers ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            list(values.values()))


def log(edit_db, **columns: Any) -> None:
    edit_db(f"INSERT INTO notify_log ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            list(columns.values()))


def test_notification_log_pages_and_breaks_body_lines(facade_mode: str, edit_db) -> None:
    log(edit_db, timestamp=ANCHOR + 10, notifier_id=1, agent_id=20, agent_name="discord", notify_action="on_play",
        subject_text="s", body_text="line one\r\nline two\nthree", success=1)
    page = DataFactory().get_notification_log(kwargs=dt_request())
    assert page["draw"] == 3 and page["recordsTotal"] == page["recordsFiltered"] == 5780
    assert page["data"][0]["body_text"] == "line one<br />line two<br />three"
    assert [r["timestamp"] for r in page["data"]] == sorted((r["timestamp"] for r in page["data"]), reverse=True)
    wildcard = DataFactory().get_notification_log(kwargs=dt_request(search={"value": "line_one"}))
    assert wildcard["recordsFiltered"] == 1


def test_notification_log_refuses_hostile_requests(facade_mode: str, edit_db) -> None:
    hostile = dt_request(columns=[{"data": "timestamp; DROP TABLE notify_log", "searchable": True}],
                         order=[{"column": 0, "dir": "desc; DELETE FROM notify_log"}], search={"value": "' OR 1=1"})
    page = DataFactory().get_notification_log(kwargs=hostile)  # unknown names are ignored, as in Tautulli
    assert page["recordsFiltered"] == page["recordsTotal"] == 5779
    empty = {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": []}
    assert DataFactory().get_notification_log(kwargs={"json_data": "[1"}) == empty
    assert DataFactory().get_notification_log(kwargs=dt_request(order=[{"column": 9, "dir": "asc"}])) == empty
    edit_db("DELETE FROM notify_log")
    assert DataFactory().get_notification_log(kwargs=dt_request())["data"] == []


def test_unknown_trigger_is_a_syntax_error_only_without_an_id(facade_mode: str) -> None:
    with pytest.raises(TautulliDBError) as raised:
        notifiers.get_notifiers(notify_action="on_play; DROP TABLE notifiers")
    assert type(raised.value.__cause__).__name__ == "OperationalError"
    assert [n["id"] for n in notifiers.get_notifiers(notifier_id="2", notify_action="on_bogus")] == [2]
    assert notifiers.get_notifiers(notifier_id="abc") == []
    assert {n["id"] for n in notifiers.get_notifiers(notify_action="on_tokenexpired")} == {3}


def test_last_success_follows_sqlites_max_row(facade_mode: str, edit_db) -> None:
    add_notifier(edit_db, 40, 25, "webhook", "{}", on_play=1)
    log(edit_db, notifier_id=40, timestamp=50, success=1)
    log(edit_db, notifier_id=40, timestamp=50, success=0)
    log(edit_db, notifier_id=40, timestamp=10, success=1)
    add_notifier(edit_db, 41, 25, "webhook", "{}")
    log(edit_db, notifier_id=41, timestamp=None, success=0)
    log(edit_db, notifier_id=41, timestamp=None, success=1)
    log(edit_db, notifier_id=41, timestamp=None, success=0)
    listed = {n["id"]: n for n in notifiers.get_notifiers()}
    # Through the automatic index (notifier_id, timestamp, success): ties order by success, then rowid.
    assert (listed[40]["last_triggered"], listed[40]["last_success"], listed[40]["active"]) == (50, 0, 1)
    assert (listed[41]["last_triggered"], listed[41]["last_success"], listed[41]["active"]) == (None, 1, 0)
    # With notifiers.id = ? the log is scanned in rowid order: the first row with the maximum wins.
    assert notifiers.get_notifiers(notifier_id=40)[0]["last_success"] == 1
    assert notifiers.get_notifiers(notifier_id="41")[0]["last_success"] == 0


def test_config_of_unknown_and_unreadable_notifiers(facade_mode: str, edit_db) -> None:
    add_notifier(edit_db, 50, 8, "osx", '{"notify_app": "/x"}')
    add_notifier(edit_db, 51, 20, "discord", "{not json")
    add_notifier(edit_db, 52, 20, "discord", None)
    add_notifier(edit_db, 53, 20, "discord", "[1, 2]")
    add_notifier(edit_db, 54, "abc", "broken", "{}")
    osx = notifiers.get_notifier_config(notifier_id="50")
    assert osx["config"] == {} and osx["config_options"] == []
    assert osx["notify_text"]["on_play"] == {"subject": "Tautulli ({server_name})",
                                             "body": "{user} ({player}) started playing {title}."}
    assert osx["custom_conditions"] == [{"parameter": "", "operator": "", "value": [], "type": None}]
    assert osx["custom_conditions_logic"] == "" and osx["actions"]["on_play"] == 0
    assert [notifiers.get_notifier_config(notifier_id=i) for i in (51, 52, 53, "5x", None)] == [None] * 5
    with pytest.raises(AttributeError):
        notifiers.get_notifier_config(notifier_id=54)


def test_config_is_read_through_the_agents_defaults(facade_mode: str, edit_db) -> None:
    config = {"from": "me@x.org", "to": "single@x.org", "smtp_port": "587", "tls": "x", "smtp_password": "secret",
              "unknown": 1}
    add_notifier(edit_db, 60, 10, "email", json.dumps(config), on_stop_subject=None, on_stop_body="custom")
    result = notifiers.get_notifier_config(notifier_id=60)
    assert result["config"]["to"] == ["single@x.org"] and result["config"]["smtp_port"] == 587
    assert result["config"]["tls"] == 0 and "unknown" not in result["config"]
    assert result["config"]["from_name"] == "Tautulli" and result["config"]["smtp_password"] == "secret"
    assert result["notify_text"]["on_stop"] == {"subject": "Tautulli ({server_name})", "body": "custom"}
    to = next(o for o in result["config_options"] if o.get("name") == "email_to")
    assert to["select_options"][0] == {"value": "single@x.org", "text": ""}
    assert {"value": "aoife.pike@example.com", "text": "aoifepike10"} in to["select_options"]
    masked = notifiers.get_notifier_config(notifier_id=60, mask_passwords=True)
    assert masked["config"]["smtp_password"] == "    "
    assert next(o for o in masked["config_options"] if o.get("name") == "email_smtp_password")["value"] == "    "


def test_blank_texts_stay_blank_for_scripts_and_webhooks(facade_mode: str, edit_db) -> None:
    add_notifier(edit_db, 70, 15, "scripts", '{"script_folder": "/nonexistent/tautulli"}')
    result = notifiers.get_notifier_config(notifier_id=70)
    assert result["notify_text"]["on_play"] == {"subject": "", "body": ""}
    script = next(o for o in result["config_options"] if o.get("name") == "scripts_script")
    assert script["select_options"] == {"": ""} and result["config"]["timeout"] == 30
    assert result["config_options"][0]["description"] == (
        '<span class="inline-pre">.bat, .cmd, .php, .pl, .ps1, .py, .pyw, .rb, .sh</span>')


def test_device_lists_are_offline_unless_a_client_answers(facade_mode: str, edit_db) -> None:
    add_notifier(edit_db, 80, 18, "join", json.dumps({"api_key": "k", "device_names": ["Phone"]}))
    devices = next(o for o in notifiers.get_notifier_config(notifier_id=80)["config_options"]
                   if o.get("name") == "join_device_names")
    assert devices["select_options"] == {"Phone": "Phone", "": ""}

    class Join:
        def get(self, url: str, params: Any = None, headers: Any = None) -> web.WebResponse:
            assert params == {"apikey": "k"}
            return web.WebResponse(200, json.dumps({"success": True, "records": [{"deviceName": "Tablet"}]}))

    with web.using(Join()):
        devices = next(o for o in notifiers.get_notifier_config(notifier_id=80)["config_options"]
                       if o.get("name") == "join_device_names")
    assert devices["select_options"] == {"Phone": "Phone", "": "", "Tablet": "Tablet"}


def test_remote_app_form_lists_official_devices(facade_mode: str, edit_db) -> None:
    add_notifier(edit_db, 90, 21, "remoteapp", json.dumps({"device_id": "7b4efabe0257aad1"}))
    form = notifiers.get_notifier_config(notifier_id=90)["config_options"]
    assert [o["label"] for o in form] == ["Note", "Device", "Priority", "Notification Image Type"]
    assert form[1]["select_options"] == {"7b4efabe0257aad1": "My Phone", "2399cabd87baff3c": "Tablet ☕"}
    edit_db("UPDATE mobile_devices SET official = 0")
    form = notifiers.get_notifier_config(notifier_id=90)["config_options"]
    assert [o["input_type"] for o in form] == ["help", "help"]


def test_ifttt_offers_every_notification_parameter(facade_mode: str, edit_db) -> None:
    add_notifier(edit_db, 95, 12, "ifttt", "null")
    result = notifiers.get_notifier_config(notifier_id=95)
    assert result["config"] == {"key": "", "event": "tautulli", "value3": ""}
    choices = result["config_options"][2]["select_options"]
    assert choices[""] == "" and choices["channel_title"] == "Channel VCN" and len(choices) == 304


def test_browser_notifications_window_and_delay(facade_mode: str, edit_db) -> None:
    edit_db("UPDATE notifiers SET notifier_config = ? WHERE id = 7", ('{"auto_hide_delay": "9"}',))
    log(edit_db, notifier_id=7, agent_id=17, timestamp=ANCHOR - 5, subject_text="edge", body_text="b")
    log(edit_db, notifier_id=7, agent_id=17, timestamp=ANCHOR - 6, subject_text="old", body_text="b")
    log(edit_db, notifier_id=99, agent_id=17, timestamp=ANCHOR, subject_text="orphan", body_text="b")
    shown = notifiers.get_browser_notifications()["notifications"]
    assert [(n["subject_text"], n["delay"]) for n in shown] == [
        ("Tautulli (Oracle PMS)", 9), ("edge", 9), ("orphan", 5)]
    edit_db("UPDATE notifiers SET on_play = 0 WHERE id = 7")
    assert {n["delay"] for n in notifiers.get_browser_notifications()["notifications"]} == {5}


def test_notify_state_compares_text_keys_as_numbers(facade_mode: str) -> None:
    as_text = {k: str(v) for k, v in SESSION.items()}
    states = notification_handler.get_notify_state(session=as_text)
    assert states == notification_handler.get_notify_state(session=SESSION) and len(states) == 16
    assert notification_handler.get_notify_state(session={**SESSION, "session_key": "x"}) == []
    with pytest.raises(KeyError):
        notification_handler.get_notify_state(session={"rating_key": 1})


def test_notify_state_enabled_column_rules(facade_mode: str) -> None:
    upper = notification_handler.get_notify_state_enabled(session=SESSION, notify_action="ON_PLAY", notified=False)
    assert sorted(r["notifier_id"] for r in upper) == [1, 2, 7] and {r["timestamp"] for r in upper} == {None}
    by_id = notification_handler.get_notify_state_enabled(session=SESSION, notify_action="id", notified=False)
    assert by_id == [{"notifier_id": 1, "timestamp": None}]
    everyone = notification_handler.get_notify_state_enabled(session=SESSION, notify_action=1, notified=False)
    assert sorted(r["notifier_id"] for r in everyone) == [1, 2, 3, 4, 6, 7]
    assert notification_handler.get_notify_state_enabled(session=SESSION, notify_action="0") == []
    for hostile in ("on_play = 1 OR 1", "bogus", "n.on_play", "on_play; DROP TABLE notifiers"):
        with pytest.raises(QueryRefusedError):
            notification_handler.get_notify_state_enabled(session=SESSION, notify_action=hostile)
    assert len(notifiers.get_notifiers()) == 6


def test_tags_compare_as_text(facade_mode: str, edit_db) -> None:
    log(edit_db, notify_action="on_pmsupdate", tag="1234")
    assert notification_handler.check_nofity_tag(notify_action="on_pmsupdate", tag=1234) is True
    assert notification_handler.check_nofity_tag(notify_action="on_pmsupdate", tag="01234") is False
    assert notification_handler.check_nofity_tag(notify_action="on_pmsupdate", tag=None) is False
