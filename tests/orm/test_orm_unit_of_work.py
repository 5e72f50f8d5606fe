"""Create, read through relationships, update, delete as Tautulli deletes, commit and roll back: on a file database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from plexpy.db.orm import (
    LibrarySection,
    Notifier,
    NotifyLog,
    SessionHistory,
    SessionHistoryMediaInfo,
    SessionHistoryMetadata,
    User,
    delete_plays,
)

HISTORY_TABLES = ("session_history", "session_history_metadata", "session_history_media_info")


def _ids_in(raw, table: str, ids: list[int]) -> list[int]:
    marks = ",".join("?" * len(ids))
    return [r[0] for r in raw(f"SELECT id FROM {table} WHERE id IN ({marks}) ORDER BY id", *ids)]


def test_a_new_play_writes_its_companion_rows_under_its_id(fresh_engine: Engine) -> None:
    with Session(fresh_engine) as session:
        play = SessionHistory(started=100, stopped=160, user_id=0, user="Local", rating_key=7, section_id=1,
                              media_type="movie")
        play.metadata_ = SessionHistoryMetadata(rating_key=7, title="A film", media_type="movie")
        play.media_info = SessionHistoryMediaInfo(rating_key=7, video_codec="h264")
        session.add(play)
        session.commit()
        new_id = play.id
    with fresh_engine.connect() as conn:
        assert conn.execute(select(SessionHistoryMetadata.id, SessionHistoryMetadata.title)).all() == [
            (new_id, "A film")]
        assert conn.execute(select(SessionHistoryMediaInfo.id, SessionHistoryMediaInfo.video_codec)).all() == [
            (new_id, "h264")]
    with Session(fresh_engine) as session:
        local = session.scalars(select(User).options(selectinload(User.history))).one()
        assert local.username == "Local"
        assert [p.id for p in local.history] == [new_id]
        assert local.history[0].metadata_.title == "A film"
        assert local.history[0].account is local  # the identity map gives back the same object


def test_reading_a_user_and_a_library_through_their_plays(engine: Engine, raw) -> None:
    user_id, plays = raw("SELECT user_id, COUNT(*) FROM session_history GROUP BY user_id ORDER BY 2 DESC LIMIT 1")[0]
    section_id, section_plays = raw("SELECT section_id, COUNT(*) FROM session_history GROUP BY section_id "
                                    "ORDER BY 2 DESC LIMIT 1")[0]
    titles = [r[0] for r in raw("SELECT m.title FROM session_history h JOIN session_history_metadata m ON m.id = h.id "
                                "WHERE h.user_id = ? ORDER BY h.id", user_id)]
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.user_id == user_id).options(selectinload(User.history))).one()
        assert len(user.history) == plays
        assert [p.metadata_.title for p in user.history] == titles
        assert all(p.account is user for p in user.history)
        library = session.scalars(select(LibrarySection).where(LibrarySection.section_id == section_id)
                                  .options(selectinload(LibrarySection.history))).one()
        assert len(library.history) == section_plays
        notifier = session.scalars(select(Notifier).options(selectinload(Notifier.log))
                                   .join(NotifyLog, NotifyLog.notifier_id == Notifier.id).limit(1)).first()
        logged = raw("SELECT COUNT(*) FROM notify_log WHERE notifier_id = ?", notifier.id)[0][0]
        assert len(notifier.log) == logged > 0
        assert notifier.log[0].notifier is notifier


def test_an_update_is_written_on_commit_and_undone_on_rollback(engine: Engine, raw) -> None:
    user_id, name = raw("SELECT user_id, friendly_name FROM users WHERE user_id != 0 ORDER BY id LIMIT 1")[0]
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.user_id == user_id)).one()
        user.friendly_name = "Renamed ✓"
        session.flush()
        assert raw("SELECT friendly_name FROM users WHERE user_id = ?", user_id) == [(name,)]  # not committed
        session.rollback()
        assert user.friendly_name == name  # expired by the rollback, read again
    assert raw("SELECT friendly_name FROM users WHERE user_id = ?", user_id) == [(name,)]
    with Session(engine) as session:
        session.scalars(select(User).where(User.user_id == user_id)).one().friendly_name = "Renamed ✓"
        session.commit()
    assert raw("SELECT friendly_name FROM users WHERE user_id = ?", user_id) == [("Renamed ✓",)]


def test_deleting_a_play_deletes_its_metadata_and_media_info(engine: Engine, raw) -> None:
    ids = [r[0] for r in raw("SELECT id FROM session_history ORDER BY id LIMIT 3")]
    before = [raw(f"SELECT COUNT(*) FROM {t}")[0][0] for t in HISTORY_TABLES]
    with Session(engine) as session:
        session.delete(session.get(SessionHistory, ids[0]))
        session.commit()
    assert [_ids_in(raw, t, ids[:1]) for t in HISTORY_TABLES] == [[], [], []]
    with Session(engine) as session:
        assert delete_plays(session, [ids[1], ids[2], ids[2], 10**9]) == 2  # duplicates and unknown ids are fine
        session.commit()
    assert [raw(f"SELECT COUNT(*) FROM {t}")[0][0] for t in HISTORY_TABLES] == [n - 3 for n in before]


def test_a_librarys_plays_go_as_tautulli_purges_them_and_the_library_row_stays(engine: Engine, raw) -> None:
    section_id = raw("SELECT section_id FROM session_history GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")[0][0]
    ids = [r[0] for r in raw("SELECT id FROM session_history WHERE section_id = ?", section_id)]
    assert len(ids) > 999  # more than one chunk
    libraries = raw("SELECT COUNT(*) FROM library_sections WHERE section_id = ?", section_id)
    with Session(engine) as session:
        play_ids = session.scalars(select(SessionHistory.id).where(SessionHistory.section_id == section_id)).all()
        assert delete_plays(session, play_ids) == len(ids)
        session.commit()
    assert [_ids_in(raw, t, ids[:900]) + _ids_in(raw, t, ids[900:]) for t in HISTORY_TABLES] == [[], [], []]
    assert raw("SELECT COUNT(*) FROM library_sections WHERE section_id = ?", section_id) == libraries == [(1,)]


def test_deleting_a_user_object_leaves_its_plays(engine: Engine, raw) -> None:
    """``User.history`` is read-only: no cascade reaches the plays (Tautulli never deletes them with the user)."""
    user_id = raw("SELECT user_id FROM session_history WHERE user_id != 0 LIMIT 1")[0][0]
    plays = raw("SELECT COUNT(*) FROM session_history WHERE user_id = ?", user_id)[0][0]
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.user_id == user_id).options(selectinload(User.history))).one()
        session.delete(user)
        session.commit()
    assert raw("SELECT COUNT(*) FROM users WHERE user_id = ?", user_id) == [(0,)]
    assert raw("SELECT COUNT(*) FROM session_history WHERE user_id = ?", user_id) == [(plays,)]


def test_a_failed_flush_rolls_back_everything_of_the_session(engine: Engine, raw) -> None:
    before = raw("SELECT COUNT(*) FROM session_history")[0][0]
    first = raw("SELECT MIN(id) FROM session_history")[0][0]
    with Session(engine) as session:
        session.delete(session.get(SessionHistory, first))
        session.add(User(user_id=None, username=None))  # NOT NULL username: the flush fails
        with pytest.raises(IntegrityError, match="NOT NULL"):
            session.commit()
    assert raw("SELECT COUNT(*) FROM session_history")[0][0] == before
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SessionHistory)) == before
