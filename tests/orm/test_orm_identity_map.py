"""Two sessions on one file database: the identity map, stale reads, ``populate_existing`` and expiry."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from plexpy.db.orm import User


def _rename(engine: Engine, user_id: int, name: str) -> None:
    with Session(engine) as other:
        other.execute(update(User).where(User.user_id == user_id).values(friendly_name=name))
        other.commit()


def _some_user(raw) -> tuple[int, str]:
    return raw("SELECT user_id, friendly_name FROM users WHERE user_id != 0 ORDER BY id LIMIT 1")[0]


def test_the_identity_map_answers_get_without_sql_and_keeps_the_stale_value(engine: Engine, raw,
                                                                            count_statements) -> None:
    user_id, name = _some_user(raw)
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.user_id == user_id)).one()
        _rename(engine, user_id, "Changed elsewhere")
        count_statements.reset()
        again = session.get(User, user.id)
        assert again is user
        assert len(count_statements) == 0  # straight from the identity map
        assert again.friendly_name == name  # stale: the other session's commit is not seen
        # A query returns rows, but the identity map keeps the loaded object's attributes as they were.
        requeried = session.scalars(select(User).where(User.user_id == user_id)).one()
        assert requeried is user and requeried.friendly_name == name


def test_sqlite_keeps_a_read_transactions_snapshot_until_it_ends(engine: Engine, raw) -> None:
    """``populate_existing`` refreshes the object, but inside the same read transaction WAL still shows the snapshot."""
    user_id, name = _some_user(raw)
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.user_id == user_id)).one()
        _rename(engine, user_id, "Changed elsewhere")
        stmt = select(User).where(User.user_id == user_id).execution_options(populate_existing=True)
        assert session.scalars(stmt).one().friendly_name == name  # same transaction: the old snapshot
        session.rollback()  # ends the read transaction and expires every object
        assert user.friendly_name == "Changed elsewhere"  # reloaded on access


def test_populate_existing_and_expire_bring_the_committed_value(engine: Engine, raw) -> None:
    user_id, _ = _some_user(raw)
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.user_id == user_id)).one()
        session.commit()  # expire_on_commit: next access reloads
        _rename(engine, user_id, "First")
        assert user.friendly_name == "First"
        session.commit()
        _rename(engine, user_id, "Second")
        session.expire(user, ["friendly_name"])
        assert user.friendly_name == "Second"
        session.commit()
        _rename(engine, user_id, "Third")
        stmt = select(User).where(User.user_id == user_id).execution_options(populate_existing=True)
        assert session.scalars(stmt).one() is user
        assert user.friendly_name == "Third"


def test_unflushed_changes_are_lost_to_populate_existing(engine: Engine, raw) -> None:
    user_id, name = _some_user(raw)
    with Session(engine, autoflush=False) as session:
        user = session.scalars(select(User).where(User.user_id == user_id)).one()
        user.friendly_name = "Local edit"
        stmt = select(User).where(User.user_id == user_id).execution_options(populate_existing=True)
        session.scalars(stmt).one()
        assert user.friendly_name == name
        assert not session.dirty


def test_the_last_session_to_commit_wins(engine: Engine, raw) -> None:
    """No version counter (the schema has none): two sessions that change one row in turn, the later one stays."""
    user_id, _ = _some_user(raw)
    first, second = Session(engine), Session(engine)
    try:
        a = first.scalars(select(User).where(User.user_id == user_id)).one()
        b = second.scalars(select(User).where(User.user_id == user_id)).one()
        first.rollback()
        second.rollback()  # neither holds a read snapshot: each write waits for no one
        a.friendly_name = "From first"
        first.commit()
        b.friendly_name = "From second"
        second.commit()
    finally:
        first.close()
        second.close()
    assert raw("SELECT friendly_name FROM users WHERE user_id = ?", user_id) == [("From second",)]
