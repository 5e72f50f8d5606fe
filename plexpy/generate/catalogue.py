"""The catalogue and the people: library items and metadata, users, devices and library rows."""

from __future__ import annotations

from typing import Any

from plexpy.generate.constants import (
    _FIRST,
    _GENRES,
    _LAST,
    _LIBRARIES,
    _PLAYERS,
    _WORDS,
    DAY,
    PMS_IDENTIFIER,
)
from plexpy.generate.state import _BuilderState, _cumulative


class _CatalogueMixin(_BuilderState):
    """Draws the items, the users with their devices and the ``library_sections`` rows."""

    # -- catalogue ---------------------------------------------------------------------------------------
    def _item(self, section: int, media_type: str, rk: int, parent: Any, grand: Any, title: str, ptitle: str,
              gtitle: str, index: Any, pindex: Any, ms: int, source: int, live: int = 0) -> None:
        rng = self.rng
        added = self.now - rng.randrange(30 * DAY, 900 * DAY)
        year = rng.randrange(1950, 2026)
        full = f"{gtitle} - {title}" if gtitle else title
        thumb = f"/library/metadata/{rk}/thumb/{added}"
        self.items.append((rk, parent, grand, media_type if media_type != "live" else "episode", section, ms, source))
        channel = ("KZXA", f"ch{rk % 7}", "tv.plex.xmltv", "KZXA HD", "", "7.1") if live else ("",) * 6
        self.meta.append((
            rk, parent, grand, title, ptitle, gtitle, "", full, index, pindex, thumb,
            f"/library/metadata/{parent}/thumb/{added}" if parent != "" else "",
            f"/library/metadata/{grand}/thumb/{added}" if grand != "" else "",
            f"/library/metadata/{grand or rk}/art/{added}", media_type if media_type != "live" else "episode",
            year, f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}", added, added + 2 * DAY, "",
            rng.choice(("PG", "PG-13", "R", "TV-14", "TV-Y", "")), f"A story about {self.title(2).lower()}.", "",
            f"{rng.randrange(10, 100) / 10:.1f}", ms, f"plex://{media_type}/{self.hexid()}",
            f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
            ";".join(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(3)), rng.choice(_GENRES),
            "Studio " + rng.choice(_WORDS), "", live, *channel,
            int(ms * 0.95) if media_type == "episode" else None, int(ms * 0.95) if media_type == "episode" else None,
        ))

    def catalogue(self) -> None:
        rng = self.rng
        scale = max(1.0, self.sessions / 4000)
        rk = 1000
        for section, _name, _stype, _agent, played, share, *_ in _LIBRARIES:
            if not played or not share:
                continue
            first = len(self.items)
            if played == "movie":
                for _ in range(max(20, int(200 * share * scale**0.6))):
                    rk += 1
                    self._item(section, "movie", rk, "", "", self.title(rng.randrange(1, 4)), "", "", "", "",
                               rng.randrange(80, 170) * 60_000, 0 if section == 5 else rng.randrange(1, 4))
            elif played == "episode":
                for _ in range(max(4, int(30 * share * scale**0.5))):
                    rk += 1
                    show, show_title = rk, self.title(2)
                    for season in range(1, rng.randrange(2, 6)):
                        rk += 1
                        parent = rk
                        for episode in range(1, rng.randrange(6, 13)):
                            rk += 1
                            self._item(section, "episode", rk, parent, show, f"Episode {episode}", f"Season {season}",
                                       show_title, episode, season, rng.randrange(20, 60) * 60_000, rng.randrange(1, 4))
            elif played == "track":
                for _ in range(max(5, int(60 * share * scale**0.5))):
                    rk += 1
                    artist, artist_name = rk, f"The {self.title(1)}s"
                    for album in range(1, rng.randrange(2, 4)):
                        rk += 1
                        parent, album_title = rk, self.title(2)
                        for track in range(1, rng.randrange(6, 14)):
                            rk += 1
                            self._item(section, "track", rk, parent, artist, self.title(2), album_title,
                                       artist_name, track, album, rng.randrange(150, 400) * 1000, rng.randrange(4, 6))
            else:  # live TV: programmes on a few channels
                for number in range(max(10, int(40 * scale**0.4))):
                    rk += 1
                    self._item(section, "live", rk, "", "", f"Episode {number}", "", f"{self.title(1)} Tonight",
                               number, "", rng.randrange(30, 120) * 60_000, 6, live=1)
            count = len(self.items) - first
            weights = [1 / (n + 1) ** 0.8 for n in range(count)]  # a few favourites, a long tail
            self.by_section[section] = (list(range(first, first + count)), list(_cumulative(weights)))

    # -- people ------------------------------------------------------------------------------------------
    def people(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """User rows (admin first; a few deleted) and device rows, each device tied to one user."""
        rng = self.rng
        sections = ";".join(str(row[0]) for row in _LIBRARIES if not row[8])
        user_rows, devices = [], []
        self.user_devices: list[list[int]] = []
        ids = rng.sample(range(1_000_000, 20_000_000), self.user_count)
        for n, user_id in enumerate(ids):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            username = f"{first}.{last}{n}".lower().replace(" ", "")
            friendly = rng.choice((None, "", f"Cousin {first}", f"{first} {last}")) if n else None
            token = self.hexid(20)
            user_rows.append((
                user_id, username, friendly, f"https://plex.tv/users/{self.hexid(16)}/avatar",
                rng.choice((None, "", f"https://images.example.org/avatars/{self.hexid(8)}.png")),
                f"{first} {last}", f"{username}@example.com", 1, int(n == 0), int(n < 3), 1, 0, rng.choice((0, 1)),
                1, int(n > 0 and rng.random() < 0.03), rng.choice((0, 1)), token if n == 0 else None,
                f"server-token-{token}", sections, "", "", "", "", "",
            ))
            mine = []
            for _ in range(rng.randrange(1, 5)):
                platform, product, version, pversion, profile, player, music = rng.choice(_PLAYERS)
                location = rng.choices(("lan", "wan", "cellular"), (5, 4, 1))[0]
                ip = (f"192.168.1.{rng.randrange(2, 250)}" if location == "lan"
                      else f"203.0.113.{rng.randrange(1, 255)}" if rng.random() < 0.8
                      else f"2001:db8:{rng.randrange(65536):x}::{rng.randrange(65536):x}")
                name = f"{player} ({first})" if rng.random() < 0.5 else player
                mine.append(len(devices))
                devices.append((ip, name, product, version, platform, pversion, profile, self.hexid(), location,
                                rng.choice((1, 1, 0)), int(location != "lan" and rng.random() < 0.1), music))
            self.user_devices.append(mine)
        self.user_weights = list(_cumulative([1 / (n + 1) ** 0.7 for n in range(self.user_count)]))
        return user_rows, devices

    def libraries(self) -> list[tuple[Any, ...]]:
        """``library_sections`` rows with item counts from the catalogue."""
        rows = []
        for section, name, stype, agent, played, _share, active, keep, deleted in _LIBRARIES:
            mine = [it for it in self.items if it[4] == section]
            if played in ("episode", "track"):
                counts: tuple[Any, ...] = (len({it[2] for it in mine}), len({it[1] for it in mine}), len(mine))
            elif played == "movie":
                counts = (len(mine), None, None)
            else:
                counts = (None, None, None) if section == 999999 else (self.rng.randrange(5, 80), None, None)
            thumb = "interfaces/default/images/libraries/live.png" if stype == "live" else f"/:/resources/{stype}.png"
            rows.append((PMS_IDENTIFIER, section, name, stype, agent, thumb, "", thumb.replace(".png", "-fanart.jpg"),
                         "", *counts, active, 1, 1, keep, deleted))
        return rows
