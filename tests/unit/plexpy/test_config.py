from __future__ import annotations

from pathlib import Path

import pytest

from plexpy import config
from shim.errors import ConfigError
from shim.modes import Mode


def write_ini(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.ini"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_point_at_tautulli_db_in_the_data_dir(tmp_path: Path) -> None:
    settings = config.load(None, environ={"TAUTULLI_DATA_DIR": str(tmp_path)})
    assert settings.db.sqlite_path == tmp_path / "tautulli.db"
    assert set(settings.shim.backends.values()) == {Mode.LEGACY}
    assert settings.tautulli["GROUP_HISTORY_TABLES"] == 1
    assert settings.tautulli["HOME_STATS_CARDS"][0] == "top_movies"


def test_config_ini_is_read_with_tautulli_sections(tmp_path: Path) -> None:
    ini = write_ini(tmp_path, "[General]\ngroup_history_tables = 0\nhome_stats_cards = top_tv, top_users\n"
                              "[Database]\ndb_url = sqlite:////tmp/x.db\n"
                              "[DB_BACKEND]\ndefault = shadow\nusers = sqlalchemy\n")
    settings = config.load(ini, environ={})
    assert settings.tautulli["GROUP_HISTORY_TABLES"] == 0
    assert settings.tautulli["HOME_STATS_CARDS"] == ["top_tv", "top_users"]
    assert str(settings.db.url) == "sqlite:////tmp/x.db"
    assert settings.shim.backends["users"] is Mode.SQLALCHEMY
    assert settings.shim.backends["history"] is Mode.SHADOW
    assert settings.shim.sources["users"] == "config.ini [DB_BACKEND] users"


def test_precedence_cli_over_env_over_ini_over_default(tmp_path: Path) -> None:
    ini = write_ini(tmp_path, "[Database]\ndb_url = sqlite:////ini.db\n[DB_BACKEND]\nusers = shadow\n")
    env = {"TAUTULLI_DB_URL": "sqlite:////env.db", "TAUTULLI_DB_BACKEND_USERS": "reverse-shadow"}
    assert str(config.load(ini, environ={}).db.url) == "sqlite:////ini.db"
    from_env = config.load(ini, environ=env)
    assert str(from_env.db.url) == "sqlite:////env.db"
    assert from_env.shim.backends["users"] is Mode.REVERSE_SHADOW
    from_cli = config.load(ini, environ=env, overrides={"db_url": "sqlite:////cli.db", "backends": {"users": "legacy"}})
    assert str(from_cli.db.url) == "sqlite:////cli.db"
    assert from_cli.shim.backends["users"] is Mode.LEGACY
    assert from_cli.shim.sources["users"] == "command line"


def test_data_dir_token_in_values(tmp_path: Path) -> None:
    ini = write_ini(tmp_path, "[General]\nexport_dir = {DATA_DIR}/exports\n")
    settings = config.load(ini, environ={"TAUTULLI_DATA_DIR": str(tmp_path)})
    assert settings.tautulli["EXPORT_DIR"] == f"{tmp_path}/exports"
    assert config.resolve_tautulli_value("CACHE_DIR", "{DATA_DIR}/cache", tmp_path) == f"{tmp_path}/cache"


@pytest.mark.parametrize(
    ("ini_text", "environ", "message"),
    [
        ("[DB_BACKEND]\nuserz = shadow\n", {}, "unknown domain; valid domains: users"),
        ("[DB_BACKEND]\nusers = shadowy\n", {}, "valid modes: legacy, shadow, reverse-shadow, sqlalchemy"),
        ("", {"TAUTULLI_DB_BACKEND_NOPE": "legacy"}, "TAUTULLI_DB_BACKEND_NOPE: unknown domain"),
        ("", {"TAUTULLI_DB_URL": "::not a url::"}, "malformed database URL"),
        ("", {"TAUTULLI_DB_URL": "mysql://u@h/db"}, "unsupported backend 'mysql'"),
        ("[Shim]\nsample_rate = 2\n", {}, "between 0 and 1"),
        ("[General]\ngroup_history_tables = yes\n", {}, "expected a whole number"),
        ("", {"TAUTULLI_TZ": "Mars/Olympus"}, "unknown time zone"),
    ],
)
def test_bad_configuration_is_a_clear_error(tmp_path: Path, ini_text: str, environ: dict, message: str) -> None:
    ini = write_ini(tmp_path, ini_text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        config.load(ini, environ=environ)


def test_url_password_is_not_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        config.load(None, environ={"TAUTULLI_DB_URL": "oracle://scott:tiger-secret@h/db"})
    assert "tiger-secret" not in str(info.value)
