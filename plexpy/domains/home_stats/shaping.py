"""Pure functions both home_stats twins call: argument rules, row → card dict, peaks, library cards.

Everything that is not data access lives here once, so the shim compares queries and the oracle judges this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from plexpy import common, context
from plexpy.session_rules import GuestScope, mask_session_info

__all__ = [
    "CARDS",
    "CONCURRENT_DECISIONS",
    "LIVE_TV_ART",
    "LIVE_TV_ART_FULL",
    "MEDIA_CARDS",
    "StatsRequest",
    "card",
    "home_stats_result",
    "library_card",
    "library_section_ids",
    "library_stats_result",
    "most_concurrent",
    "peak_streams",
    "sqlite_bindable",
    "stats_request",
]

_INT64 = 2**63
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SQL_SPACE = " \t\n\r\f"
#: Tautulli's Live TV library art, and the smaller art it shows on the card instead.
LIVE_TV_ART_FULL = "interfaces/default/images/art-live-full.png"
LIVE_TV_ART = "interfaces/default/images/art-live.png"


@dataclass(frozen=True, slots=True)
class _MediaCard:
    media_type: str
    popular: bool
    title: str


#: The six item cards: which history ``media_type`` they count and whether they rank by distinct users.
MEDIA_CARDS: Mapping[str, _MediaCard] = {
    "top_movies": _MediaCard("movie", False, "Most Watched Movies"),
    "popular_movies": _MediaCard("movie", True, "Most Popular Movies"),
    "top_tv": _MediaCard("episode", False, "Most Watched TV Shows"),
    "popular_tv": _MediaCard("episode", True, "Most Popular TV Shows"),
    "top_music": _MediaCard("track", False, "Most Played Artists"),
    "popular_music": _MediaCard("track", True, "Most Popular Artists"),
}

_OTHER_TITLES: Mapping[str, str] = {
    "top_libraries": "Most Active Libraries",
    "top_users": "Most Active Users",
    "top_platforms": "Most Active Platforms",
    "last_watched": "Recently Watched",
    "most_concurrent": "Most Concurrent Streams",
}

#: Every card Tautulli knows; any other name in the card list is skipped silently.
CARDS: tuple[str, ...] = (*MEDIA_CARDS, *_OTHER_TITLES)

#: ``most_concurrent`` titles and the transcode decision each one counts (None: every stream).
CONCURRENT_DECISIONS: tuple[tuple[str, str | None], ...] = (
    ("Concurrent Streams", None),
    ("Concurrent Transcodes", "transcode"),
    ("Concurrent Direct Streams", "copy"),
    ("Concurrent Direct Plays", "direct play"),
)

_UNRANKED = ("popular_movies", "popular_tv", "popular_music", "last_watched", "most_concurrent")


def _cast_to_int(value: Any) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


def sqlite_bindable(value: Any) -> bool:
    """Whether SQLite accepts ``value`` as a bound parameter (else Tautulli's query fails)."""
    if isinstance(value, int):
        return -_INT64 <= value < _INT64
    return value is None or isinstance(value, (str, float, bytes))


@dataclass(frozen=True, slots=True)
class StatsRequest:
    """``get_home_stats`` arguments after Tautulli's rules."""

    cards: tuple[Any, ...]
    grouping: bool
    sort: str
    since: int
    start: int
    count: int
    section_id: Any
    user_id: Any
    fails: bool
    single: bool

    @property
    def limit(self) -> int | None:
        """Rows per card: SQLite treats a negative LIMIT as no limit."""
        return None if self.count < 0 else self.count

    @property
    def offset(self) -> int:
        """Rows skipped: SQLite treats a negative OFFSET as zero."""
        return max(self.start, 0)


def stats_request(grouping: Any, time_range: Any, stats_type: Any, stats_start: Any, stats_count: Any,
                  stat_id: Any, stats_cards: Any, section_id: Any, user_id: Any, before: Any,
                  after: Any) -> StatsRequest:
    """Apply Tautulli's argument rules.

    Any ``before``/``after`` makes every card's query fail (Tautulli quotes its placeholder, so SQLite sees a
    parameter-count mismatch): ``fails`` is then set. A lone ``before`` or ``after`` is still parsed as
    ``YYYY-MM-DD`` first, raising ``ValueError``/``TypeError`` as Tautulli does.

    Raises:
        ValueError: a lone ``before``/``after`` that is not a ``YYYY-MM-DD`` date.
        TypeError: a lone ``before``/``after`` that is not a string.
    """
    if before and not after:
        datetime.strptime(before, "%Y-%m-%d")  # parsed only to fail as Tautulli does
    if after and not before:
        datetime.strptime(after, "%Y-%m-%d")  # parsed only to fail as Tautulli does
    days = _cast_to_int(time_range)
    start, count = _cast_to_int(stats_start), _cast_to_int(stats_count)
    if stat_id:
        cards: Any = [stat_id]
    elif stats_cards is None:
        cards = context.config("HOME_STATS_CARDS")
    else:
        cards = stats_cards
    fails = bool(before or after)
    fails = fails or not all(sqlite_bindable(v) for v in (section_id, user_id, start, count))
    return StatsRequest(
        cards=tuple(cards),
        grouping=bool(context.config("GROUP_HISTORY_TABLES") if grouping is None else grouping),
        sort="total_duration" if stats_type == "duration" else "total_plays",
        since=context.now() - days * 24 * 60 * 60,
        start=start, count=count,
        section_id=section_id or None, user_id=user_id or None,
        fails=fails, single=bool(stat_id),
    )


def _labels(value: Any) -> Any:
    return value.split(";") if value else ()


def _media_row(name: str, item: Mapping[str, Any]) -> dict[str, Any]:
    spec = MEDIA_CARDS[name]
    if spec.media_type == "movie":
        title, rating_key, parent_key, parent_thumb, thumb = (
            item["full_title"], item["rating_key"], "", "", item["thumb"])
    elif spec.media_type == "episode":
        title = item["grandparent_title"]
        rating_key = item["rating_key"] if item["live"] else item["grandparent_rating_key"]
        parent_key, parent_thumb, thumb = (
            item["grandparent_rating_key"], item["grandparent_thumb"], item["grandparent_thumb"])
    else:
        title = item["original_title"] or item["grandparent_title"]
        rating_key = parent_key = item["grandparent_rating_key"]
        parent_thumb = thumb = item["grandparent_thumb"]
    row = {
        "title": title, "year": item["year"], "total_plays": item["total_plays"],
        "users_watched": item["users_watched"] if spec.popular else "",
        "rating_key": rating_key, "grandparent_rating_key": parent_key, "last_play": item["last_watch"],
        "grandparent_thumb": parent_thumb, "thumb": thumb, "art": item["art"], "section_id": item["section_id"],
        "media_type": item["media_type"], "content_rating": item["content_rating"], "rating": item["rating"],
        "labels": _labels(item["labels"]), "user": "", "friendly_name": "", "platform": "", "live": item["live"],
        "guid": item["guid"], "row_id": item["id"],
    }
    if not spec.popular:
        row["total_duration"] = item["total_duration"]
    return row


def _item_thumb(item: Mapping[str, Any]) -> Any:
    return item["grandparent_thumb"] if item["grandparent_thumb"] else item["thumb"]


def _item_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    """The played item's fields shared by the library, user and recently-watched cards."""
    return {
        "title": item["full_title"], "grandparent_title": item["grandparent_title"],
        "grandchild_title": item["title"], "year": item["year"], "media_index": item["media_index"],
        "parent_media_index": item["parent_media_index"], "rating_key": item["rating_key"],
        "grandparent_rating_key": item["grandparent_rating_key"], "media_type": item["media_type"],
        "content_rating": item["content_rating"], "labels": _labels(item["labels"]), "live": item["live"],
        "guid": item["guid"], "row_id": item["id"],
    }


def _library_thumb(item: Mapping[str, Any]) -> Any:
    if item["custom_thumb"] and item["custom_thumb"] != item["library_thumb"]:
        return item["custom_thumb"]
    return item["library_thumb"] or common.DEFAULT_COVER_THUMB


def _library_row(item: Mapping[str, Any]) -> dict[str, Any]:
    if item["custom_art"] and item["custom_art"] != item["library_art"]:
        art = item["custom_art"]
    elif item["library_art"] == LIVE_TV_ART_FULL:
        art = LIVE_TV_ART
    else:
        art = item["library_art"]
    return {
        "total_plays": item["total_plays"], "total_duration": item["total_duration"],
        "section_type": item["section_type"], "section_name": item["section_name"],
        "section_id": item["section_id"], "last_play": item["last_watch"], "library_thumb": _library_thumb(item),
        "library_art": art, "thumb": _item_thumb(item), "grandparent_thumb": item["grandparent_thumb"],
        "art": item["art"], "user": "", "friendly_name": "", "users_watched": "", "platform": "",
        **_item_fields(item),
    }


def _user_thumb(item: Mapping[str, Any]) -> Any:
    if item["custom_thumb"] and item["custom_thumb"] != item["user_thumb"]:
        return item["custom_thumb"]
    return item["user_thumb"] or common.DEFAULT_USER_THUMB


def _user_row(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "user": item["user"], "user_id": item["user_id"], "friendly_name": item["friendly_name"],
        "total_plays": item["total_plays"], "total_duration": item["total_duration"],
        "last_play": item["last_watch"], "user_thumb": _user_thumb(item), "thumb": _item_thumb(item),
        "grandparent_thumb": item["grandparent_thumb"], "art": item["art"], "users_watched": "", "platform": "",
        **_item_fields(item),
    }


def _platform_row(item: Mapping[str, Any]) -> dict[str, Any]:
    platform = common.platform_display(item["platform"])
    return {
        "total_plays": item["total_plays"], "total_duration": item["total_duration"],
        "last_play": item["last_watch"], "platform": platform,
        "platform_name": common.platform_icon(platform),  # type: ignore[arg-type] - None raises, as in Tautulli
        "title": "", "thumb": "", "grandparent_thumb": "", "art": "", "users_watched": "", "rating_key": "",
        "grandparent_rating_key": "", "user": "", "friendly_name": "", "row_id": "",
    }


def _watched_row(item: Mapping[str, Any]) -> dict[str, Any]:
    fields = _item_fields(item)
    return {
        "row_id": item["id"], "user": item["user"], "friendly_name": item["friendly_name"],
        "user_id": item["user_id"], "user_thumb": item["user_thumb"], **fields,
        "thumb": _item_thumb(item), "grandparent_thumb": item["grandparent_thumb"], "art": item["art"],
        "section_id": item["section_id"], "rating": item["rating"], "last_watch": item["last_watch"],
        "player": item["player"],
    }


def card(name: str, request: StatsRequest, rows: Iterable[Mapping[str, Any]],
         guest: GuestScope | None) -> dict[str, Any]:
    """One card of ``get_home_stats`` from its query rows (guests see masked rows)."""
    if name == "most_concurrent":
        return {"stat_id": name, "stat_title": _OTHER_TITLES[name], "rows": list(rows)}
    if name in MEDIA_CARDS:
        shaped = [_media_row(name, r) for r in rows]
        title = MEDIA_CARDS[name].title
    else:
        shape = {"top_libraries": _library_row, "top_users": _user_row, "top_platforms": _platform_row,
                 "last_watched": _watched_row}[name]
        shaped = [shape(r) for r in rows]
        title = _OTHER_TITLES[name]
    result: dict[str, Any] = {"stat_id": name}
    if name not in _UNRANKED:
        result["stat_type"] = request.sort
    result["stat_title"] = title
    result["rows"] = mask_session_info(shaped, guest, mask_metadata=name != "top_platforms")
    return result


def home_stats_result(request: StatsRequest, cards: list[dict[str, Any]]) -> Any:
    """The list of cards, or the single card when ``stat_id`` named one."""
    if request.single and cards:
        return cards[0]
    return cards


def peak_streams(title: str, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The highest number of overlapping streams and when it last began, as Tautulli computes it.

    Starts and stops are sorted as *strings* (``'<epoch>B'``/``'<epoch>A'``): a stream stopping at the very
    second another starts does not overlap it (``A`` sorts first), and the latest of equal peaks wins.
    """
    events = []
    for row in rows:
        events.append((f"{row['started']}B", 1))
        events.append((f"{row['stopped']}A", -1))
    events.sort(key=itemgetter(0))
    result: dict[str, Any] = {"title": title, "count": 0, "started": None, "stopped": None}
    streams, best, began = 0, 0, ""
    for moment, step in events:
        if step == 1:
            streams += 1
            if streams >= best:
                began = moment
            continue
        if streams >= best:
            best = streams
            result.update(count=streams, started=began[:-1], stopped=moment[:-1])
        streams -= 1
    return result


def most_concurrent(peaks: Iterable[tuple[str, Sequence[Mapping[str, Any]]]]) -> list[dict[str, Any]]:
    """The ``most_concurrent`` rows: one peak per decision that has any stream."""
    return [peak_streams(title, rows) for title, rows in peaks if rows]


def library_section_ids(library_cards: Any, guest: GuestScope | None) -> list[int | float] | None:
    """The section ids of ``get_library_stats``; None where Tautulli's id list breaks its query.

    A guest's shared libraries replace the argument. Tautulli joins the items with commas into the SQL text
    (so a string argument is joined character by character, and an item may itself hold several ids): the
    joined text must be a list of numeric literals, else its query fails. Anything else is refused.
    """
    cards = guest.library_ids if guest is not None and guest.library_ids else library_cards
    if not all(isinstance(value, str) for value in cards):
        return None
    text = ",".join(cards).strip(_SQL_SPACE)
    if not text:
        return []
    ids: list[int | float] = []
    for part in text.split(","):
        literal = part.strip(_SQL_SPACE)
        if not _NUMBER.fullmatch(literal) or not literal.isascii():
            return None
        number = float(literal) if any(c in literal for c in ".eE") else int(literal)
        if isinstance(number, int) and not -_INT64 <= number < _INT64:
            number = float(number)
        ids.append(number)
    return ids


def library_card(item: Mapping[str, Any]) -> dict[str, Any]:
    """One library of ``get_library_stats`` with its newest play."""
    if item["custom_art"] and item["custom_art"] != item["library_art"]:
        art = item["custom_art"]
    else:
        art = item["library_art"]
    fields = _item_fields(item)
    return {
        "section_id": item["section_id"], "section_name": item["section_name"],
        "section_type": item["section_type"], "library_thumb": _library_thumb(item), "library_art": art,
        "count": item["count"], "child_count": item["parent_count"], "grandchild_count": item["child_count"],
        "thumb": _item_thumb(item) or "", "grandparent_thumb": item["grandparent_thumb"] or "",
        "art": item["art"] or "", **fields,
    }


def library_stats_result(rows: Iterable[Mapping[str, Any]], guest: GuestScope | None) -> dict[Any, list[Any]]:
    """Library cards masked for a guest, grouped by section type (sorted, as Tautulli groups them)."""
    cards = mask_session_info([library_card(r) for r in rows], guest)
    key = itemgetter("section_type")
    return {k: list(g) for k, g in groupby(sorted(cards, key=key), key)}
