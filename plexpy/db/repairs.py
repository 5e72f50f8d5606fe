"""The data steps Tautulli's ``dbcheck()`` repeats on every start, as idempotent functions.

Tautulli v2.17.2 re-applies these at each start, so data written later by an older writer (or put
back by hand) is repaired again. ``tautulli-db migrate`` runs them after every upgrade and
``tautulli-db repair`` runs them on their own; running them twice changes nothing the second time.
They follow ``dbcheck()``'s order. Each takes a connection inside the caller's transaction and
returns how many rows it changed. The ones ``dbcheck()`` guards (it ignores an ``OperationalError``,
for example a column an old table lacks) are guarded the same way.

``migrate_poster_urls`` is the legacy-table step that ``dbcheck()`` runs after its commit: rows of the
pre-v2.1 ``poster_urls`` table become image-hash and Imgur rows, then the table is dropped. A table
without ``delete_hash`` (v2.0.0-beta ... v2.0.17-beta) stops it after the first row's image hash, as
in Tautulli, and stays; that state is stable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from plexpy.db.dbcheck_ops import column_names, table_exists
from plexpy.db.fresh import LOCAL_USERNAME, TAUTULLI_VERSION

__all__ = [
    "LIVE_TV_ART",
    "LIVE_TV_SECTION_ID",
    "LIVE_TV_THUMB",
    "REPAIRS",
    "RepairReport",
    "add_local_user",
    "apply_repairs",
    "blank_null_stream_codecs",
    "capitalise_platforms",
    "dedupe_lookups",
    "delete_remote_image_hashes",
    "delete_serverless_libraries",
    "fill_live_tv_artwork",
    "migrate_poster_urls",
    "raise_version",
    "rename_notifier_agents",
    "reset_friendly_names",
    "sdr_streams_of_sdr_sources",
    "version_tuple",
]

LIVE_TV_SECTION_ID: Final = 999999
LIVE_TV_THUMB: Final = "interfaces/default/images/libraries/live.png"
LIVE_TV_ART: Final = "interfaces/default/images/art-live-full.png"

#: Lookup caches and the key each keeps one row (the lowest id) for.
LOOKUP_KEYS: Final = (
    ("tvmaze_lookup", "rating_key"),
    ("themoviedb_lookup", "rating_key"),
    ("musicbrainz_lookup", "rating_key"),
    ("image_hash_lookup", "img_hash"),
    ("cloudinary_lookup", "img_hash"),
    ("imgur_lookup", "img_hash"),
)

#: How the poster_urls migration hashes a poster (Tautulli's defaults for a 1000x1500 poster).
_POSTER = {"width": 1000, "height": 1500, "opacity": 100, "background": "000000", "blur": 0, "fallback": "poster"}


def _t(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns))


def _guarded(step: Callable[[Connection], int]) -> Callable[[Connection], int]:
    """Run ``step``; an OperationalError (a missing table or column) means nothing to repair."""

    def run(conn: Connection) -> int:
        try:
            return step(conn)
        except OperationalError:
            return 0

    run.__name__ = step.__name__
    run.__doc__ = step.__doc__
    return run


@_guarded
def capitalise_platforms(conn: Connection) -> int:
    """Write the ``windows`` and ``macos`` platforms of old plays as ``Windows`` and ``macOS``."""
    history = _t("session_history", "platform")
    changed = 0
    for old, new in (("windows", "Windows"), ("macos", "macOS")):
        changed += conn.execute(sa.update(history).where(history.c.platform == old).values(platform=new)).rowcount
    return changed


@_guarded
def blank_null_stream_codecs(conn: Connection) -> int:
    """When a stream container is NULL, replace NULL stream containers and codecs with ``''``."""
    columns = ("stream_container", "stream_video_codec", "stream_audio_codec", "stream_subtitle_codec")
    media = _t("session_history_media_info", *columns)
    if conn.execute(sa.select(media.c.stream_container).where(media.c.stream_container.is_(None)).limit(1)).first():
        return sum(
            conn.execute(sa.update(media).where(media.c[c].is_(None)).values({c: ""})).rowcount for c in columns
        )
    return 0


def sdr_streams_of_sdr_sources(conn: Connection) -> int:
    """An SDR source recorded as streamed in HDR was streamed in SDR."""
    media = _t("session_history_media_info", "video_dynamic_range", "stream_video_dynamic_range")
    stmt = (
        sa.update(media)
        .where(media.c.video_dynamic_range == "SDR", media.c.stream_video_dynamic_range == "HDR")
        .values(stream_video_dynamic_range="SDR")
    )
    return conn.execute(stmt).rowcount


@_guarded
def reset_friendly_names(conn: Connection) -> int:
    """A friendly name equal to the user name is stored as NULL (it means "show the user name")."""
    users = _t("users", "friendly_name", "username")
    stmt = sa.update(users).where(users.c.friendly_name == users.c.username).values(friendly_name=None)
    return conn.execute(stmt).rowcount


@_guarded
def delete_serverless_libraries(conn: Connection) -> int:
    """Delete libraries recorded with an empty server id (duplicates from old releases)."""
    sections = _t("library_sections", "server_id")
    return conn.execute(sa.delete(sections).where(sections.c.server_id == "")).rowcount


@_guarded
def fill_live_tv_artwork(conn: Connection) -> int:
    """Give the Live TV library its default thumb and art when the first one found lacks either."""
    sections = _t("library_sections", "section_id", "thumb", "art")
    live = sections.c.section_id == LIVE_TV_SECTION_ID
    row = conn.execute(sa.select(sections.c.thumb, sections.c.art).where(live)).first()
    if row is None or (row.thumb and row.art):
        return 0
    return conn.execute(sa.update(sections).where(live).values(thumb=LIVE_TV_THUMB, art=LIVE_TV_ART)).rowcount


def rename_notifier_agents(conn: Connection) -> int:
    """Rename notifier agents: XBMC to Kodi, OSX Notify, and the Android app to the Remote App."""
    notifiers = _t("notifiers", "agent_label", "agent_name")
    label, name = notifiers.c.agent_label, notifiers.c.agent_name
    statements = (
        sa.update(notifiers).where(label == "XBMC").values(agent_label="Kodi"),
        sa.update(notifiers).where(label == "OSX Notify").values(agent_label="macOS Notification Center"),
        sa.update(notifiers)
        .where(name == "androidapp")
        .values(agent_name="remoteapp", agent_label="Tautulli Remote App"),
    )
    return sum(conn.execute(stmt).rowcount for stmt in statements)


@_guarded
def delete_remote_image_hashes(conn: Connection) -> int:
    """Forget hashes of remote images (``http...``): only Plex paths are hashed now."""
    hashes = _t("image_hash_lookup", "img")
    return conn.execute(sa.delete(hashes).where(hashes.c.img.ilike("http%"))).rowcount


def dedupe_lookups(conn: Connection) -> int:
    """Keep the lowest id per key in each lookup cache, so its unique index holds."""
    changed = 0
    for table, key in LOOKUP_KEYS:
        cache = _t(table, "id", key)
        keep = sa.select(sa.func.min(cache.c.id)).group_by(cache.c[key])
        try:
            changed += conn.execute(sa.delete(cache).where(cache.c.id.not_in(keep))).rowcount
        except OperationalError:
            continue
    return changed


def add_local_user(conn: Connection) -> int:
    """Add the built-in ``Local`` user (user id 0) when no user has that name."""
    users = _t("users", "id", "user_id", "username")
    if conn.execute(sa.select(users.c.id).where(users.c.username == LOCAL_USERNAME).limit(1)).first():
        return 0
    conn.execute(sa.insert(users).values(user_id=0, username=LOCAL_USERNAME))
    return 1


def version_tuple(version: object) -> tuple[int, ...]:
    """Tautulli's release order: ``v2.1.4-beta`` -> (2, 1, 4, 0); parts that are not numbers count 0."""

    def number(part: str) -> int:
        try:
            return int(part)
        except ValueError:
            return 0

    text = "" if version is None else str(version)
    return tuple(number(p) for p in text.strip("v").replace("-", ".").split("."))


def raise_version(conn: Connection) -> int:
    """Record ``v2.17.2`` in ``version_info``; a higher version is never lowered."""
    info = _t("version_info", "key", "value")
    row = conn.execute(sa.select(info.c.value).where(info.c.key == "version")).first()
    if row is None:
        conn.execute(sa.insert(info).values(key="version", value=TAUTULLI_VERSION))
        return 1
    if version_tuple(row.value) < version_tuple(TAUTULLI_VERSION):
        return conn.execute(sa.update(info).where(info.c.key == "version").values(value=TAUTULLI_VERSION)).rowcount
    return 0


def _upsert(conn: Connection, table: str, keys: Mapping[str, Any], values: Mapping[str, Any]) -> int:
    """Update by key, insert when nothing matched (a unique conflict on insert is ignored).

    Returns the rows whose stored values changed: rewriting equal values counts as none.
    """
    target = _t(table, *values, *keys)
    where = [target.c[k] == v for k, v in keys.items()]
    differs = sa.not_(sa.and_(*(target.c[c].is_not_distinct_from(v) for c, v in values.items())))
    changed = conn.execute(sa.update(target).where(*where, differs).values(**values)).rowcount
    if changed or conn.execute(sa.select(sa.literal(1)).select_from(target).where(*where).limit(1)).first():
        return changed
    try:
        conn.execute(sa.insert(target).values(**values, **keys))
    except IntegrityError:
        return 0
    return 1


def _poster_hash(conn: Connection, rating_key: object, pms_uuid: str) -> tuple[str, int]:
    """Hash a poster the way Tautulli hashes image requests, recording it unless there is no item.

    Returns the hash and the rows changed.
    """
    if not rating_key:
        return str(_POSTER["fallback"]), 0
    img = f"/library/metadata/{rating_key}/thumb"
    parts = img.split("/")
    img, item = "/".join(parts[:5]), parts[3]
    p = _POSTER
    key = f"{pms_uuid}.{img}.{item}.{p['width']}.{p['height']}.{p['opacity']}.{p['background']}.{p['blur']}"
    img_hash = hashlib.sha256(key.encode("utf-8")).hexdigest()
    changed = _upsert(conn, "image_hash_lookup", {"img_hash": img_hash}, {"img": img, "rating_key": item, **_POSTER})
    return img_hash, changed


@dataclass(frozen=True, slots=True)
class _Stop:
    """Why the poster migration stopped (a column the table lacks)."""

    missing: str


def migrate_poster_urls(conn: Connection, pms_uuid: str = "", notes: list[str] | None = None) -> int:
    """Move the legacy ``poster_urls`` rows to image hashes and Imgur rows, then drop the table.

    Args:
        conn: a connection in the caller's transaction.
        pms_uuid: the configured Plex server id (``PMS_UUID``), part of each hash.
        notes: where to say why the table was kept, if it was.
    """
    if not table_exists(conn, "poster_urls"):
        return 0
    names = sorted(column_names(conn, "poster_urls"))
    posters = _t("poster_urls", *names)
    changed = 0
    stop: _Stop | None = None
    try:
        rows = conn.execute(sa.select(*posters.c)).mappings().all()
        for row in rows:
            if "rating_key" not in row:
                stop = _Stop("rating_key")
                break
            img_hash, hashed = _poster_hash(conn, row["rating_key"], pms_uuid)
            changed += hashed
            missing = next((c for c in ("poster_title", "poster_url", "delete_hash") if c not in row), None)
            if missing is not None:
                stop = _Stop(missing)
                break
            values = {"imgur_title": row["poster_title"], "imgur_url": row["poster_url"],
                      "delete_hash": row["delete_hash"]}
            changed += _upsert(conn, "imgur_lookup", {"img_hash": img_hash}, values)
        if stop is None:
            conn.execute(sa.schema.DropTable(sa.Table("poster_urls", sa.MetaData())))
            changed += 1
    except OperationalError as exc:
        stop = _Stop(str(exc.orig))
    if stop is not None and notes is not None:
        notes.append(f"poster_urls kept, as Tautulli keeps it: it has no {stop.missing} column")
    return changed


#: The every-start steps in dbcheck() order (the poster_urls migration, which needs the
#: configured server id, is run by :func:`apply_repairs` after them).
REPAIRS: Final[tuple[Callable[[Connection], int], ...]] = (
    capitalise_platforms,
    blank_null_stream_codecs,
    sdr_streams_of_sdr_sources,
    reset_friendly_names,
    delete_serverless_libraries,
    fill_live_tv_artwork,
    rename_notifier_agents,
    delete_remote_image_hashes,
    dedupe_lookups,
    add_local_user,
    raise_version,
)


@dataclass(frozen=True, slots=True)
class RepairReport:
    """Rows changed per repair, in the order they ran, and anything worth telling."""

    changes: Mapping[str, int]
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        """All rows changed."""
        return sum(self.changes.values())


def apply_repairs(conn: Connection, *, pms_uuid: str = "") -> RepairReport:
    """Run every repair, then the poster_urls migration, inside the caller's transaction."""
    changes = {step.__name__: step(conn) for step in REPAIRS}
    notes: list[str] = []
    changes["migrate_poster_urls"] = migrate_poster_urls(conn, pms_uuid, notes)
    return RepairReport(changes=changes, notes=tuple(notes))
