"""The redaction rules the canary test forced: database error parameters and comparison differences."""

from __future__ import annotations

import pytest

from shim.redact import redact_text


@pytest.mark.parametrize(("text", "kept", "gone"), [
    ("OperationalError: boom\n[SQL: SELECT 1 WHERE t = ?]\n[parameters: ('Tok9Zq4Wd8Lk2', 7)]\n(Background …)",
     "[SQL: SELECT 1 WHERE t = ?]", "Tok9Zq4Wd8Lk2"),
    ("IntegrityError: dup\n[SQL parameters: {'token': 'abc-Very-Private'}]", "IntegrityError: dup", "Very-Private"),
    ('duplicate key\nDETAIL:  Key (device_token)=(DevTok5h8J2kL0pQ) already exists.', "duplicate key",
     "DevTok5h8J2kL0pQ"),
    ("data[23].device_token: 'DevTok5h8J2kL0pQ' != 'x'", "data[23].device_token: ", "DevTok5h8J2kL0pQ"),
    ("FAIL u-1 plexpy.users:Users.get_tokens: $.server_token: 'SrvTokB52nX9cV4e' != ''", "FAIL u-1",
     "SrvTokB52nX9cV4e"),
])
def test_secrets_in_errors_and_differences_are_masked(text: str, kept: str, gone: str) -> None:
    shown = redact_text(text)
    assert gone not in shown and kept in shown


@pytest.mark.parametrize("text", ["rows[3].play_duration: 5400 != 5460", "$.data[0].title: 'Up' != 'Down'",
                                  "[parameters missing]", "a != b"])
def test_ordinary_differences_are_left_alone(text: str) -> None:
    assert redact_text(text) == text
