"""Loading strategies: a list page costs a fixed number of statements, never one per row (counted by an event)."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session, selectinload

from plexpy.db.orm import LibrarySection, Notifier, NotifyLog, SessionHistory, User, UserLogin


@pytest.mark.parametrize("page", [10, 200])
def test_a_history_page_with_metadata_media_info_and_user_is_four_statements(engine: Engine, count_statements,
                                                                             page: int) -> None:
    with Session(engine) as session:
        count_statements.reset()
        plays = session.scalars(select(SessionHistory).order_by(SessionHistory.id.desc()).limit(page)).all()
        rows = [(p.id, p.metadata_.title, p.media_info.video_codec, p.account.username) for p in plays]
    assert len(rows) == page
    assert len(count_statements) == 4  # plays, then one IN-list each for metadata, media info, users


def test_collections_must_be_loaded_on_purpose(engine: Engine) -> None:
    """``lazy="raise"``: touching an unloaded collection is an error, not a hidden query per row."""
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.user_id != 0).limit(1)).one()
        with pytest.raises(InvalidRequestError, match="history"):
            _ = user.history
        play = session.scalars(select(SessionHistory).limit(1)).one()
        with pytest.raises(InvalidRequestError, match="libraries"):
            _ = play.libraries
        with pytest.raises(InvalidRequestError, match="log"):
            _ = session.scalars(select(Notifier).limit(1)).one().log


def test_users_with_their_history_and_logins_is_one_statement_per_level(engine: Engine, count_statements) -> None:
    with Session(engine) as session:
        count_statements.reset()
        users = session.scalars(select(User).options(
            selectinload(User.history).selectinload(SessionHistory.libraries), selectinload(User.logins))).all()
        plays = sum(len(u.history) for u in users)
        libraries = {lib.id for u in users for p in u.history for lib in p.libraries}
        logins = sum(len(u.logins) for u in users)
    assert len(users) > 50 and plays > 1000 and libraries and logins
    # users, their history, their logins; then metadata, media info and libraries of the plays in IN-lists of
    # 500 keys (the users of the plays are already in the identity map): batches, never a statement per play
    assert len(count_statements) == 3 + 3 * math.ceil(plays / 500)


def test_log_pages_load_their_agent_once(engine: Engine, count_statements) -> None:
    with Session(engine) as session:
        count_statements.reset()
        entries = session.scalars(select(NotifyLog).order_by(NotifyLog.id.desc()).limit(100)).all()
        names = {e.notifier.friendly_name for e in entries if e.notifier is not None}
        logins = session.scalars(select(UserLogin).limit(100)).all()
        _ = [login.account for login in logins]
        libraries = session.scalars(select(LibrarySection)).all()
    assert names and libraries
    assert len(count_statements) == 5  # log + notifiers; logins + users; libraries
