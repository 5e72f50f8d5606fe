"""A throwaway local PostgreSQL cluster: ``initdb`` + ``pg_ctl`` in a temporary folder, removed on stop.

For tests, CI and benchmarks, never for production data. PostgreSQL refuses to run as root, so when the
caller is root the cluster belongs to an unprivileged OS user (``postgres`` by default) and every server
program runs through ``runuser``. Authentication is ``trust`` on a unix socket inside the cluster folder and
on ``127.0.0.1`` at a free port; the server is tuned for speed (``fsync=off``), since its data is thrown away.

Usage::

    server = pgserver.start()            # raises PgServerUnavailable with the reason when it cannot
    url = server.create_database("t1")   # postgresql+psycopg://postgres@127.0.0.1:PORT/t1
    ...
    server.stop()                        # stops the server and removes its folder
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgServer", "PgServerUnavailable", "find_bin_dir", "running", "start"]

_SEARCH = ("/usr/lib/postgresql", "/usr/local/pgsql", "/opt/homebrew/opt/postgresql", "/usr/local/opt/postgresql")
_TUNING = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=60",
           "shared_buffers=64MB")


class PgServerUnavailable(RuntimeError):
    """No throwaway server can be started here; the message says why."""


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: on ``PATH``, else the newest Debian/Homebrew install."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent  # Debian links a few programs into /usr/local/bin
    for base in _SEARCH:
        root = Path(base)
        candidates = sorted(root.glob("*/bin/pg_ctl"), key=lambda p: _version_key(p.parent.parent.name))
        candidates += [root / "bin" / "pg_ctl"] if (root / "bin" / "pg_ctl").exists() else []
        for pg_ctl in reversed(candidates):
            if (pg_ctl.parent / "initdb").exists():
                return pg_ctl.parent
    return None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit()) or (0,)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True, slots=True)
class PgServer:
    """A running throwaway cluster."""

    root: Path
    bin_dir: Path
    port: int
    os_user: str | None

    @property
    def data_dir(self) -> Path:
        """The cluster's data folder."""
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of ``database`` on this server (user ``postgres``, trust authentication)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str = "template0") -> str:
        """Create a database (a copy of ``template``: empty by default) and return its URL."""
        _check_identifier(name)
        _check_identifier(template)
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\'')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting its sessions first."""
        _check_identifier(name)
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def execute(self, sql: str) -> None:
        """Run one statement on the ``postgres`` database, outside a transaction (as psql would)."""
        import sqlalchemy as sa  # noqa: PLC0415 - only callers that create databases need the driver

        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(sql)
        finally:
            engine.dispose()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        try:
            _run(self._as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w",
                                 "stop"]), check=False)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _as_owner(self, argv: Sequence[str]) -> list[str]:
        return _as_user(self.os_user, argv)


def _check_identifier(name: str) -> None:
    if not name or not all(ch.isalnum() or ch == "_" for ch in name) or len(name) > 63:
        raise ValueError(f"not a plain database name: {name!r}")


def _as_user(os_user: str | None, argv: Sequence[str]) -> list[str]:
    if os_user is None:
        return list(argv)
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", os_user, "--", *argv]
    su = shutil.which("su")
    if su is None:
        raise PgServerUnavailable("running as root, and neither runuser nor su is available")
    return [su, os_user, "-s", "/bin/sh", "-c", " ".join(_shell_quote(a) for a in argv)]


def _shell_quote(value: str) -> str:
    return "'" + value.replace("'", "'\"'\"'") + "'"


def _run(argv: Sequence[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(argv), capture_output=True, text=True, check=False, timeout=120)  # noqa: S603 - argv built here
    if check and done.returncode != 0:
        raise PgServerUnavailable(f"{Path(argv[0]).name} failed ({done.returncode}): "
                                  f"{(done.stderr or done.stdout).strip()[-2000:]}")
    return done


def _owner(requested: str | None) -> tuple[str | None, int | None, int | None]:
    if os.geteuid() != 0:
        return None, None, None
    name = requested or "postgres"
    try:
        entry = pwd.getpwnam(name)
    except KeyError as exc:
        raise PgServerUnavailable(f"running as root and there is no {name!r} OS user to own the cluster") from exc
    return name, entry.pw_uid, entry.pw_gid


def start(*, bin_dir: Path | None = None, os_user: str | None = None, base_dir: Path | None = None,
          locale: str = "C.UTF-8", icu_locale: str | None = "en-US") -> PgServer:
    """Create and start a throwaway cluster; raise :class:`PgServerUnavailable` saying why it cannot.

    Args:
        bin_dir: the folder of ``initdb``/``pg_ctl`` (default: :func:`find_bin_dir`).
        os_user: the OS user that owns the cluster when the caller is root (default ``postgres``).
        base_dir: where the temporary cluster folder goes (default: the system temp folder).
        locale: the cluster's locale (``LC_CTYPE``; also the collation without ICU).
        icu_locale: the default collation through ICU, like a production server's language collation, so
            queries that need SQLite's bytewise order must ask for ``COLLATE "C"``; None for the C locale.
    """
    found = bin_dir or find_bin_dir()
    if found is None:
        raise PgServerUnavailable("PostgreSQL server programs (initdb, pg_ctl) not found; install the "
                                  "'postgresql' package")
    user, uid, gid = _owner(os_user)
    root = Path(tempfile.mkdtemp(prefix="tautulli-pg-", dir=base_dir))
    try:
        if uid is not None and gid is not None:
            os.chown(root, uid, gid)
        data = root / "data"
        initdb = [str(found / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync", f"--locale={locale}"]
        done = _run(_as_user(user, [*initdb, "--locale-provider=icu", f"--icu-locale={icu_locale}"]),
                    check=False) if icu_locale else None
        if done is None or done.returncode != 0:
            shutil.rmtree(data, ignore_errors=True)
            _run(_as_user(user, initdb))
        port = _free_port()
        options = " ".join([f"-p {port}", "-c listen_addresses=127.0.0.1", f"-k {root}",
                            *(f"-c {setting}" for setting in _TUNING)])
        _run(_as_user(user, [str(found / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-o",
                             options, "-w", "-t", "60", "start"]))
        return PgServer(root=root, bin_dir=found, port=port, os_user=user)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


@contextlib.contextmanager
def running(**kwargs: object) -> Iterator[PgServer]:
    """:func:`start` as a context manager that always stops and removes the cluster."""
    server = start(**kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
