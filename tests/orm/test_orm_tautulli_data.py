"""What Tautulli's data does to the relationships (orphans, duplicates) and how the models cope.

The bundled sample has no play without a users or library row and no section id on two servers, but it has
sign-ins without a users row (the admin's, ``user_id`` NULL). The other cases are made here the way Tautulli
makes them: a users row removed by hand or by an import, a second Plex server with the same section ids,
companion rows left behind by an interrupted write.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from plexpy.db.orm import (
    LibrarySection,
    SessionHistory,
    SessionHistoryMediaInfo,
    SessionHistoryMetadata,
    User,
    UserLogin,
    delete_plays,
)
from plexpy.db.schema import library_sections, session_history, session_history_metadata, users


def test_the_sample_has_no_orphan_plays_and_admin_sign_ins_without_a_user(engine: Engine, raw) -> None:
    assert raw("SELECT COUNT(*) FROM session_history h WHERE NOT EXISTS "
               "(SELECT 1 FROM users u WHERE u.user_id = h.user_id)") == [(0,)]
    assert raw("SELECT COUNT(*) FROM library_sections GROUP BY section_id HAVING COUNT(*) > 1") == []
    unmatched = raw("SELECT COUNT(*) FROM user_login l WHERE NOT EXISTS "
                    "(SELECT 1 FROM users u WHERE u.user_id = l.user_id)")[0][0]
    assert unmatched > 0
    with Session(engine) as session:
        logins = session.scalars(select(UserLogin)).all()
        assert sum(1 for login in logins if login.account is None) == unmatched
        assert all(login.user_id is None for login in logins if login.account is None)


def test_plays_of_a_removed_user_keep_loading_with_no_account(engine: Engine, raw) -> None:
    user_id, plays = raw("SELECT user_id, COUNT(*) FROM session_history WHERE user_id != 0 GROUP BY 1 LIMIT 1")[0]
    with engine.begin() as conn:
        conn.execute(delete(users).where(users.c.user_id == user_id))
    with Session(engine) as session:
        orphans = session.scalars(select(SessionHistory).where(SessionHistory.user_id == user_id)).all()
        assert len(orphans) == plays
        assert all(p.account is None and p.metadata_ is not None for p in orphans)
        # Tautulli deletes such plays by user_id: the delete does not need the users row.
        assert delete_plays(session, [p.id for p in orphans]) == plays
        session.commit()
    assert raw("SELECT COUNT(*) FROM session_history_metadata m JOIN session_history h ON h.id = m.id "
               "WHERE h.user_id = ?", user_id) == [(0,)]


def test_a_section_id_on_two_servers_gives_both_libraries_the_same_plays(engine: Engine, raw) -> None:
    section_id, plays = raw("SELECT section_id, COUNT(*) FROM session_history GROUP BY 1 ORDER BY 2 LIMIT 1")[0]
    with engine.begin() as conn:
        conn.execute(insert(library_sections).values(server_id="another-server", section_id=section_id,
                                                     section_name="Other server's library"))
    with Session(engine) as session:
        libraries = session.scalars(select(LibrarySection).where(LibrarySection.section_id == section_id)
                                    .options(selectinload(LibrarySection.history))
                                    .order_by(LibrarySection.id)).all()
        assert len(libraries) == 2
        assert [len(lib.history) for lib in libraries] == [plays, plays]
        assert libraries[0].history == libraries[1].history  # the same play objects (one identity map)
        play = session.scalars(select(SessionHistory).where(SessionHistory.section_id == section_id)
                               .options(selectinload(SessionHistory.libraries)).limit(1)).one()
        assert [lib.server_id for lib in play.libraries][1] == "another-server"
        # Removing the second server's library (Tautulli's delete_duplicate_libraries) leaves every play.
        session.delete(libraries[1])
        session.commit()
    assert raw("SELECT COUNT(*) FROM session_history WHERE section_id = ?", section_id) == [(plays,)]


def test_companion_rows_without_a_play_are_deleted_by_id_as_tautulli_does(engine: Engine, raw) -> None:
    play_id = raw("SELECT MAX(id) FROM session_history")[0][0]
    with engine.begin() as conn:  # an interrupted write: the play row is gone, its companions are not
        conn.execute(delete(session_history).where(session_history.c.id == play_id))
    with Session(engine) as session:
        assert session.get(SessionHistoryMetadata, play_id) is not None
        assert delete_plays(session, [play_id]) == 0  # no play row deleted ...
        session.commit()
    for table in ("session_history_metadata", "session_history_media_info"):
        assert raw(f"SELECT COUNT(*) FROM {table} WHERE id = ?", play_id) == [(0,)]  # ... but its companions are


def test_a_play_whose_companions_are_missing_loads_and_deletes(engine: Engine, raw) -> None:
    play_id = raw("SELECT MIN(id) FROM session_history")[0][0]
    with engine.begin() as conn:
        conn.execute(delete(session_history_metadata).where(session_history_metadata.c.id == play_id))
    with Session(engine) as session:
        play = session.get(SessionHistory, play_id)
        assert play.metadata_ is None and isinstance(play.media_info, SessionHistoryMediaInfo)
        session.delete(play)
        session.commit()
    assert raw("SELECT COUNT(*) FROM session_history_media_info WHERE id = ?", play_id) == [(0,)]


def test_a_user_id_held_by_two_rows_cannot_happen_but_user_login_rows_may_repeat(engine: Engine) -> None:
    """``users.user_id`` is UNIQUE, so ``SessionHistory.account`` is a scalar; logins are a plain collection."""
    with Session(engine) as session:
        user = session.scalars(select(User).options(selectinload(User.logins))
                               .join(UserLogin, UserLogin.user_id == User.user_id).limit(1)).first()
        assert user is not None and user.logins
        assert all(login.account is user for login in user.logins)
