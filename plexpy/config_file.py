"""Writing Tautulli's ``config.ini``: the ``[DB_BACKEND]`` flags (atomically) and the flip history's place.

Reading and validating configuration stays in ``plexpy/config.py``; this module only writes, with ConfigObj as
Tautulli does, preserving every other section, key and comment.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from configobj import ConfigObj, ConfigObjError

from plexpy.domains import DOMAINS
from shim.errors import ConfigError
from shim.flags import FlipHistory
from shim.modes import Mode

if TYPE_CHECKING:
    from plexpy.config import Settings
    from shim.breaker import Demotion

__all__ = ["demotion_recorder", "flip_history_path", "write_backends"]

def write_backends(path: str | os.PathLike[str], modes: Mapping[str, Mode | str]) -> bool:
    """Set ``[DB_BACKEND]`` keys of config.ini atomically; return True when the file was created.

    The file is read and written with ConfigObj (as Tautulli does), so every other section, key and comment
    stays; the new text goes to a temporary file in the same folder, is synced, takes the old file's
    permissions and replaces it in one rename. A reader sees the old file or the new one, never half of one.

    Raises:
        ConfigError: a key is not a domain (or ``default``), a mode is unknown, or the file cannot be read.
    """
    target = Path(path)
    for domain, mode in modes.items():
        if domain not in (*DOMAINS, "default"):
            raise ConfigError(f"unknown domain {domain!r}; valid domains: {', '.join(DOMAINS)}, default")
        try:
            Mode.parse(str(mode))
        except ValueError as exc:
            raise ConfigError(f"{domain}: {exc}") from exc
    created = not target.exists()
    if created:
        ini = ConfigObj(encoding="utf-8", interpolation=False)
    else:
        try:
            ini = ConfigObj(str(target), encoding="utf-8", interpolation=False, file_error=True)
        except (ConfigObjError, OSError) as exc:
            raise ConfigError(f"cannot read {target}: {exc}") from exc
    if "DB_BACKEND" not in ini:
        ini["DB_BACKEND"] = {}
    section = ini["DB_BACKEND"]
    for domain, mode in modes.items():
        key = next((k for k in section.scalars if k.lower() == domain), domain)
        section[key] = Mode.parse(str(mode)).value
    ini.filename = None
    newline = (ini.newlines or "\n").encode("utf-8")
    data = newline.join(line if isinstance(line, bytes) else line.encode("utf-8") for line in ini.write()) + newline
    _replace_atomically(target, data)
    return created


def _replace_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o600
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (not possible on every platform)
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def flip_history_path(settings: Settings) -> Path:
    """The flip history: the ``flip_history`` setting, else beside config.ini, else in the report folder."""
    if settings.shim.flip_history is not None:
        return settings.shim.flip_history
    if settings.config_path is not None:
        return settings.config_path.parent / _history_file()
    return settings.shim.report_dir / _history_file()


def demotion_recorder(settings: Settings) -> Callable[[Demotion], None]:
    """A circuit-breaker listener that persists a demotion: config.ini (if there is one) and the flip history.

    Wire it with ``shim.breaker.attach(router, listeners=[demotion_recorder(settings)])`` so that a restart
    does not promote a domain the breaker moved back.
    """

    def record(demotion: Demotion) -> None:
        if settings.config_path is not None:
            write_backends(settings.config_path, {demotion.domain: demotion.after})
        FlipHistory(flip_history_path(settings)).append({
            **demotion.as_dict(), "kind": "demoted", "user": "circuit breaker",
            "config": str(settings.config_path) if settings.config_path else None,
        })

    return record


def _history_file() -> str:
    from plexpy.config import HISTORY_FILE  # noqa: PLC0415 - config imports this module at its end

    return HISTORY_FILE
