"""Documentation that tests keep honest: every setting and Tautulli key is in docs/settings.md."""

from __future__ import annotations

from pathlib import Path

from plexpy.config import SETTINGS, TAUTULLI_KEYS
from plexpy.domains import DOMAINS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in text or (s.env and f"`{s.env}`" not in text)]
    assert not missing, missing


def test_every_tautulli_key_and_domain_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert not [k for k in TAUTULLI_KEYS if f"`{k}`" not in text]
    assert not [d for d in DOMAINS if f"`{d}`" not in text]
