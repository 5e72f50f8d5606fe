"""Build a realistic Tautulli v2.17.2 database of any size, deterministically from a seed.

The schema comes from ``plexpy.db.schema`` (``metadata.create_all`` + ``seed_fresh``), so the file is what a
fresh Tautulli would hold after months of use: users with their devices, the libraries (Live TV ``999999``
included), 18 months of plays with evening and weekend peaks, movies, episodes, tracks and live TV, resumed
plays grouped by ``reference_id``, the three history tables with equal ids, a few streams still playing, the
notification log and the lookup tables. Every value comes from one ``random.Random(seed)``: the same seed and
size give the same file, byte for byte. Titles and names include quotes, ``%``, ``_``, a backslash and
non-ASCII text on purpose. Nothing is copied from Tautulli.

Rows are written with ``executemany`` in one transaction with ``synchronous=OFF`` and no journal; the history
indexes are created after the load (same DDL), and the file is left in WAL mode, as Tautulli leaves it.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import random
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import create_engine

from plexpy.db import schema
from plexpy.db.fresh import seed_fresh
from plexpy.db.perf_indexes import PERF_INDEXES, create_sql

__all__ = ["ANCHOR", "PMS_IDENTIFIER", "GenerateResult", "Progress", "generate"]

#: A progress callback: (phase, history rows written so far).
Progress = Callable[[str, int], None]

#: The default "now" of a generated database: 2026-01-15 12:00:00 UTC, the anchor of the bundled sample.
ANCHOR = 1_768_478_400
#: The server identifier written to ``library_sections.server_id`` (the recorded sample's value).
PMS_IDENTIFIER = "5f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"
DAY = 86_400
_CHUNK = 20_000

# section_id, name, section_type, agent, media type played, share of plays, is_active, keep_history, deleted
_LIBRARIES = (
    (1, "Movies", "movie", "tv.plex.agents.movie", "movie", 0.17, 1, 1, 0),
    (2, "TV Shows", "show", "tv.plex.agents.series", "episode", 0.38, 1, 1, 0),
    (3, "Music", "artist", "tv.plex.agents.music", "track", 0.2, 1, 1, 0),
    (4, "Photos", "photo", "com.plexapp.agents.none", None, 0.0, 1, 1, 0),
    (5, "4K Movies", "movie", "tv.plex.agents.movie", "movie", 0.05, 1, 1, 0),
    (6, "Anime", "show", "tv.plex.agents.series", "episode", 0.13, 1, 1, 0),
    (7, "Home Videos", "movie", "com.plexapp.agents.none", "movie", 0.02, 1, 0, 0),
    (8, "Audiobooks", "artist", "tv.plex.agents.music", "track", 0.01, 1, 0, 1),
    (999999, "Live TV", "live", "", "live", 0.04, 1, 1, 0),
)
_WORDS = (
    "Silent", "Canyon", "Voyage", "Crown", "Echo", "Harbor", "Lantern", "Frontier", "Garden", "Winter", "Signal",
    "Orbit", "River", "Shadow", "Summit", "Atlas", "Ember", "Meridian", "Tide", "Compass", "Iron", "Glass",
    "Amélie", "Ça", "Über", "Łódź", "東京", "物語", "Señor", "Ørsted", "Café", "Naïve",
    "Bob's", '"Quoted"', "100%", "50%_Off", "snake_case", "back\\slash", "O'Brien", "Rock & Roll",
)
_FIRST = ("Ana", "Morgan", "Rowan", "Aoife", "Mei", "Yuki", "Jordan", "Skyler", "Parker", "Harper", "Ingrid",
          "Zoë", "Łukasz", "José", "Noël", "Fatima", "Nikolai", "Avery", "Taylor", "Jamie", "Robin", "Sam")
_LAST = ("Hart", "Shaw", "Müller", "Dubois", "Wolfe", "Webb", "Stone", "Vance", "Reed", "Blake", "Ivanova",
         "O'Neil", "García", "Nash", "Hale", "Kim", "Sato", "Singh", "Ward", "Lee_", "100%Fan")
_GENRES = ("Drama", "Comedy", "Action", "Documentary", "Romance", "Thriller", "Animation", "Sci-Fi", "Horror")
# platform, product, product_version, platform_version, profile, player, music only
_PLAYERS = (
    ("Android", "Plex for Android (TV)", "10.6.2.4044", "11", "Android", "SHIELD Android TV", False),
    ("Roku", "Plex for Roku", "8.2.1.3010", "12.0.0", "Roku-7.x", "Roku Ultra", False),
    ("Chrome", "Plex Web", "4.118.0", "120.0", "Web", "Chrome", False),
    ("Safari", "Plex Web", "4.118.0", "17.2", "Web", "Safari", False),
    ("iOS", "Plex for iOS", "2024.9.1", "17.5", "iOS", "iPhone", False),
    ("tvOS", "Plex for Apple TV", "8.31", "17.2", "tvOS", "Apple TV", False),
    ("webOS", "Plex for LG", "1.40.0", "6.3.0", "webOS", "LG OLED65C1", False),
    ("Windows", "Plex for Windows", "1.86.1.4525", "10.0.22631", "Windows", "DESKTOP-PC", False),
    ("Tizen", "Plex for Samsung", "2.022.0", "6.0", "Tizen", "Samsung QN90", False),
    ("Playstation 4", "Plex for PlayStation 4", "4.1.2", "11.00", "PlayStation", "PS4", False),
    ("macOS", "Plexamp", "4.10.1", "14.2", "macOS", "Studio Mac (Plexamp)", True),
    ("Android", "Plexamp", "4.10.1", "14", "Android", "Pixel 8 (Plexamp)", True),
)
# Local hour weights: quiet nights, a lunchtime bump, the evening peak around 20:00-21:00.
_HOURS = (1.0, 0.6, 0.4, 0.3, 0.2, 0.2, 0.3, 0.6, 0.8, 1.0, 1.1, 1.2, 1.4, 1.4, 1.4, 1.6, 2.0, 2.6, 3.6, 5.0,
          5.6, 5.2, 3.8, 2.2)
# container, bitrate, width, height, video codec, resolution, full resolution, dynamic range, audio codec, channels
_SOURCES = (
    ("mkv", 42000, 3840, 2160, "hevc", "4k", "4k", "HDR", "truehd", 8),
    ("mkv", 12000, 1920, 1080, "h264", "1080", "1080p", "SDR", "eac3", 6),
    ("mp4", 5800, 1280, 720, "h264", "720", "720p", "SDR", "aac", 2),
    ("avi", 1400, 720, 406, "mpeg4", "sd", "SD", "SDR", "mp3", 2),
    ("flac", 1020, "", "", "", "", "", "", "flac", 2),
    ("mp3", 320, "", "", "", "", "", "", "mp3", 2),
    ("mpegts", 9000, 1920, 1080, "h264", "1080", "1080i", "SDR", "ac3", 6),
)
_DECISIONS = ("direct play", "copy", "transcode")
_QUALITY = ("Original", "12 Mbps 1080p", "8 Mbps 1080p", "4 Mbps 720p", "2 Mbps 720p", "1.5 Mbps 480p")


@dataclass(frozen=True, slots=True)
class GenerateResult:
    """What :func:`generate` built."""

    path: Path
    seed: int
    sessions: int
    plays: int
    users: int
    items: int
    now: int
    tz: str
    seconds: float
    counts: Mapping[str, int]


def _columns(table: Any) -> tuple[str, ...]:
    return tuple(table.c.keys())


def _insert_sql(table: Any, columns: Sequence[str]) -> str:
    return f'INSERT INTO {table.name} ({", ".join(columns)}) VALUES ({", ".join("?" for _ in columns)})'


class _Builder:
    """Draws the catalogue, the users and the plays from one seeded ``random.Random``."""

    def __init__(self, seed: int, sessions: int, now: int, tz: str, months: int, users: int | None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.sessions = sessions
        self.now = now
        self.zone = ZoneInfo(tz)
        self.span_days = max(1, round(months * 30.44))
        self.user_count = users or max(10, min(500, round(sessions**0.5)))
        self.items: list[tuple[Any, ...]] = []  # (rating_key, parent, grandparent, media_type, section, ms, source)
        self.meta: list[tuple[Any, ...]] = []   # metadata row without its id
        self.by_section: dict[int, tuple[list[int], list[float]]] = {}

    # -- words -------------------------------------------------------------------------------------------
    def title(self, words: int = 2) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(words))

    def hexid(self, size: int = 24) -> str:
        return "%0*x" % (size, self.rng.getrandbits(size * 4))  # noqa: UP031 - fixed-width hex

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

    # -- plays -------------------------------------------------------------------------------------------
    def _day_starts(self) -> list[int]:
        """Epoch of local midnight for each day of the history window (oldest first), and weekend flags."""
        last = datetime.fromtimestamp(self.now, UTC).astimezone(self.zone).date()
        starts, self.weekend = [], []
        for back in range(self.span_days, -1, -1):
            day = last - timedelta(days=back)
            starts.append(int(datetime(day.year, day.month, day.day, tzinfo=self.zone).timestamp()))
            self.weekend.append(day.weekday() >= 5)
        return starts

    def plays(self, devices: Sequence[tuple[Any, ...]]) -> None:
        """Draw plays until ``sessions`` history rows exist: per-session and per-play columns as arrays."""
        rng, now = self.rng, self.now
        starts = self._day_starts()
        hours = list(_cumulative(_HOURS))
        shares = [row for row in _LIBRARIES if row[5]]
        section_weights = list(_cumulative([row[5] for row in shares]))
        self.s_started, self.s_stopped, self.s_paused = array("q"), array("q"), array("q")
        self.s_offset, self.s_play = array("q"), array("q")
        self.p_user, self.p_dev, self.p_item, self.p_combo = array("q"), array("q"), array("q"), array("q")
        self.p_quality = array("b")
        total = 0
        while total < self.sessions:
            user = bisect.bisect(self.user_weights, rng.random() * self.user_weights[-1])
            section = shares[bisect.bisect(section_weights, rng.random() * section_weights[-1])][0]
            pool, weights = self.by_section[section]
            item = pool[bisect.bisect(weights, rng.random() * weights[-1])]
            _rk, _p, _g, media_type, _s, ms, source = self.items[item]
            candidates = [d for d in self.user_devices[user] if devices[d][11] == (media_type == "track")]
            device = rng.choice(candidates or self.user_devices[user])
            day = int(self.span_days * rng.random() ** 0.8)
            while not self.weekend[day] and rng.random() < 0.25:
                day = int(self.span_days * rng.random() ** 0.8)
            start = starts[day] + bisect.bisect(hours, rng.random() * hours[-1]) * 3600 + rng.randrange(3600)
            segments = 1 if media_type == "track" or section == 999999 else rng.choices((1, 2, 3), (80, 15, 5))[0]
            watched = int(ms * (rng.uniform(0.9, 1.0) if rng.random() < 0.7 else rng.uniform(0.05, 0.9)))
            cuts = sorted(rng.randrange(watched) for _ in range(segments - 1)) if watched else [0] * (segments - 1)
            bounds = [0, *cuts, watched]
            play, moment = len(self.p_user), start
            for part in range(segments):
                length = (bounds[part + 1] - bounds[part]) // 1000
                paused = 0 if rng.random() < 0.6 else rng.randrange(max(1, length // 10))
                stopped = moment + length + paused
                if stopped >= now - 60 or total >= self.sessions:
                    break
                self.s_started.append(moment)
                self.s_stopped.append(stopped)
                self.s_paused.append(paused)
                self.s_offset.append(bounds[part + 1])
                self.s_play.append(play)
                total += 1
                moment = stopped + rng.randrange(300, 3 * DAY)
            if len(self.s_play) and self.s_play[-1] == play:
                decision = rng.choices((0, 1, 2), (3, 1, 2) if source == 0 else (6, 2, 2))[0]
                self.p_user.append(user)
                self.p_dev.append(device)
                self.p_item.append(item)
                self.p_combo.append(source * 3 + decision)
                self.p_quality.append(0 if decision < 2 else rng.randrange(1, len(_QUALITY)))


    # -- writing -----------------------------------------------------------------------------------------
    def history(self, conn: sqlite3.Connection, users: Sequence[tuple[Any, ...]],
                devices: Sequence[tuple[Any, ...]], report: Progress) -> int:
        """Write the three history tables (ids in stop order, equal across tables) and the notification log."""
        rng = self.rng
        tails = [_media_tail(source, decision) for source in range(len(_SOURCES)) for decision in range(3)]
        hist_sql = _insert_sql(schema.session_history, _columns(schema.session_history))
        meta_sql = _insert_sql(schema.session_history_metadata, _columns(schema.session_history_metadata))
        media_sql = _insert_sql(schema.session_history_media_info, _columns(schema.session_history_media_info))
        notify_columns = _columns(schema.notify_log)[1:]
        notify_sql = _insert_sql(schema.notify_log, notify_columns)
        order = sorted(range(len(self.s_play)), key=self.s_stopped.__getitem__)
        first_id = array("q", bytes(8 * len(self.p_user)))
        hist: list[tuple[Any, ...]] = []
        meta: list[tuple[Any, ...]] = []
        media: list[tuple[Any, ...]] = []
        notes: list[tuple[Any, ...]] = []
        for new_id, index in enumerate(order, 1):
            play = self.s_play[index]
            reference = first_id[play] or new_id
            first_id[play] = reference
            item = self.p_item[play]
            rk, parent, grand, media_type, section, ms, _source = self.items[item]
            user_id, username = users[self.p_user[play]][:2]
            ip, player, product, version, platform, pversion, profile, machine, location, secure, relayed, _m = (
                devices[self.p_dev[play]])
            started, stopped = self.s_started[index], self.s_stopped[index]
            hist.append((new_id, reference, started, stopped, rk, user_id, username, ip, self.s_paused[index], player,
                         product, version, platform, pversion, profile, machine, 1000 + (rk * 37) % 20000, location,
                         _QUALITY[self.p_quality[play]], secure, relayed, parent, grand, media_type, section,
                         self.s_offset[index]))
            meta.append((new_id, *self.meta[item]))
            before, after = tails[self.p_combo[play]]
            media.append((new_id, rk, *before, ms, *after))
            if rng.random() < 0.3:
                for when, action in ((started, "on_play"), (stopped, "on_stop")):
                    notes.append((when, new_id % 9000 + 1, rk, parent, grand, user_id, username, 1, 20, "discord",
                                  action, "Tautulli", f"{username} ({player}) {action[3:]} {self.meta[item][7]}.",
                                  "[]", 1, None, ""))
            if len(hist) >= _CHUNK:
                _flush(conn, ((hist_sql, hist), (meta_sql, meta), (media_sql, media), (notify_sql, notes)))
                report("history", new_id)
        _flush(conn, ((hist_sql, hist), (meta_sql, meta), (media_sql, media), (notify_sql, notes)))
        return len(order)

    def live_sessions(self, conn: sqlite3.Connection, users: Sequence[tuple[Any, ...]],
                      devices: Sequence[tuple[Any, ...]]) -> None:
        """A few streams still playing at ``now`` (``sessions``), and ``sessions_continued`` markers."""
        rng = self.rng
        rows, continued = [], []
        for key in range(rng.randrange(3, 9)):
            user = rng.randrange(len(users))
            device = devices[rng.choice(self.user_devices[user])]
            item = rng.randrange(len(self.items))
            rk, parent, grand, media_type, section, ms, _source = self.items[item]
            meta = self.meta[item]
            started = self.now - rng.randrange(60, 3600)
            offset = min(ms, (self.now - started) * 1000)
            friendly = users[user][2] or users[user][1]
            rows.append({
                "session_key": 5000 + key, "session_id": self.hexid(), "rating_key": rk, "section_id": section,
                "media_type": media_type, "started": started, "paused_counter": 0,
                "state": rng.choice(("playing", "paused", "buffering")), "user_id": users[user][0],
                "user": users[user][1], "friendly_name": friendly, "ip_address": device[0], "machine_id": device[7],
                "bandwidth": 9000, "location": device[8], "player": device[1], "product": device[2],
                "platform": device[4], "title": meta[3], "parent_title": meta[4], "grandparent_title": meta[5],
                "full_title": meta[7], "media_index": meta[8], "parent_media_index": meta[9], "thumb": meta[10],
                "year": meta[15], "parent_rating_key": parent, "grandparent_rating_key": grand, "guid": meta[25],
                "view_offset": offset, "duration": ms, "transcode_decision": "direct play", "live": meta[32],
                "secure": device[9], "relayed": device[10], "raw_stream_info": json.dumps({"rating_key": str(rk)}),
                "rating_key_websocket": str(rk),
            })
            continued.append((users[user][0], device[7], media_type, started - rng.randrange(DAY, 30 * DAY)))
        columns = list(rows[0])
        conn.executemany(_insert_sql(schema.sessions, columns), [tuple(r[c] for c in columns) for r in rows])
        conn.executemany("INSERT OR IGNORE INTO sessions_continued (user_id, machine_id, media_type, stopped) "
                         "VALUES (?, ?, ?, ?)", continued)


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

    def extras(self, conn: sqlite3.Connection, users: Sequence[tuple[Any, ...]]) -> None:
        """Notifiers, recently added items, lookups, image hashes and web logins."""
        rng = self.rng
        conn.executemany(
            "INSERT INTO notifiers (agent_id, agent_name, agent_label, friendly_name, notifier_config, on_play, "
            "on_stop, on_play_subject, on_play_body, custom_conditions, custom_conditions_logic) "
            "VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?)",
            [(20, "discord", "Discord", "Discord - everything", json.dumps({"hook": "https://discord.invalid/x"}),
              "Tautulli ({server_name})", "{user} ({player}) started playing {title}.", "[]", ""),
             (25, "webhook", "Webhook", "Webhook 'quoted' 100%", json.dumps({"hook": "https://hooks.invalid/t"}),
              "", "", json.dumps([{"parameter": "media_type", "operator": "is", "value": ["movie"],
                                   "type": "str"}]), "")])
        recent = [it for it, meta in zip(self.items, self.meta, strict=True) if meta[17] > self.now - 60 * DAY][:500]
        conn.executemany(
            "INSERT INTO recently_added (added_at, pms_identifier, section_id, rating_key, parent_rating_key, "
            "grandparent_rating_key, media_type, media_info) VALUES (?, '', ?, ?, ?, ?, ?, ?)",
            [(self.now - rng.randrange(60 * DAY), it[4], it[0], it[1], it[2], it[3],
              json.dumps([{"id": str(it[0] * 10), "container": _SOURCES[it[6]][0], "parts": []}])) for it in recent])
        lookups, mdb, tvmaze, music, hashes = set(), [], [], [], []
        for rk, _parent, grand, media_type, *_ in self.items[:: max(1, len(self.items) // 400)]:
            key = grand or rk
            if key in lookups:
                continue
            lookups.add(key)
            if media_type == "track":
                mbid = hashlib.md5(str(key).encode(), usedforsecurity=False).hexdigest()
                music.append((key, mbid, f"https://musicbrainz.org/artist/{mbid}", "artist", json.dumps({"id": mbid})))
            else:
                tmdb = rng.randrange(1000, 900_000)
                kind = "tv" if media_type == "episode" else "movie"
                mdb.append((key, None, f"tt{tmdb:07d}", tmdb, f"https://www.themoviedb.org/{kind}/{tmdb}",
                            json.dumps({"id": tmdb})))
                if media_type == "episode":
                    show = tmdb // 7
                    tvmaze.append((key, tmdb + 1, f"tt{tmdb:07d}", show, f"https://www.tvmaze.com/shows/{show}",
                                   json.dumps({"id": show})))
            img = f"/library/metadata/{key}/thumb"
            hashes.append((hashlib.sha256(img.encode()).hexdigest(), img, key, 1000, 1500, 100, "000000", 0, "poster"))
        conn.executemany("INSERT INTO themoviedb_lookup (rating_key, thetvdb_id, imdb_id, themoviedb_id, "
                         "themoviedb_url, themoviedb_json) VALUES (?, ?, ?, ?, ?, ?)", mdb)
        conn.executemany("INSERT INTO tvmaze_lookup (rating_key, thetvdb_id, imdb_id, tvmaze_id, tvmaze_url, "
                         "tvmaze_json) VALUES (?, ?, ?, ?, ?, ?)", tvmaze)
        conn.executemany("INSERT INTO musicbrainz_lookup (rating_key, musicbrainz_id, musicbrainz_url, "
                         "musicbrainz_type, musicbrainz_json) VALUES (?, ?, ?, ?, ?)", music)
        conn.executemany("INSERT INTO image_hash_lookup (img_hash, img, rating_key, width, height, opacity, "
                         "background, blur, fallback) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", hashes)
        conn.executemany("INSERT INTO imgur_lookup (img_hash, imgur_title, imgur_url, delete_hash) VALUES (?, ?, ?, ?)",
                         [(h[0], f"Poster {h[2]}", f"https://i.imgur.com/{h[0][:7]}.png", h[0][-15:])
                          for h in hashes[::3]])
        conn.executemany("INSERT INTO cloudinary_lookup (img_hash, cloudinary_title, cloudinary_url) VALUES (?, ?, ?)",
                         [(h[0], f"Poster {h[2]}", f"http://res.cloudinary.com/example/image/upload/v1/{h[2]}.png")
                          for h in hashes[1::3]])
        logins = []
        for user_id, username, *_ in users[: min(len(users), 50)]:
            for _ in range(rng.randrange(1, 4)):
                when = self.now - rng.randrange(540 * DAY)
                logins.append((when, user_id, username, "admin" if user_id == users[0][0] else "guest",
                               f"192.168.1.{rng.randrange(2, 250)}", "http://tautulli.example.invalid:8181",
                               "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", 1,
                               datetime.fromtimestamp(when + DAY, UTC).isoformat(), ""))
        conn.executemany("INSERT INTO user_login (timestamp, user_id, user, user_group, ip_address, host, user_agent, "
                         "success, expiry, jwt_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", logins)


def _cumulative(weights: Sequence[float]) -> Iterator[float]:
    running = 0.0
    for weight in weights:
        running += weight
        yield running


def _media_tail(source: int, decision: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """``session_history_media_info`` values around ``duration`` for one source file and stream decision."""
    container, bitrate, width, height, vcodec, res, full, dyn, acodec, channels = _SOURCES[source]
    video = vcodec != ""
    verdict = _DECISIONS[decision]
    transcode = decision == 2
    out_res, out_w, out_h = ("720", 1280, 720) if transcode else (res, width, height)
    stream_bitrate = 4000 if transcode and video else 320 if transcode else bitrate
    acodec_out = "aac" if transcode else acodec
    row = {
        "video_decision": verdict if video else "", "audio_decision": verdict, "transcode_decision": verdict,
        "container": container, "bitrate": bitrate, "width": width, "height": height,
        "video_bitrate": int(bitrate * 0.9) if video else "", "video_bit_depth": (10 if dyn == "HDR" else 8) if video
        else "", "video_codec": vcodec, "video_codec_level": 51 if video else "", "video_width": width,
        "video_height": height, "video_resolution": res, "video_framerate": "24p" if video else "",
        "video_scan_type": ("interlaced" if full.endswith("i") else "progressive") if video else "",
        "video_full_resolution": full, "video_dynamic_range": dyn, "aspect_ratio": "1.78" if video else "",
        "audio_bitrate": 640 if channels > 2 else 320, "audio_codec": acodec, "audio_channels": channels,
        "audio_language": "English", "audio_language_code": "eng", "subtitles": int(video and decision == 2),
        "subtitle_codec": "srt" if video and decision == 2 else "", "subtitle_forced": 0,
        "subtitle_language": "Français" if video and decision == 2 else "",
        "transcode_protocol": "hls" if transcode else "", "transcode_container": "mpegts" if transcode else "",
        "transcode_video_codec": "h264" if transcode and video else "",
        "transcode_audio_codec": acodec_out if transcode else "", "transcode_audio_channels": 2 if transcode else "",
        "transcode_width": out_w if transcode else "", "transcode_height": out_h if transcode else "",
        "transcode_hw_requested": int(transcode), "transcode_hw_full_pipeline": 0,
        "transcode_hw_decode": "vaapi" if transcode else "", "transcode_hw_decode_title": "VAAPI" if transcode else "",
        "transcode_hw_decoding": int(transcode), "transcode_hw_encode": "vaapi" if transcode else "",
        "transcode_hw_encode_title": "VAAPI" if transcode else "", "transcode_hw_encoding": int(transcode),
        "stream_container": "mpegts" if transcode else container,
        "stream_container_decision": "transcode" if transcode else verdict, "stream_bitrate": stream_bitrate,
        "stream_video_decision": verdict if video else "",
        "stream_video_bitrate": int(stream_bitrate * 0.9) if video else "",
        "stream_video_codec": ("h264" if transcode else vcodec) if video else "",
        "stream_video_codec_level": 41 if video else "", "stream_video_bit_depth": 8 if video else "",
        "stream_video_height": out_h, "stream_video_width": out_w, "stream_video_resolution": out_res,
        "stream_video_framerate": "24p" if video else "", "stream_video_scan_type": "progressive" if video else "",
        "stream_video_full_resolution": f"{out_res}p" if video and out_res.isdigit() else full,
        "stream_video_dynamic_range": "SDR" if video else "", "stream_audio_decision": verdict,
        "stream_audio_codec": acodec_out, "stream_audio_bitrate": 192 if transcode else 640 if channels > 2 else 320,
        "stream_audio_channels": 2 if transcode else channels, "stream_audio_language": "English",
        "stream_audio_language_code": "eng", "stream_subtitle_decision": "burn" if video and decision == 2 else "",
        "stream_subtitle_codec": "srt" if video and decision == 2 else "", "stream_subtitle_container": "",
        "stream_subtitle_forced": 0, "stream_subtitle_language": "Français" if video and decision == 2 else "",
        "synced_version": 0, "synced_version_profile": "", "optimized_version": 0, "optimized_version_profile": "",
        "optimized_version_title": "",
    }
    columns = _columns(schema.session_history_media_info)
    return tuple(row[c] for c in columns[2:5]), tuple(row[c] for c in columns[6:])


def _flush(conn: sqlite3.Connection, batches: Sequence[tuple[str, list[tuple[Any, ...]]]]) -> None:
    for sql, rows in batches:
        if rows:
            conn.executemany(sql, rows)
            rows.clear()


def _create_schema(path: Path) -> None:
    """An empty Tautulli v2.17.2 database: the project's schema and a fresh install's rows."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            schema.metadata.create_all(conn)
            seed_fresh(conn)
    finally:
        engine.dispose()


_BULK_TABLES = ("session_history", "session_history_metadata", "session_history_media_info", "notify_log")


def generate(
    out: str | Path,
    *,
    sessions: int = 10_000,
    seed: int = 42,
    now: int = ANCHOR,
    tz: str = "UTC",
    months: int = 18,
    users: int | None = None,
    overwrite: bool = False,
    with_indexes: bool = False,
    progress: Progress | None = None,
) -> GenerateResult:
    """Build a database of ``sessions`` history rows at ``out``.

    Args:
        out: the file to create.
        sessions: ``session_history`` rows (a resumed play is several rows sharing a ``reference_id``).
        seed: the seed of the one ``random.Random`` every value comes from.
        now: the epoch the history ends at (a few streams are still playing then).
        tz: the zone whose evenings and weekends the plays follow.
        months: how far back the history goes.
        users: how many users (default: grows with the square root of ``sessions``, 10 to 500).
        overwrite: replace an existing file instead of refusing.
        with_indexes: also create the project's performance indexes (revision 0016, ``plexpy.db.perf_indexes``),
            as ``tautulli-db migrate`` would; without, the file has Tautulli's own indexes only.
        progress: called with (phase, history rows written so far) while building.

    Raises:
        FileExistsError: ``out`` exists and ``overwrite`` is false.
        ValueError: a negative size, an empty history window or an unknown time zone.
    """
    started = time.perf_counter()
    path = Path(out)
    if sessions < 0 or months < 1 or (users is not None and users < 1):
        raise ValueError("sessions must be >= 0, months and users >= 1")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists (pass overwrite=True to replace it)")
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    report = progress or (lambda _phase, _done: None)
    report("catalogue", 0)
    _create_schema(path)
    builder = _Builder(seed, sessions, now, tz, months, users)
    builder.catalogue()
    user_rows, devices = builder.people()
    report("plays", 0)
    builder.plays(devices)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -262144", "temp_store = MEMORY"):
            conn.execute(f"PRAGMA {pragma}")
        marks = ", ".join("?" for _ in _BULK_TABLES)
        indexes = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                               f"AND tbl_name IN ({marks}) ORDER BY name", _BULK_TABLES).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("BEGIN")
        conn.executemany(_insert_sql(schema.library_sections, _columns(schema.library_sections)[1:]),
                         builder.libraries())
        conn.executemany(_insert_sql(schema.users, _columns(schema.users)[1:]), user_rows)
        written = builder.history(conn, user_rows, devices, report)
        builder.live_sessions(conn, user_rows, devices)
        builder.extras(conn, user_rows)
        conn.execute("COMMIT")
        report("indexes", written)
        for _name, sql in indexes:
            conn.execute(sql)
        if with_indexes:
            for name, table, columns in PERF_INDEXES:
                conn.execute(create_sql(name, table, columns))
        conn.execute("PRAGMA journal_mode = WAL")
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()
    return GenerateResult(path=path, seed=seed, sessions=written, plays=len(builder.p_user),
                          users=len(user_rows), items=len(builder.items), now=now, tz=tz,
                          seconds=time.perf_counter() - started, counts=counts)
