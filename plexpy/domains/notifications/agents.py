"""The notification catalogue: triggers (actions) with their default texts, agents and their default configs.

Facts of Tautulli v2.17.2, held as data. An agent id without an entry here (4, 5, 19, and 8 — macOS, which
Tautulli only offers where the Objective-C bridge imports, never on the servers this project targets) gets
the bare agent: an empty config and no options.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

__all__ = ["ACTIONS", "ACTION_NAMES", "AGENTS", "BLANK_TEXT_AGENTS", "DEFAULT_CONFIGS", "Action", "Agent"]


@dataclass(frozen=True, slots=True)
class Action:
    """One notification trigger: its column name in ``notifiers`` and its default subject and body."""

    name: str
    body: str
    subject: str = "Tautulli ({server_name})"


@dataclass(frozen=True, slots=True)
class Agent:
    """One notification agent: id, name (the config prefix) and label."""

    id: int
    name: str
    label: str


#: Every trigger, in Tautulli's order (the order of the ``notifiers`` action columns).
ACTIONS: Final[tuple[Action, ...]] = (
    Action("on_play", "{user} ({player}) started playing {title}."),
    Action("on_stop", "{user} ({player}) has stopped {title}."),
    Action("on_pause", "{user} ({player}) has paused {title}."),
    Action("on_resume", "{user} ({player}) has resumed {title}."),
    Action("on_error", "{user} ({player}) encountered an error trying to play {title}."),
    Action("on_change", "{user} ({player}) has changed transcode decision for {title}."),
    Action("on_intro", "{user} ({player}) has reached an intro marker for {title}."),
    Action("on_commercial", "{user} ({player}) has reached a commercial marker for {title}."),
    Action("on_credits", "{user} ({player}) has reached a credits marker for {title}."),
    Action("on_watched", "{user} ({player}) has watched {title}."),
    Action("on_buffer", "{user} ({player}) is buffering {title}."),
    Action("on_concurrent", "{user} has {user_streams} concurrent streams."),
    Action("on_newdevice", "{user} is streaming from a new device: {player}."),
    Action("on_created", "{title} was recently added to Plex."),
    Action("on_intdown", "The Plex Media Server is down."),
    Action("on_intup", "The Plex Media Server is back up."),
    Action("on_extdown", "The Plex Media Server remote access is down. ({remote_access_reason})"),
    Action("on_extup", "The Plex Media Server remote access is back up."),
    Action("on_pmsupdate", "An update is available for the Plex Media Server (version {update_version})."),
    Action("on_plexpyupdate", "An update is available for Tautulli (version {tautulli_update_version})."),
    Action("on_plexpydbcorrupt",
           "Tautulli database corruption detected. Automatic cleanup of database backups is suspended."),
    Action("on_tokenexpired", "The Tautulli Plex account token has expired."),
)

ACTION_NAMES: Final[tuple[str, ...]] = tuple(a.name for a in ACTIONS)

#: Agents whose blank trigger texts stay blank (the others fall back to the trigger's default text).
BLANK_TEXT_AGENTS: Final[frozenset[str]] = frozenset({"scripts", "webhook"})

#: The agents Tautulli offers on a server, by id.
AGENTS: Final[MappingProxyType[int, Agent]] = MappingProxyType({a.id: a for a in (
    Agent(21, "remoteapp", "Tautulli Remote App"),
    Agent(9, "boxcar", "Boxcar"),
    Agent(17, "browser", "Browser"),
    Agent(20, "discord", "Discord"),
    Agent(10, "email", "Email"),
    Agent(16, "facebook", "Facebook"),
    Agent(29, "gotify", "Gotify"),
    Agent(22, "groupme", "GroupMe"),
    Agent(0, "growl", "Growl"),
    Agent(12, "ifttt", "IFTTT"),
    Agent(18, "join", "Join"),
    Agent(2, "xbmc", "Kodi"),
    Agent(27, "lunasea", "LunaSea"),
    Agent(28, "microsoftteams", "Microsoft Teams"),
    Agent(23, "mqtt", "MQTT"),
    Agent(30, "ntfy", "ntfy"),
    Agent(3, "plex", "Plex Home Theater"),
    Agent(26, "plexmobileapp", "Plex Android / iOS App"),
    Agent(1, "prowl", "Prowl"),
    Agent(6, "pushbullet", "Pushbullet"),
    Agent(7, "pushover", "Pushover"),
    Agent(15, "scripts", "Script"),
    Agent(14, "slack", "Slack"),
    Agent(13, "telegram", "Telegram"),
    Agent(11, "twitter", "Twitter"),
    Agent(25, "webhook", "Webhook"),
    Agent(24, "zapier", "Zapier"),
)})

_PROVIDERS: dict[str, Any] = {"movie_provider": "", "tv_provider": "", "music_provider": ""}

#: Each agent's default config: the keys a stored config is read through, and each key's type.
DEFAULT_CONFIGS: Final[MappingProxyType[str, dict[str, Any]]] = MappingProxyType({
    "boxcar": {"token": "", "sound": ""},
    "browser": {"auto_hide_delay": 5},
    "discord": {"hook": "", "username": "", "avatar_url": "", "color": "", "tts": 0, "incl_subject": 1,
                "incl_card": 0, "incl_description": 1, "incl_thumbnail": 0, "incl_pmslink": 0, **_PROVIDERS},
    "email": {"from_name": "Tautulli", "from": "", "to": [], "cc": [], "bcc": [], "smtp_server": "",
              "smtp_port": 465, "smtp_user": "", "smtp_password": "", "tls": 2, "html_support": 1},
    "facebook": {"redirect_uri": "", "access_token": "", "app_id": "", "app_secret": "", "group_id": "",
                 "incl_subject": 1, "incl_card": 0, **_PROVIDERS},
    "gotify": {"host": "", "app_token": "", "priority": 0, "incl_subject": 1, "incl_poster": 0, "incl_url": 1,
               **_PROVIDERS},
    "groupme": {"access_token": "", "bot_id": "", "incl_subject": 1, "incl_poster": 0},
    "growl": {"host": "", "password": ""},
    "ifttt": {"key": "", "event": "tautulli", "value3": ""},
    "join": {"api_key": "", "device_names": [], "priority": 2, "incl_subject": 1, "incl_poster": 0, **_PROVIDERS},
    "lunasea": {"hook": "", "profile": "", "incl_subject": 1},
    "microsoftteams": {"hook": "", "incl_subject": 1, "incl_card": 0, "incl_description": 1, "incl_pmslink": 0,
                       "poster_size": 2, **_PROVIDERS},
    "mqtt": {"broker": "", "port": 1883, "protocol": "MQTTv311", "username": "", "password": "",
             "clientid": "tautulli", "topic": "", "qos": 1, "retain": 0, "keep_alive": 60, "as_json": 0},
    "ntfy": {"host": "", "access_token": "", "topic": "", "priority": "default", "incl_subject": 1,
             "incl_description": 1, "incl_poster": 0, "incl_url": 0, "incl_pmslink": 0, **_PROVIDERS},
    "plex": {"hosts": "", "username": "", "password": "", "display_time": 5, "image": ""},
    "plexmobileapp": {"user_ids": [], "tap_action": "preplay"},
    "prowl": {"key": "", "priority": 0},
    "pushbullet": {"api_key": "", "device_id": "", "channel_tag": "", "incl_subject": 1, "incl_poster": 0},
    "pushover": {"api_token": "", "key": "", "html_support": 1, "sound": "", "priority": 0, "retry": 30,
                 "expire": 3600, "incl_url": 1, "incl_subject": 1, "incl_poster": 0, **_PROVIDERS},
    "remoteapp": {"device_id": "", "priority": 3, "notification_type": 0},
    "scripts": {"script_folder": "", "script": "", "timeout": 30},
    "slack": {"hook": "", "channel": "", "username": "", "icon_emoji": "", "color": "", "incl_subject": 1,
              "incl_card": 0, "incl_description": 1, "incl_thumbnail": 0, "incl_pmslink": 0, **_PROVIDERS},
    "telegram": {"bot_token": "", "chat_id": "", "disable_web_preview": 0, "silent_notification": 0,
                 "html_support": 1, "incl_subject": 1, "incl_poster": 0},
    "twitter": {"access_token": "", "access_token_secret": "", "consumer_key": "", "consumer_secret": "",
                "incl_subject": 1, "incl_poster": 0},
    "webhook": {"hook": "", "method": "POST"},
    "xbmc": {"hosts": "", "username": "", "password": "", "display_time": 5, "image": ""},
    "zapier": {"hook": "", **_PROVIDERS},
})
