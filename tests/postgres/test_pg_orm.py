"""The ORM models and the twins' ORM helpers on PostgreSQL (the sample copied with its dynamic JSONB columns)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import build_engine, connect
from plexpy.db.orm import SessionHistory, SessionHistoryMediaInfo, SessionHistoryMetadata, User, delete_plays
from plexpy.db.schema import exports as exports_table
from plexpy.db.stmt_cache import affinity_shape
from plexpy.domains.exports import sqla as exports_sqla
from plexpy.domains.history.sqla import SqlaHistory
from plexpy.domains.mobile_devices.sqla import SqlaMobileDevices
from plexpy.domains.notifications import sqla_orm as notifiers_orm
from plexpy.domains.notifications.sqla import SqlaNotifications

pytestmark = pytest.mark.postgresql

HISTORY_TABLES = ("session_history", "session_history_media_info", "session_history_metadata")


@pytest.fixture
def pg_engine(pg_sample: str) -> Iterator[Engine]:
    engine = build_engine(pg_sample)
    yield engine
    engine.dispose()


@pytest.fixture
def lite_engine(sample_db: Path) -> Iterator[Engine]:
    engine = build_engine(f"sqlite:///{sample_db}")
    yield engine
    engine.dispose()


def _user_plays(engine: Engine) -> list[tuple[int, list[tuple[int, object, object]]]]:
    with Session(engine) as session:
        users = session.scalars(sa.select(User).options(selectinload(User.history)).order_by(User.user_id)).all()
        return [(u.user_id, [(p.id, p.metadata_.year, p.media_info.subtitle_forced) for p in u.history])
                for u in users]


def test_relationships_read_the_same_plays_and_dynamic_values_as_on_sqlite(pg_engine: Engine,
                                                                           lite_engine: Engine) -> None:
    on_pg, on_sqlite = _user_plays(pg_engine), _user_plays(lite_engine)
    assert sum(len(plays) for _, plays in on_pg) > 4000
    assert on_pg == on_sqlite  # '' and numbers in INTEGER columns keep their type through JSONB


def test_deleting_plays_cascades_on_postgresql(pg_engine: Engine) -> None:
    with pg_engine.connect() as conn:
        ids = list(conn.execute(sa.select(SessionHistory.id).order_by(SessionHistory.id).limit(1200)).scalars())
        before = [conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in HISTORY_TABLES]
    with Session(pg_engine) as session:
        assert delete_plays(session, ids[:1100]) == 1100
        session.commit()
    assert SqlaHistory(pg_engine).delete_session_history_rows(row_ids=",".join(map(str, ids[1100:]))) is True
    with pg_engine.connect() as conn:
        after = [conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in HISTORY_TABLES]
    assert after == [n - 1200 for n in before]


def test_twin_helpers_answer_as_on_sqlite(pg_engine: Engine, lite_engine: Engine) -> None:
    with lite_engine.connect() as conn:
        notifier_ids = list(conn.execute(sa.text("SELECT id FROM notifiers")).scalars())
        device_ids = list(conn.execute(sa.text("SELECT id FROM mobile_devices")).scalars())
        export_ids = list(conn.execute(sa.text("SELECT id FROM exports")).scalars())
    assert notifier_ids and device_ids and export_ids
    notifications = {e: SqlaNotifications(e) for e in (pg_engine, lite_engine)}
    devices = {e: SqlaMobileDevices(e) for e in (pg_engine, lite_engine)}
    for notifier_id in notifier_ids:
        assert (notifications[pg_engine].get_notifier_config(notifier_id=notifier_id)
                == notifications[lite_engine].get_notifier_config(notifier_id=notifier_id))
    for device_id in device_ids:
        assert (devices[pg_engine].get_mobile_device_config(mobile_device_id=device_id)
                == devices[lite_engine].get_mobile_device_config(mobile_device_id=device_id))
    for export_id in [*export_ids, str(export_ids[0]), "abc"]:  # the row get_export shapes (no config needed)
        rows = []
        for engine in (pg_engine, lite_engine):
            kind, value = affinity_shape(exports_table.c.id, export_id)
            with connect(engine) as conn:
                rows.append(fetch_dicts(conn, exports_sqla._export_stmt(kind), {"export_id": value}))
        assert rows[0] == rows[1]
        assert rows[0] or export_id == "abc"
    assert notifiers_orm.delete_notifier_rows(pg_engine, notifier_ids[0]) == 1
    assert notifications[pg_engine].get_notifier_config(notifier_id=notifier_ids[0]) is None

def test_a_new_play_keeps_sqlites_storage_classes_in_dynamic_columns(pg_engine: Engine) -> None:
    """ORM writes go through the schema's PostgreSQL variants: ``''`` stays text, ``1`` stays a number."""
    with Session(pg_engine) as session:
        play = SessionHistory(started=1, stopped=2, user_id=0, rating_key="12", section_id=1, media_type="movie")
        play.metadata_ = SessionHistoryMetadata(rating_key=12, year="", title="Typed")
        play.media_info = SessionHistoryMediaInfo(rating_key=12, subtitle_forced=1)
        session.add(play)
        session.commit()
        new_id = play.id
    with Session(pg_engine) as session:
        play = session.get(SessionHistory, new_id)
        assert (play.rating_key, play.metadata_.year, play.media_info.subtitle_forced) == (12, "", 1)
        assert play.metadata_.title == "Typed"
