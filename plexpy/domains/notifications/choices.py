"""The lists a settings form offers: link providers, sounds, users' e-mail addresses, devices, scripts.

``resolver`` answers the ``@name`` choices of ``agent_options`` for one agent and config. Users come from the
caller (both twins read them from the ``users`` table); device lists of web services go through ``web``;
scripts come from the configured folder, as in Tautulli.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import structlog

from plexpy import context
from plexpy.domains.notifications import web
from plexpy.domains.notifications.parameters import PARAMETER_NAMES

__all__ = ["SCRIPT_EXTENSIONS", "resolver", "user_emails"]

log = structlog.get_logger(__name__)

_MOVIE_PROVIDERS: Final = {"": "", "plexweb": "Plex Web", "imdb": "IMDB", "themoviedb": "The Movie Database",
                           "thetvdb": "TheTVDB", "trakt": "Trakt", "simkl": "Simkl"}
_TV_PROVIDERS: Final = {"": "", "plexweb": "Plex Web", "imdb": "IMDB", "themoviedb": "The Movie Database",
                        "thetvdb": "TheTVDB", "tvmaze": "TVmaze", "trakt": "Trakt", "simkl": "Simkl"}
_MUSIC_PROVIDERS: Final = {"": "", "plexweb": "Plex Web", "lastfm": "Last.fm", "musicbrainz": "MusicBrainz"}

_BOXCAR_SOUNDS: Final = {
    "": "", "beep-crisp": "Beep (Crisp)", "beep-soft": "Beep (Soft)", "bell-modern": "Bell (Modern)",
    "bell-one-tone": "Bell (One Tone)", "bell-simple": "Bell (Simple)", "bell-triple": "Bell (Triple)",
    "bird-1": "Bird (1)", "bird-2": "Bird (2)", "boing": "Boing", "cash": "Cash", "clanging": "Clanging",
    "detonator-charge": "Detonator Charge", "digital-alarm": "Digital Alarm", "done": "Done", "echo": "Echo",
    "flourish": "Flourish", "harp": "Harp", "light": "Light", "magic-chime": "Magic Chime",
    "magic-coin": "Magic Coin", "no-sound": "No Sound", "notifier-1": "Notifier (1)", "notifier-2": "Notifier (2)",
    "notifier-3": "Notifier (3)", "orchestral-long": "Orchestral (Long)", "orchestral-short": "Orchestral (Short)",
    "score": "Score", "success": "Success", "up": "Up",
}

_PUSHOVER_SOUNDS: Final = (
    ("", ""), ("alien", "Alien Alarm (long)"), ("bike", "Bike"), ("bugle", "Bugle"),
    ("cashregister", "Cash Register"), ("classical", "Classical"), ("climb", "Climb (long)"), ("cosmic", "Cosmic"),
    ("echo", "Pushover Echo (long)"), ("falling", "Falling"), ("gamelan", "Gamelan"), ("incoming", "Incoming"),
    ("intermission", "Intermission"), ("magic", "Magic"), ("mechanical", "Mechanical"), ("none", "None (silent)"),
    ("persistent", "Persistent (long)"), ("pianobar", "Piano Bar"), ("pushover", "Pushover (default)"),
    ("siren", "Siren"), ("spacealarm", "Space Alarm"), ("tugboat", "Tug Boat"), ("updown", "Up Down (long)"),
    ("vibrate", "Vibrate Only"),
)

#: Script file extensions the Script agent runs, in Tautulli's order (also shown on its form).
SCRIPT_EXTENSIONS: Final = (".bat", ".cmd", ".php", ".pl", ".ps1", ".py", ".pyw", ".rb", ".sh")

_JOIN_DEVICES_URL = "https://joinjoaomgcd.appspot.com/_ah/api/registration/v1/listDevices"
_PUSHBULLET_DEVICES_URL = "https://api.pushbullet.com/v2/devices"

UsersSource = Callable[[], list[dict[str, Any]]]


def _config_or(name: str, default: Any) -> Any:
    try:
        return context.config(name)
    except KeyError:
        return default


def user_emails(users: list[dict[str, Any]], chosen: list[Any]) -> list[dict[str, Any]]:
    """Recipients to choose from: the configured ones first, then every active user's address and name."""
    emails = {u["email"]: u["friendly_name"] for u in users if u["email"]}
    merged = dict.fromkeys(chosen, "")
    merged.update(emails)
    return [{"value": k, "text": v} for k, v in merged.items()]


def _pushover_sounds(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    sounds = [{"value": value, "text": text} for value, text in _PUSHOVER_SOUNDS]
    if config["sound"] not in [s["value"] for s in sounds]:
        sounds.append({"value": config["sound"], "text": config["sound"]})
    return sounds


def _service_json(url: str, **request: Any) -> Any:
    """A service's JSON answer, or None when it cannot be reached or refuses (logged, as Tautulli does)."""
    try:
        response = web.client().get(url, **request)
    except web.WebUnavailableError as exc:
        log.warning("notifications.devices_unavailable", url=url, error=str(exc))
        return None
    if not response.ok:
        log.warning("notifications.devices_refused", url=url, status=response.status)
        return None
    return response.json()


def _join_devices(config: Mapping[str, Any]) -> dict[str, Any]:
    devices = {d: d for d in config["device_names"]}
    devices.update({"": ""})
    if config["api_key"]:
        try:  # Tautulli logs any failure of the request or of its answer and keeps the configured devices
            answer = _service_json(_JOIN_DEVICES_URL, params={"apikey": config["api_key"]})
            if answer is not None and answer.get("success"):
                devices.update({d["deviceName"]: d["deviceName"] for d in answer.get("records", [])})
        except Exception as exc:  # see above
            log.warning("notifications.devices_unreadable", url=_JOIN_DEVICES_URL, error=str(exc))
    return devices


def _pushbullet_devices(config: Mapping[str, Any]) -> dict[str, Any]:
    devices = {"": ""}
    if config["api_key"]:
        try:  # as for Join
            answer = _service_json(_PUSHBULLET_DEVICES_URL,
                                   headers={"Content-type": "application/json", "Access-Token": config["api_key"]})
            if answer is not None:
                devices.update({d["iden"]: d["nickname"] for d in answer.get("devices", []) if d["active"]})
        except Exception as exc:  # see above
            log.warning("notifications.devices_unreadable", url=_PUSHBULLET_DEVICES_URL, error=str(exc))
    return devices


def _is_mount(path: str) -> bool:
    """Whether ``path`` or a parent (other than ``/``) is a mount point, outside the data folder."""
    if not path:
        return False
    data_dir = _config_or("DATA_DIR", None)
    if data_dir and Path(path).resolve().is_relative_to(Path(data_dir).resolve()):
        return False
    try:
        resolved = Path(path).resolve()
    except OSError:
        resolved = Path(path)
    try:
        return any(p.is_mount() and p != Path("/") for p in [resolved, *resolved.parents])
    except OSError:
        return False


def _scripts(config: Mapping[str, Any]) -> dict[str, Any]:
    folder = config["script_folder"]
    scripts = {"": ""}
    allowed = bool(_config_or("ALLOW_MOUNTED_FOLDERS", 0)) or not _is_mount(folder)
    if folder and (not allowed or not os.path.exists(folder)):
        return scripts
    for root, _dirs, files in os.walk(folder):
        for file_name in files:
            if os.path.splitext(file_name)[1] in SCRIPT_EXTENSIONS:
                scripts[os.path.join(root, file_name)] = os.path.join(os.path.relpath(root, folder), file_name)
    return scripts


def resolver(config: Mapping[str, Any], users: UsersSource) -> Callable[[str], Any]:
    """The ``@name`` choices of a form for ``config``; ``users`` is read only when a list needs it."""
    static: dict[str, Any] = {
        "movie_providers": _MOVIE_PROVIDERS, "tv_providers": _TV_PROVIDERS, "music_providers": _MUSIC_PROVIDERS,
        "parameters": PARAMETER_NAMES, "boxcar_sounds": _BOXCAR_SOUNDS,
    }

    read: list[list[dict[str, Any]]] = []

    def user_rows() -> list[dict[str, Any]]:
        if not read:
            read.append(users())
        return read[0]

    def choose(name: str) -> Any:
        if name in static:
            return dict(static[name])
        if name.startswith("email_"):
            return user_emails(user_rows(), config[name.removeprefix("email_")])
        if name == "plex_users":
            return {u["user_id"]: u["friendly_name"] for u in user_rows() if u["user_id"]}
        builders: dict[str, Callable[[Mapping[str, Any]], Any]] = {
            "pushover_sounds": _pushover_sounds, "join_devices": _join_devices,
            "pushbullet_devices": _pushbullet_devices, "scripts": _scripts,
        }
        return builders[name](config)

    return choose
