"""Redaction of secrets on the way out: logs, events and reports. Never applied before comparison.

Keys that name secrets (password, token, api key, secret, email, ip address …) have their values replaced;
values that look like secrets (URL passwords, e-mail and IP addresses, long hex/base64 tokens, JWTs) are
masked wherever they appear in a string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["MASK", "redact", "redact_text", "structlog_processor"]

MASK = "***"

_SECRET_KEY = re.compile(
    r"(pass(word)?|passwd|secret|token|api_?key|apikey|auth|cookie|credential|jwt|private|"
    r"e-?mail|ip_?address|ip_address_public|session_?id|device_id|onesignal)",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]+)@", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")
_IPV6 = re.compile(r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])")
_JWT = re.compile(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*")
_QUERY_SECRET = re.compile(r"(?P<key>(?:X-Plex-Token|token|api_?key|apikey|password)=)[^&\s\"']+", re.IGNORECASE)
_LONG_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z0-9_\-]*\d)(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{24,}(?![A-Za-z0-9])"
)


def redact_text(text: str) -> str:
    """Mask secrets that appear inside a string."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)
    text = _JWT.sub(MASK, text)
    text = _QUERY_SECRET.sub(lambda m: f"{m['key']}{MASK}", text)
    text = _EMAIL.sub(MASK, text)
    text = _IPV4.sub(MASK, text)
    text = _IPV6.sub(MASK, text)
    return _LONG_TOKEN.sub(MASK, text)


def is_secret_key(key: object) -> bool:
    """True for a mapping key whose value must never be shown."""
    return isinstance(key, str) and bool(_SECRET_KEY.search(key))


def redact(value: Any, _depth: int = 0) -> Any:
    """Return a copy of ``value`` with secret keys masked and secret-looking strings redacted."""
    if _depth > 32:
        return MASK
    if isinstance(value, Mapping):
        return {
            k: (MASK if is_secret_key(k) and v not in (None, "") else redact(v, _depth + 1)) for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact(v, _depth + 1) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, BaseException):
        return redact_text(f"{type(value).__name__}: {value}")
    return value


def structlog_processor(_logger: object, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: place it before the renderer."""
    redacted: dict[str, Any] = redact(event_dict)
    return redacted
