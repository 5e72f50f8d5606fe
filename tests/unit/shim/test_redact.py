"""Redaction: secrets never leave the shim, and ordinary values (times, versions, identifiers) survive."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import structlog
from hypothesis import given, settings
from hypothesis import strategies as st

from plexpy import logsetup
from shim.clean import clean, clean_text, trim
from shim.redact import MASK, is_secret_key, redact, redact_text


@pytest.mark.parametrize(("text", "secret"), [
    ("postgresql+psycopg://tautulli:s3cr3t-pw@db.local:5432/tautulli", "s3cr3t-pw"),
    ("sqlite://user:pa55@/x.db", "pa55"),
    ("http://pms.local:32400/library/sections?X-Plex-Token=zQx9Tk3aPlexToken12&page=1", "zQx9Tk3aPlexToken12"),
    ("/api/v2?apikey=0a1b2c3d4e5f&cmd=get_history", "0a1b2c3d4e5f"),
    ('{"api_key": "k-123456", "cmd": "x"}', "k-123456"),
    ("password='hunter2'", "hunter2"),
    ("access_token: abc.def.ghi", "abc.def.ghi"),
    ("Authorization: Bearer 9f8e7d6c5b4a39281706", "9f8e7d6c5b4a39281706"),
    ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sflKxwRJSMeKKF2QT4", "eyJzdWIiOiIxMjMifQ"),
    ("mail jane.doe+plex@example.co.uk now", "jane.doe+plex@example.co.uk"),
    ("client 192.168.1.20 connected", "192.168.1.20"),
    ("from 10.0.0.1:32400", "10.0.0.1"),
    ("v6 2001:db8::8a2e:370:7334 and fe80::1%eth0", "2001:db8::8a2e:370:7334"),
    ("mapped ::ffff:192.0.2.128", "192.0.2.128"),
    ("key 0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),
])
def test_secrets_in_text_are_masked(text: str, secret: str) -> None:
    redacted = redact_text(text)
    assert secret not in redacted
    assert MASK in redacted


@pytest.mark.parametrize("text", [
    "2026-01-15T12:00:00.123Z", "started at 12:30:45", "Plex 1.40.2.8395-c67dce28e", "Tautulli v2.17.2",
    "data[3].play_duration: 5400 != 5460", "rows[12].started: 1768478400 != 1768478401",
    "get_stream_type_by_top_10_platforms", "plex://movie/5d776825880197001ec90b9b", "mac de:ad:be:ef:00:11",
    "Quinn 🎬 watched 'Amélie' (100%_done\\)", "token expired for user kim",
])
def test_ordinary_values_survive(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(("key", "secret"), [
    ("password", True), ("user_token", True), ("X-Plex-Token", True), ("api_key", True), ("apiKey", True),
    ("ip_address", True), ("ip_address_public", True), ("email", True), ("server_token", True),
    ("device_id", True), ("session_id", True), ("Authorization", True), ("cookie", True),
    ("passed", False), ("author", False), ("session_key", False), ("rating_key", False), ("thumb", False),
    ("keys", False), ("error_signature", False), ("tolerances", False), ("is_allow_sync", False),
])
def test_secret_keys_are_recognised_by_their_words(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret


def test_nested_values_are_redacted_by_key_and_by_content() -> None:
    value = {"user": "kim", "email": "kim@example.com", "rows": [{"ip_address": "1.2.3.4", "note": "see 8.8.8.8"}],
             "user_token": None, "nested": ({"password": "x"},)}
    assert redact(value) == {"user": "kim", "email": MASK, "rows": [{"ip_address": MASK, "note": f"see {MASK}"}],
                             "user_token": None, "nested": [{"password": MASK}]}
    assert redact(RuntimeError("connect to postgresql://a:b@h/d")) == "RuntimeError: connect to postgresql://a:***@h/d"


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.integers(), st.text(max_size=30)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4),
                                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                    max_leaves=20))
def test_redaction_never_raises_and_is_idempotent(value: Any) -> None:
    once = redact(value)
    assert redact(once) == once
    json.dumps(once)


def test_cleaning_trims_long_values_after_redacting() -> None:
    long_text = "kim@example.com " + "x" * 1000
    cleaned = clean({"note": long_text, "rows": list(range(100))})
    assert cleaned["note"].startswith(MASK) and "chars)" in cleaned["note"] and len(cleaned["note"]) < 450
    assert cleaned["rows"][-1] == "…(+60 items)"
    assert trim({"k": object()})["k"].startswith("<object")
    assert clean_text(None) is None


def test_the_log_pipeline_redacts_before_rendering() -> None:
    stream = io.StringIO()
    logsetup.configure(level="INFO", stream=stream, json=True)
    try:
        structlog.get_logger("t").warning("db.error", url="postgresql://u:topsecret@h/db", email="a@b.io",
                                          detail="client 203.0.113.9 failed")
    finally:
        structlog.reset_defaults()
    line = json.loads(stream.getvalue())
    assert line["event"] == "db.error" and line["level"] == "warning"
    assert "topsecret" not in stream.getvalue() and "a@b.io" not in stream.getvalue()
    assert "203.0.113.9" not in stream.getvalue()
    assert line["url"] == "postgresql://u:***@h/db"
