"""The extras: notifiers, recently added items, lookup tables, image hashes and web logins."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from plexpy.generate.constants import (
    _SOURCES,
    DAY,
)
from plexpy.generate.state import _BuilderState


class _ExtrasMixin(_BuilderState):
    """Writes the tables around the history."""

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

