"""Redaction of secrets on the way out: logs, events and reports. Never applied before comparison.

Two rules. A mapping key that names a secret (``password``, ``api_key``, ``X-Plex-Token``, ``email``,
``ip_address`` …, matched on the words of the key so ``passed`` or ``author`` are left alone) has its value
masked. Inside any string, what looks like a secret is masked: URL passwords, ``key=value`` and
``"key": "value"`` secrets, ``Authorization``/``Bearer`` credentials, JWTs, e-mail addresses, IPv4 and IPv6
addresses (validated, so clock times and version numbers survive), long random tokens (32+ letters and
digits without separators, such as API keys), the bound parameters a database error quotes, and both values of
a comparison difference (``rows[3].email: 'a' != 'b'``) whose key names a secret.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["MASK", "is_secret_key", "redact", "redact_text", "structlog_processor"]

MASK = "***"

#: Words that make a key secret on their own.
_SECRET_WORDS = frozenset({
    "password", "passwords", "passwd", "pass", "pwd", "passphrase", "secret", "token", "tokens", "apikey", "auth",
    "authorization", "cookie", "cookies", "credential", "credentials", "jwt", "email", "mail", "ip", "ipv4",
    "ipv6", "onesignal", "bearer",
})
#: Adjacent word pairs that make a key secret (``api_key``, ``ip_address``, ``private_key`` …).
_SECRET_PAIRS = frozenset({
    ("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"), ("ip", "address"),
    ("session", "id"), ("device", "id"), ("e", "mail"), ("client", "secret"), ("refresh", "token"),
})
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")

_SECRET_NAME = (
    r"(?:x-plex-token|plex[_-]?token|access[_-]?token|auth[_-]?token|refresh[_-]?token|api[_-]?key|apikey|"
    r"token|password|passwd|pwd|secret|client[_-]?secret)"
)
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]+)@", re.IGNORECASE)
_KEY_VALUE = re.compile(
    r"(?P<key>(?<![A-Za-z0-9])[\"']?" + _SECRET_NAME + r"[\"']?\s*(?:=|:)\s*[\"']?)(?P<value>[^\"'&\s,;}\]]+)",
    re.IGNORECASE,
)
_AUTH_HEADER = re.compile(r"(?P<key>\b(?:bearer|basic)\s+)(?P<value>[A-Za-z0-9._~+/=\-]{8,})", re.IGNORECASE)
_JWT = re.compile(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.]|\.\d)")
_IPV6 = re.compile(r"(?<![0-9A-Za-z:.])(?=[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:)[0-9A-Fa-f:.]{2,45}(?:%[0-9A-Za-z]+)?"
                   r"(?![0-9A-Za-z:])")
#: 32+ letters and digits in one run, with at least two digits and a letter (hex or base62 keys such as
#: Tautulli's API key); identifiers with underscores (``get_stream_type_by_top_10_platforms``) are words.
_LONG_RUN = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9]{32,}(?![A-Za-z0-9_\-])")
_SECRET_NAMES = ("token", "key", "pass", "pwd", "secret")
#: Bound parameters in a database error (SQLAlchemy's ``[parameters: …]`` / ``[SQL parameters: …]`` line, or
#: psycopg's ``DETAIL: Key (…)=(…)``): they are the caller's data, any of which may be a secret.
_PARAMETERS = re.compile(r"(?P<key>\[(?:SQL )?parameters: )[^\n]*|(?P<detail>DETAIL:\s+Key \([^)\n]*\)=)[^\n]*")
#: A comparison's difference line, ``rows[3].email: 'a' != 'b'``: values of a secret key are masked.
_DIFF = re.compile(r"(?P<key>(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_\-]*)(?P<sep>['\"]?\]?: )"
                   r"(?P<values>(?:(?!: )[^\n])*? != [^\n]*)")  # the last "key: " before the " != "


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _token(match: re.Match[str]) -> str:
    run = match[0]
    digits = sum(c.isdigit() for c in run)
    return MASK if digits >= 2 and digits < len(run) else run


def redact_text(text: str) -> str:
    """Mask secrets that appear inside a string (each rule runs only when a cheap test says it may apply)."""
    lowered = text.lower()
    if "parameters: " in text or "DETAIL:" in text:
        text = _PARAMETERS.sub(lambda m: f"{m['key']}{MASK}]" if m["key"] else f"{m['detail']}({MASK})", text)
    if " != " in text:
        text = _DIFF.sub(lambda m: f"{m['key']}{m['sep']}{MASK} != {MASK}" if is_secret_key(m["key"]) else m[0],
                         text)
    if "://" in text:
        text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)
    if "eyJ" in text:
        text = _JWT.sub(MASK, text)
    if any(name in lowered for name in _SECRET_NAMES):
        text = _KEY_VALUE.sub(lambda m: f"{m['key']}{MASK}", text)
    if "bearer" in lowered or "basic" in lowered:
        text = _AUTH_HEADER.sub(lambda m: f"{m['key']}{MASK}", text)
    if "@" in text:
        text = _EMAIL.sub(MASK, text)
    if "::" in text or text.count(":") >= 2:
        text = _IPV6.sub(lambda m: MASK if _is_ip(m[0]) else m[0], text)
    if text.count(".") >= 3:
        text = _IPV4.sub(lambda m: MASK if _is_ip(m[0]) else m[0], text)
    return _LONG_RUN.sub(_token, text) if len(text) >= 32 else text


def _words(key: str) -> list[str]:
    return [w.lower() for w in _WORD_SPLIT.split(key) if w]


def is_secret_key(key: object) -> bool:
    """True for a mapping key whose value must never be shown (matched on the key's words)."""
    if not isinstance(key, str):
        return False
    words = _words(key)
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in itertools.pairwise(words))


def redact(value: Any, _depth: int = 0) -> Any:
    """Return a copy of ``value`` with secret keys masked and secret-looking strings redacted."""
    if _depth > 32:
        return MASK
    if isinstance(value, Mapping):
        return {
            (redact_text(k) if isinstance(k, str) else k): (
                MASK if is_secret_key(k) and v not in (None, "") else redact(v, _depth + 1)
            )
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact(v, _depth + 1) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, BaseException):
        return redact_text(f"{type(value).__name__}: {value}")
    return value


def structlog_processor(_logger: object, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: place it last before the renderer (after ``format_exc_info``)."""
    redacted: dict[str, Any] = redact(event_dict)
    return redacted
