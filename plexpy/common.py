"""Constants of Tautulli's data layer: default images and platform name tables."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "DEFAULT_ART",
    "DEFAULT_COVER_THUMB",
    "DEFAULT_POSTER_THUMB",
    "DEFAULT_USER_THUMB",
    "PLATFORM_NAMES",
    "PLATFORM_NAME_OVERRIDES",
    "platform_display",
    "platform_icon",
]

DEFAULT_USER_THUMB = "interfaces/default/images/gravatar-default-80x80.png"
DEFAULT_POSTER_THUMB = "interfaces/default/images/poster.png"
DEFAULT_COVER_THUMB = "interfaces/default/images/cover.png"
DEFAULT_ART = "interfaces/default/images/art.png"

#: Raw platform names Plex reports → the names Tautulli shows.
PLATFORM_NAME_OVERRIDES: Mapping[str, str] = MappingProxyType({
    "Konvergo": "Plex Media Player",
    "Mystery 3": "Playstation 3",
    "Mystery 4": "Playstation 4",
    "Mystery 5": "Xbox 360",
    "WebMAF": "Playstation 4",
    "windows": "Windows",
    "osx": "macOS",
    "macos": "macOS",
})

_ICONS = {
    "android": "android", "apple tv": "atv", "chrome": "chrome", "chromecast": "chromecast", "dlna": "dlna",
    "firefox": "firefox", "internet explorer": "ie", "ios": "ios", "ipad": "ios", "iphone": "ios", "kodi": "kodi",
    "linux": "linux", "nexus": "android", "macos": "macos", "microsoft edge": "msedge", "netcast": "lg",
    "opera": "opera", "osx": "macos", "playstation": "playstation", "plex home theater": "plex",
    "plex media player": "plex", "plexamp": "plexamp", "plextogether": "synclounge", "roku": "roku",
    "safari": "safari", "samsung": "samsung", "synclounge": "synclounge", "tivo": "tivo", "tizen": "samsung",
    "tvos": "atv", "vizio": "opera", "webos": "lg", "wiiu": "wiiu", "windows": "windows", "windows phone": "wp",
    "xbmc": "xbmc", "xbox": "xbox",
}
#: Substring of a platform name → icon name, longest-sorting key first (the first substring match wins).
PLATFORM_NAMES: Mapping[str, str] = MappingProxyType(dict(sorted(_ICONS.items(), reverse=True)))


def platform_display(platform: str | None) -> str | None:
    """The platform name Tautulli shows for a stored one."""
    return PLATFORM_NAME_OVERRIDES.get(platform, platform) if platform is not None else None


def platform_icon(platform: str) -> str:
    """The icon name of a (display) platform: first key contained in it, else ``default``."""
    lowered = platform.lower()
    return next((icon for key, icon in PLATFORM_NAMES.items() if key in lowered), "default")
