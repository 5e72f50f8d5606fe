"""Configuration: Tautulli's ``config.ini`` plus the project's own settings, parsed once and frozen.

This is the only module that reads ``os.environ``. Precedence, highest first: command-line overrides,
environment (``TAUTULLI_DB_URL``, ``TAUTULLI_DB_BACKEND_<DOMAIN>``, ``TAUTULLI_DATA_DIR``, ``TAUTULLI_SHIM_*``,
``TAUTULLI_GATE_*``), ``config.ini``, defaults. It is also the only writer of ``config.ini``:
:func:`write_backends` sets ``[DB_BACKEND]`` keys atomically and keeps the rest of the file. Tautulli keys
are upper-case in code and lower-case in the file, in the sections Tautulli uses (``[General]``, ``[PMS]``,
``[Monitoring]`` ...).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from configobj import ConfigObj, ConfigObjError
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from plexpy.domains import DOMAINS
from shim.errors import ConfigError
from shim.gate import GateRules
from shim.modes import Mode

__all__ = [
    "CONFIG_ENV",
    "HISTORY_FILE",
    "SETTINGS",
    "TAUTULLI_KEYS",
    "BackupSettings",
    "ConfigError",
    "DbSettings",
    "Setting",
    "Settings",
    "ShimSettings",
    "demotion_recorder",
    "flip_history_path",
    "load",
    "locate_config",
    "write_backends",
]

if TYPE_CHECKING:
    pass

DATA_DIR_TOKEN = "{DATA_DIR}"
#: Name of the flip history (every flip, override, rollback and demotion) beside config.ini.
HISTORY_FILE = "flip_history.jsonl"
#: Environment variable naming Tautulli's config.ini (else ``$TAUTULLI_DATA_DIR/config.ini``, else ./config.ini).
CONFIG_ENV = "TAUTULLI_CONFIG"


@dataclass(frozen=True, slots=True)
class TautulliKey:
    """One Tautulli config key the data layer reads: its section in config.ini, type and v2.17.2 default."""

    name: str
    section: str
    kind: type
    default: Any


def _keys(*rows: tuple[str, str, type, Any]) -> dict[str, TautulliKey]:
    return {name: TautulliKey(name, section, kind, default) for name, section, kind, default in rows}


_DEFAULT_STATS_CARDS = [
    "top_movies", "popular_movies", "top_tv", "popular_tv", "top_music", "popular_music",
    "last_watched", "top_libraries", "top_users", "top_platforms", "most_concurrent",
]

#: Every Tautulli v2.17.2 config key the data layer reads, at Tautulli's defaults.
TAUTULLI_KEYS: Mapping[str, TautulliKey] = MappingProxyType(_keys(
    ("ALLOW_GUEST_ACCESS", "General", int, 0),
    ("API_KEY", "General", str, ""),
    ("API_SQL", "General", int, 0),
    ("BACKUP_DAYS", "General", int, 3),
    ("BACKUP_DIR", "General", str, ""),
    ("CACHE_DIR", "General", str, ""),
    ("CACHE_SIZEMB", "Advanced", int, 32),
    ("CLOUDINARY_API_KEY", "Cloudinary", str, ""),
    ("CLOUDINARY_API_SECRET", "Cloudinary", str, ""),
    ("CLOUDINARY_CLOUD_NAME", "Cloudinary", str, ""),
    ("DATE_FORMAT", "General", str, "YYYY-MM-DD"),
    ("ENABLE_HTTPS", "General", int, 0),
    ("EXPORT_DIR", "General", str, ""),
    ("FIRST_RUN_COMPLETE", "General", int, 0),
    ("GROUP_HISTORY_TABLES", "General", int, 1),
    ("HISTORY_TABLE_ACTIVITY", "General", int, 1),
    ("HOME_LIBRARY_CARDS", "General", list, []),
    ("HOME_STATS_CARDS", "General", list, _DEFAULT_STATS_CARDS),
    ("HTTP_BASE_URL", "General", str, ""),
    ("HTTP_PLEX_ADMIN", "General", int, 1),
    ("HTTP_HOST", "General", str, "0.0.0.0"),  # noqa: S104 - Tautulli's default, a value, never bound here
    ("HTTP_PORT", "General", int, 8181),
    ("HTTP_RATE_LIMIT_ATTEMPTS", "General", int, 10),
    ("HTTP_RATE_LIMIT_ATTEMPTS_INTERVAL", "General", int, 300),
    ("HTTP_RATE_LIMIT_LOCKOUT_TIME", "General", int, 300),
    ("IMGUR_CLIENT_ID", "Monitoring", str, ""),
    ("JOURNAL_MODE", "Advanced", str, "WAL"),
    ("LOG_DIR", "General", str, ""),
    ("LOGGING_IGNORE_INTERVAL", "Monitoring", int, 120),
    ("MOVIE_WATCHED_PERCENT", "Monitoring", int, 85),
    ("MUSIC_WATCHED_PERCENT", "Monitoring", int, 85),
    ("MUSICBRAINZ_LOOKUP", "General", int, 0),
    ("NEWSLETTER_DIR", "Newsletter", str, ""),
    ("NEWSLETTER_PASSWORD", "Newsletter", str, ""),
    ("NEWSLETTER_SELF_HOSTED", "Newsletter", int, 0),
    ("NOTIFY_CONSECUTIVE", "Monitoring", int, 1),
    ("NOTIFY_CONTINUED_SESSION_THRESHOLD", "Monitoring", int, 15),
    ("NOTIFY_GROUP_RECENTLY_ADDED_GRANDPARENT", "Monitoring", int, 1),
    ("NOTIFY_GROUP_RECENTLY_ADDED_PARENT", "Monitoring", int, 1),
    ("NOTIFY_NEW_DEVICE_INITIAL_ONLY", "Monitoring", int, 1),
    ("NOTIFY_TEXT_EVAL", "Advanced", int, 0),
    ("NOTIFY_UPLOAD_POSTERS", "Monitoring", int, 0),
    ("PMS_CLIENT_ID", "PMS", str, ""),
    ("PMS_IDENTIFIER", "PMS", str, ""),
    ("PMS_IP", "PMS", str, "127.0.0.1"),
    ("PMS_IS_REMOTE", "PMS", int, 0),
    ("PMS_LANGUAGE", "PMS", str, ""),
    ("PMS_NAME", "PMS", str, ""),
    ("PMS_NAME_OVERRIDE", "PMS", str, ""),
    ("PMS_PORT", "PMS", int, 32400),
    ("PMS_SSL", "PMS", int, 0),
    ("PMS_TIMEOUT", "Advanced", int, 15),
    ("PMS_TOKEN", "PMS", str, ""),
    ("PMS_URL", "PMS", str, ""),
    ("PMS_URL_OVERRIDE", "PMS", str, ""),
    ("PMS_UUID", "PMS", str, ""),
    ("PMS_VERSION", "PMS", str, ""),
    ("PMS_WEB_URL", "PMS", str, "https://app.plex.tv/desktop"),
    ("SYNCHRONOUS_MODE", "Advanced", str, "NORMAL"),
    ("THEMOVIEDB_APIKEY", "General", str, ""),
    ("THEMOVIEDB_LOOKUP", "General", int, 0),
    ("TIME_FORMAT", "General", str, "HH:mm"),
    ("TV_WATCHED_PERCENT", "Monitoring", int, 85),
    ("TVMAZE_LOOKUP", "General", int, 0),
    ("VERIFY_SSL_CERT", "Advanced", int, 1),
    ("WATCHED_MARKER", "Monitoring", int, 3),
    ("WEEK_START_MONDAY", "General", int, 0),
))


def _parse_bool(value: object) -> bool:
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected a boolean (1/0, true/false), got {value!r}")


def _parse_fraction(value: object) -> float:
    number = float(str(value))
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"expected a number between 0 and 1, got {value!r}")
    return number


def _parse_positive(value: object) -> float:
    number = float(str(value))
    if number <= 0:
        raise ValueError(f"expected a positive number, got {value!r}")
    return number


def _parse_count(value: object) -> int:
    number = int(str(value))
    if number < 0:
        raise ValueError(f"expected a whole number >= 0, got {value!r}")
    return number


def _parse_at_least_one(value: object) -> int:
    number = int(str(value))
    if number < 1:
        raise ValueError(f"expected a whole number >= 1, got {value!r}")
    return number


def _parse_non_negative(value: object) -> float:
    number = float(str(value))
    if number < 0:
        raise ValueError(f"expected a number >= 0, got {value!r}")
    return number


def _parse_tz(value: object) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415 - only needed when set

    name = str(value).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}; expected an IANA name such as Europe/Paris") from exc
    return name


def _machine_tz(environ: Mapping[str, str]) -> str:
    """The machine's IANA zone: ``TZ`` if valid, else the target of /etc/localtime, else UTC."""
    candidates = [environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name:
            try:
                return _parse_tz(name)
            except ValueError:
                continue
    return "UTC"


@dataclass(frozen=True, slots=True)
class Setting:
    """One project setting: where it lives in config.ini, its environment variable, default and parser."""

    name: str
    section: str
    key: str
    env: str | None
    default: Any
    help: str
    parse: Callable[[object], Any] = str


#: The project's own settings (Tautulli's keys are in TAUTULLI_KEYS). docs/settings.md lists every one.
SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "General", "data_dir", "TAUTULLI_DATA_DIR", ".", "Tautulli's data folder; "
            "the default database is tautulli.db inside it.", str),
    Setting("db_url", "Database", "db_url", "TAUTULLI_DB_URL", None, "SQLAlchemy URL of the database; "
            "unset means sqlite:///<data_dir>/tautulli.db.", str),
    Setting("second_db_url", "Database", "second_db_url", "TAUTULLI_SECOND_DB_URL", None,
            "SQLAlchemy URL of a second store (PostgreSQL) that every write to the SQLite database is also "
            "applied to, through a durable outbox; unset means no dual write.", str),
    Setting("outbox_path", "Database", "outbox_path", "TAUTULLI_OUTBOX_PATH", None,
            "The dual-write outbox file; unset means <database>.outbox.sqlite beside the database.", str),
    Setting("backend_default", "DB_BACKEND", "default", "TAUTULLI_DB_BACKEND_DEFAULT", "legacy",
            "Mode of every domain without its own key: legacy, shadow, reverse-shadow or sqlalchemy.", Mode.parse),
    Setting("timezone", "General", "timezone", "TAUTULLI_TZ", None, "IANA time zone that SQLite's "
            "'localtime' stands for on every backend; unset means the machine's zone (TZ, /etc/localtime).",
            _parse_tz),
    Setting("sample_rate", "Shim", "sample_rate", "TAUTULLI_SHIM_SAMPLE_RATE", 1.0,
            "Share of routed calls (0..1) in which the compared path also runs.", _parse_fraction),
    Setting("candidate_timeout", "Shim", "candidate_timeout", "TAUTULLI_SHIM_CANDIDATE_TIMEOUT", 5.0,
            "Seconds the compared path may take before it is stopped and recorded as timed out.", _parse_positive),
    Setting("off_thread", "Shim", "off_thread", "TAUTULLI_SHIM_OFF_THREAD", False,
            "Run the compared path of reads on a bounded pool off the caller's thread.", _parse_bool),
    Setting("pool_size", "Shim", "pool_size", "TAUTULLI_SHIM_POOL_SIZE", 2,
            "Worker threads of the compared-path pool.", _parse_count),
    Setting("queue_size", "Shim", "queue_size", "TAUTULLI_SHIM_QUEUE_SIZE", 64,
            "Compared calls that may wait for the pool before new ones are shed.", _parse_count),
    Setting("report_dir", "Shim", "report_dir", "TAUTULLI_SHIM_REPORT_DIR", "parity_reports",
            "Folder of parity report runs.", str),
    Setting("recheck", "Shim", "recheck", "TAUTULLI_SHIM_RECHECK", True,
            "When the two paths of a read disagree, run both once more and label the mismatch race or real.",
            _parse_bool),
    Setting("demote_failures", "Shim", "demote_failures", "TAUTULLI_SHIM_DEMOTE_FAILURES", 3,
            "Failed comparisons, among a reverse-shadow domain's last demote_window, that move it back to "
            "shadow by itself (0 turns the circuit breaker off).", _parse_count),
    Setting("demote_window", "Shim", "demote_window", "TAUTULLI_SHIM_DEMOTE_WINDOW", 100,
            "How many of a domain's latest compared calls the circuit breaker looks at.", _parse_at_least_one),
    Setting("flip_history", "Shim", "flip_history", "TAUTULLI_SHIM_FLIP_HISTORY", None,
            "JSON-lines file recording every flip, forced override, rollback and demotion; unset means "
            "flip_history.jsonl beside config.ini.", str),
    Setting("gate_min_calls", "Gate", "min_calls", "TAUTULLI_GATE_MIN_CALLS", 100,
            "Compared calls a domain needs (in its current mode, since its last flip) before it moves forward.",
            _parse_count),
    Setting("gate_min_operations", "Gate", "min_operations", "TAUTULLI_GATE_MIN_OPERATIONS", 5,
            "Distinct operations those calls must cover (capped at the domain's number of operations).",
            _parse_count),
    Setting("gate_max_mismatches", "Gate", "max_mismatches", "TAUTULLI_GATE_MAX_MISMATCHES", 0,
            "Unexplained mismatches (not labelled races) a domain may have and still move forward.", _parse_count),
    Setting("gate_max_error_rate", "Gate", "max_error_rate", "TAUTULLI_GATE_MAX_ERROR_RATE", 0.001,
            "Largest share (0..1) of calls whose compared path raised or timed out.", _parse_fraction),
    Setting("gate_max_latency_ratio", "Gate", "max_latency_ratio", "TAUTULLI_GATE_MAX_LATENCY_RATIO", 2.0,
            "p95 of the SQLAlchemy path over p95 of the legacy path above which (and above the floor) the "
            "flip is refused as a latency regression.", _parse_positive),
    Setting("gate_latency_floor_ms", "Gate", "latency_floor_ms", "TAUTULLI_GATE_LATENCY_FLOOR_MS", 50.0,
            "Milliseconds (p95) the SQLAlchemy path may be slower than the legacy one whatever the ratio.",
            _parse_non_negative),
    Setting("backup_on_first_run", "Backup", "first_run", "TAUTULLI_BACKUP_FIRST_RUN", True,
            "The first time the data layer opens a SQLite database (and before `migrate`), back it up into "
            "backups/ beside it, once (marker backups/first_run.json).", _parse_bool),
    Setting("backup_keep", "Backup", "keep", "TAUTULLI_BACKUP_KEEP", 5,
            "How many backups taken by tautulli-db (with a .json manifest) a folder keeps; older ones are "
            "deleted after each backup, first-run backups never.", _parse_at_least_one),
)

_SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True, slots=True)
class DbSettings:
    """Where the database is."""

    url: URL
    data_dir: Path
    timezone: str = "UTC"
    second_url: URL | None = None
    outbox_path: Path | None = None

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file of the URL, or None for a server database or an in-memory one."""
        if self.url.get_backend_name() != "sqlite" or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)


@dataclass(frozen=True, slots=True)
class ShimSettings:
    """The slice of settings the shim receives."""

    backends: Mapping[str, Mode]
    sample_rate: float = 1.0
    candidate_timeout: float = 5.0
    off_thread: bool = False
    pool_size: int = 2
    queue_size: int = 64
    report_dir: Path = Path("parity_reports")
    sources: Mapping[str, str] = field(default_factory=dict)
    recheck: bool = True
    demote_failures: int = 3
    demote_window: int = 100
    flip_history: Path | None = None
    gate: GateRules = field(default_factory=GateRules)


@dataclass(frozen=True, slots=True)
class BackupSettings:
    """Backups taken by the data layer itself."""

    first_run: bool = True
    keep: int = 5


@dataclass(frozen=True, slots=True)
class Settings:
    """The whole configuration, validated. Built once by :func:`load`."""

    db: DbSettings
    shim: ShimSettings
    tautulli: Mapping[str, Any]
    config_path: Path | None = None
    backup: BackupSettings = field(default_factory=BackupSettings)

    def tautulli_value(self, name: str) -> Any:
        """A Tautulli config value by its upper-case name (KeyError for keys the data layer never reads)."""
        return self.tautulli[name]


def _read_ini(path: Path | None) -> ConfigObj:
    if path is None or not path.exists():
        return ConfigObj()
    try:
        return ConfigObj(str(path), encoding="utf-8", file_error=True)
    except (ConfigObjError, OSError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


def _coerce_tautulli(key: TautulliKey, raw: object, data_dir: Path) -> Any:
    if key.kind is list:
        if isinstance(raw, (list, tuple)):
            return list(raw)
        text = str(raw).strip()
        return [item.strip() for item in text.split(",") if item.strip()] if text else []
    if key.kind is int:
        try:
            return int(str(raw).strip())
        except ValueError as exc:
            raise ConfigError(f"{key.section}.{key.name.lower()}: expected a whole number, got {raw!r}") from exc
    text = str(raw)
    return text.replace(DATA_DIR_TOKEN, str(data_dir)) if DATA_DIR_TOKEN in text else text


def resolve_tautulli_value(name: str, raw: object, data_dir: Path) -> Any:
    """Coerce one Tautulli config value (e.g. from a recorded overlay) to its key's type.

    Unknown names pass through unchanged, with ``{DATA_DIR}`` expanded in strings.
    """
    key = TAUTULLI_KEYS.get(name)
    if key is None:
        return str(raw).replace(DATA_DIR_TOKEN, str(data_dir)) if isinstance(raw, str) else raw
    if isinstance(raw, str) or key.kind is list:
        return _coerce_tautulli(key, raw, data_dir)
    return raw


def _pick(name: str, ini: ConfigObj, environ: Mapping[str, str], overrides: Mapping[str, Any]) -> tuple[Any, str]:
    setting = _SETTINGS_BY_NAME[name]
    if overrides.get(name) is not None:
        return overrides[name], "command line"
    if setting.env and environ.get(setting.env, "") != "":
        return environ[setting.env], f"environment {setting.env}"
    section = ini.get(setting.section, {})
    if isinstance(section, Mapping) and setting.key in section:
        return section[setting.key], f"config.ini [{setting.section}] {setting.key}"
    return setting.default, "default"


def _parsed(name: str, ini: ConfigObj, environ: Mapping[str, str], overrides: Mapping[str, Any]) -> Any:
    raw, source = _pick(name, ini, environ, overrides)
    if raw is None:
        return None
    try:
        return _SETTINGS_BY_NAME[name].parse(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} ({source}): {exc}") from exc


def _backends(
    ini: ConfigObj, environ: Mapping[str, str], overrides: Mapping[str, Any]
) -> tuple[dict[str, Mode], dict[str, str]]:
    valid_domains = ", ".join(DOMAINS)
    section = ini.get("DB_BACKEND", {})
    for key in section:
        if key.lower() != "default" and key.lower() not in DOMAINS:
            raise ConfigError(f"config.ini [DB_BACKEND] {key}: unknown domain; valid domains: {valid_domains}, default")
    prefix = "TAUTULLI_DB_BACKEND_"
    for var in environ:
        if var.startswith(prefix) and var[len(prefix):].lower() not in (*DOMAINS, "default"):
            raise ConfigError(f"{var}: unknown domain; valid domains: {valid_domains}, default")
    cli_backends: Mapping[str, Any] = overrides.get("backends") or {}
    for key in cli_backends:
        if key not in (*DOMAINS, "default"):
            raise ConfigError(f"--backend {key}: unknown domain; valid domains: {valid_domains}, default")

    default = _parsed("backend_default", ini, environ, {"backend_default": cli_backends.get("default")})
    modes: dict[str, Mode] = {}
    sources: dict[str, str] = {}
    lowered = {k.lower(): v for k, v in section.items()}
    for domain in DOMAINS:
        env_var = prefix + domain.upper()
        if cli_backends.get(domain) is not None:
            raw, source = cli_backends[domain], "command line"
        elif environ.get(env_var, "") != "":
            raw, source = environ[env_var], f"environment {env_var}"
        elif domain in lowered:
            raw, source = lowered[domain], f"config.ini [DB_BACKEND] {domain}"
        else:
            modes[domain], sources[domain] = default, "default"
            continue
        try:
            modes[domain] = Mode.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{domain} ({source}): {exc}") from exc
        sources[domain] = source
    return modes, sources


def _db_url(raw: str | None, data_dir: Path) -> URL:
    if raw is None or str(raw).strip() == "":
        return URL.create("sqlite", database=str(data_dir / "tautulli.db"))
    try:
        url = make_url(str(raw).strip())
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise ConfigError(
            "db_url: malformed database URL; expected e.g. sqlite:///path/tautulli.db or "
            "postgresql+psycopg://user@host/dbname"
        ) from exc
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"db_url: unsupported backend {url.get_backend_name()!r}; valid: sqlite, postgresql")
    return url


def load(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the validated settings from defaults, config.ini, environment and overrides.

    Args:
        path: Tautulli's ``config.ini`` (optional; a missing file means defaults).
        environ: the environment (defaults to ``os.environ``).
        overrides: command-line values by setting name; ``backends`` maps domain → mode.

    Raises:
        ConfigError: an unknown domain or mode, a malformed URL or number, an unreadable file.
    """
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    config_path = Path(path) if path is not None else None
    ini = _read_ini(config_path)

    data_dir = Path(_parsed("data_dir", ini, environ, overrides)).expanduser()
    url = _db_url(_parsed("db_url", ini, environ, overrides), data_dir)
    timezone = _parsed("timezone", ini, environ, overrides) or _machine_tz(environ)
    modes, sources = _backends(ini, environ, overrides)

    tautulli: dict[str, Any] = {}
    lowered_sections = {name.lower(): section for name, section in ini.items() if isinstance(section, Mapping)}
    for key in TAUTULLI_KEYS.values():
        section = lowered_sections.get(key.section.lower(), {})
        raw = section.get(key.name.lower(), key.default)
        tautulli[key.name] = _coerce_tautulli(key, raw, data_dir)

    shim = ShimSettings(
        backends=MappingProxyType(modes),
        sample_rate=_parsed("sample_rate", ini, environ, overrides),
        candidate_timeout=_parsed("candidate_timeout", ini, environ, overrides),
        off_thread=_parsed("off_thread", ini, environ, overrides),
        pool_size=_parsed("pool_size", ini, environ, overrides),
        queue_size=_parsed("queue_size", ini, environ, overrides),
        report_dir=Path(_parsed("report_dir", ini, environ, overrides)),
        sources=MappingProxyType(sources),
        recheck=_parsed("recheck", ini, environ, overrides),
        demote_failures=_parsed("demote_failures", ini, environ, overrides),
        demote_window=_parsed("demote_window", ini, environ, overrides),
        flip_history=_optional_path(_parsed("flip_history", ini, environ, overrides)),
        gate=_gate(ini, environ, overrides),
    )
    if shim.demote_failures > shim.demote_window:
        raise ConfigError(f"demote_failures ({shim.demote_failures}) cannot exceed demote_window "
                          f"({shim.demote_window})")
    return Settings(
        db=DbSettings(url=url, data_dir=data_dir, timezone=timezone,
                      second_url=_second_url(_parsed("second_db_url", ini, environ, overrides), data_dir),
                      outbox_path=_optional_path(_parsed("outbox_path", ini, environ, overrides))),
        shim=shim,
        tautulli=MappingProxyType(tautulli),
        config_path=config_path,
        backup=BackupSettings(first_run=_parsed("backup_on_first_run", ini, environ, overrides),
                              keep=_parsed("backup_keep", ini, environ, overrides)),
    )


def _second_url(raw: str | None, data_dir: Path) -> URL | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        return _db_url(raw, data_dir)
    except ConfigError as exc:
        raise ConfigError(str(exc).replace("db_url", "second_db_url", 1)) from exc


def _optional_path(value: str | None) -> Path | None:
    return None if value is None or str(value).strip() == "" else Path(str(value)).expanduser()


def _gate(ini: ConfigObj, environ: Mapping[str, str], overrides: Mapping[str, Any]) -> GateRules:
    return GateRules(
        min_calls=_parsed("gate_min_calls", ini, environ, overrides),
        min_operations=_parsed("gate_min_operations", ini, environ, overrides),
        max_mismatches=_parsed("gate_max_mismatches", ini, environ, overrides),
        max_error_rate=_parsed("gate_max_error_rate", ini, environ, overrides),
        max_latency_ratio=_parsed("gate_max_latency_ratio", ini, environ, overrides),
        latency_floor_ms=_parsed("gate_latency_floor_ms", ini, environ, overrides),
    )


def locate_config(explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """Where Tautulli's config.ini is: ``explicit``, else ``TAUTULLI_CONFIG``, else in ``TAUTULLI_DATA_DIR``, else ./.

    The file need not exist (a missing file means defaults; ``flip`` creates it).
    """
    environ = os.environ if environ is None else environ
    if explicit is not None:
        return Path(explicit).expanduser()
    if environ.get(CONFIG_ENV, "").strip():
        return Path(environ[CONFIG_ENV]).expanduser()
    if environ.get("TAUTULLI_DATA_DIR", "").strip():
        return Path(environ["TAUTULLI_DATA_DIR"]).expanduser() / "config.ini"
    return Path("config.ini")


# config.ini writing lives in its own module; re-exported here for callers that use ``config.write_backends``.
from plexpy.config_file import demotion_recorder, flip_history_path, write_backends  # noqa: E402

__all__ += ["demotion_recorder", "flip_history_path", "write_backends"]
