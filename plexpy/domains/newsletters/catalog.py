"""The newsletter catalogue: agents, their default configs and texts, and the forms their settings show.

Facts of Tautulli v2.17.2, held as data. The e-mail form is the Email notification agent's form (names
prefixed ``newsletter_``); it is repeated here because domain packages do not import each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "AVAILABLE",
    "BASE",
    "EMAIL_DEFAULTS",
    "EMAIL_FORM",
    "RECENTLY_ADDED",
    "NewsletterAgent",
    "agent_for",
    "library_groups",
]


@dataclass(frozen=True, slots=True)
class NewsletterAgent:
    """A newsletter kind: its default config and texts, and whether its form lists libraries."""

    config: Mapping[str, Any]
    subject: str
    body: str = "View the newsletter here: {newsletter_url}"
    message: str = ""
    lists_libraries: bool = False
    filename: str = field(default="newsletter_{newsletter_uuid}.html")


_BASE_CONFIG: Final = {"custom_cron": 0, "time_frame": 7, "time_frame_units": "days", "formatted": 1,
                       "threaded": 0, "notifier_id": 0, "filename": "", "save_only": 0}

#: A newsletter whose agent id is not a known kind.
BASE: Final = NewsletterAgent(config=_BASE_CONFIG, subject="Tautulli Newsletter")

#: Agent 0, the only kind Tautulli has.
RECENTLY_ADDED: Final = NewsletterAgent(config={**_BASE_CONFIG, "incl_libraries": []},
                                        subject="Recently Added to {server_name}! ({end_date})",
                                        lists_libraries=True)

#: The newsletter agents Tautulli offers, by id: (name, label, kind).
AVAILABLE: Final = {0: ("recently_added", "Recently Added", RECENTLY_ADDED)}

#: The e-mail settings of a newsletter: the Email agent's defaults, sent as "Tautulli Newsletter".
EMAIL_DEFAULTS: Final = {"from_name": "Tautulli Newsletter", "from": "", "to": [], "cc": [], "bcc": [],
                         "smtp_server": "", "smtp_port": 465, "smtp_user": "", "smtp_password": "", "tls": 2,
                         "html_support": 1, "notifier_id": 0}

#: The Email agent's own defaults (its form reads a newsletter's e-mail config through them).
EMAIL_AGENT_DEFAULTS: Final = {k: v for k, v in EMAIL_DEFAULTS.items() if k != "notifier_id"} | {
    "from_name": "Tautulli"}

#: The Email agent's form: (config key, label, input type, description); recipients get ``select_all``.
EMAIL_FORM: Final = (
    ("from_name", "From Name", "text", "The name of the sender."),
    ("from", "From", "text", "The email address of the sender."),
    ("to", "To", "selectize", "The email address(es) of the recipients."),
    ("cc", "CC", "selectize", "The email address(es) to CC."),
    ("bcc", "BCC", "selectize", "The email address(es) to BCC."),
    ("smtp_server", "SMTP Server", "text", "Host for the SMTP server."),
    ("smtp_port", "SMTP Port", "number", "Port for the SMTP server."),
    ("smtp_user", "SMTP Username", "text", "Username for the SMTP server."),
    ("smtp_password", "SMTP Password", "password", "Password for the SMTP server."),
    ("tls", "Encryption", "select", "Send emails encrypted using SSL or TLS."),
    ("html_support", "Enable HTML Support", "checkbox", "Style your messages using HTML tags."),
)

ENCRYPTION_CHOICES: Final = {0: "None", 1: "TLS/STARTTLS (Typically port 587)", 2: "SSL/TLS (Typically port 465)"}

_NO_AGENT_LIBRARIES: Final = ("com.plexapp.agents.none", "tv.plex.agents.none")
_GROUPS: Final = (("Movie Libraries", "movie"), ("TV Show Libraries", "show"), ("Music Libraries", "artist"),
                  ("Other Video Libraries", "other_video"))


def agent_for(agent_id: Any) -> NewsletterAgent | None:
    """The newsletter kind of an agent id (None when the id is not a number)."""
    if not str(agent_id).isdigit():
        return None
    return RECENTLY_ADDED if int(agent_id) == 0 else BASE


def library_groups(sections: list[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Libraries a newsletter may include, grouped by kind (photo and live TV libraries are not offered)."""
    kinds: dict[str, list[dict[str, Any]]] = {}
    for s in sections:
        if s["section_type"] == "photo":
            continue
        kind = "other_video" if s["section_type"] == "movie" and s["agent"] in _NO_AGENT_LIBRARIES else s[
            "section_type"]
        kinds.setdefault(kind, []).append({"value": s["section_id"], "text": s["section_name"]})
    return {label: kinds[kind] for label, kind in _GROUPS if kind in kinds}
