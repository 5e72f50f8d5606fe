"""Writing the plays: the three history tables, the notification log and the streams still playing."""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Sequence
from typing import Any

from plexpy.db import schema
from plexpy.generate.constants import (
    _CHUNK,
    _DECISIONS,
    _QUALITY,
    _SOURCES,
    DAY,
    Progress,
)
from plexpy.generate.load import _columns, _flush, _insert_sql
from plexpy.generate.state import _BuilderState


class _HistoryMixin(_BuilderState):
    """Writes the drawn plays as history rows and a few live sessions."""

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
