"""Writing flags back to config.ini (atomic, the rest of the file kept), finding config.ini, persisting a
demotion, and where the flip history lives.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from plexpy import config
from plexpy.commands.flags import HISTORY_FILE, history_path, persist_demotion
from shim.breaker import Demotion
from shim.errors import ConfigError
from shim.flags import FlipHistory
from shim.modes import Mode

TAUTULLI_WRITTEN = """\
# written by Tautulli
[General]
http_port = 8181
home_stats_cards = top_movies, popular_movies
http_password = "s3cret, with a comma"
git_path = ""

[DB_BACKEND]
# one key per domain
default = legacy
Users = legacy

[Monitoring]
tv_watched_percent = 85
"""


def test_a_flag_changes_one_line_and_keeps_the_rest_byte_for_byte(tmp_path: Path) -> None:
    ini = tmp_path / "config.ini"
    ini.write_text(TAUTULLI_WRITTEN, encoding="utf-8")
    os.chmod(ini, 0o600)
    assert config.write_backends(ini, {"users": "shadow", "history": Mode.REVERSE_SHADOW}) is False
    after = ini.read_text(encoding="utf-8")
    expected = TAUTULLI_WRITTEN.replace("Users = legacy", "Users = shadow\nhistory = reverse-shadow")
    assert after == expected, "the existing key keeps its spelling; a new key goes at the end of the section"
    assert stat.S_IMODE(ini.stat().st_mode) == 0o600, "config.ini holds secrets: its permissions are kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.ini"], "no temporary file is left behind"
    settings = config.load(ini, environ={})
    assert settings.shim.backends["users"] is Mode.SHADOW and settings.shim.backends["history"] is Mode.REVERSE_SHADOW
    assert settings.tautulli["HOME_STATS_CARDS"] == ["top_movies", "popular_movies"]


def test_a_missing_file_is_created_with_only_the_flag(tmp_path: Path) -> None:
    ini = tmp_path / "new" / "config.ini"
    assert config.write_backends(ini, {"auth": "shadow"}) is True
    assert ini.read_text(encoding="utf-8") == "[DB_BACKEND]\nauth = shadow\n"
    assert stat.S_IMODE(ini.stat().st_mode) == 0o600


def test_unknown_domains_and_modes_change_nothing(tmp_path: Path) -> None:
    ini = tmp_path / "config.ini"
    ini.write_text(TAUTULLI_WRITTEN, encoding="utf-8")
    with pytest.raises(ConfigError, match="valid domains"):
        config.write_backends(ini, {"nope": "shadow"})
    with pytest.raises(ConfigError, match="valid modes"):
        config.write_backends(ini, {"users": "sideways"})
    assert ini.read_text(encoding="utf-8") == TAUTULLI_WRITTEN


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ini = tmp_path / "config.ini"
    ini.write_text(TAUTULLI_WRITTEN, encoding="utf-8")

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(config.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        config.write_backends(ini, {"users": "shadow"})
    assert ini.read_text(encoding="utf-8") == TAUTULLI_WRITTEN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.ini"]


def test_config_ini_is_found_by_option_environment_data_dir_then_cwd(tmp_path: Path) -> None:
    assert config.locate_config(tmp_path / "a.ini", {"TAUTULLI_CONFIG": "b.ini"}) == tmp_path / "a.ini"
    assert config.locate_config(None, {"TAUTULLI_CONFIG": "b.ini", "TAUTULLI_DATA_DIR": "/d"}) == Path("b.ini")
    assert config.locate_config(None, {"TAUTULLI_DATA_DIR": "/d"}) == Path("/d/config.ini")
    assert config.locate_config(None, {}) == Path("config.ini")


def test_new_settings_load_from_the_file_and_the_environment(tmp_path: Path) -> None:
    ini = tmp_path / "config.ini"
    ini.write_text("[Gate]\nmin_calls = 7\nmax_error_rate = 0.5\n[Shim]\nrecheck = 0\ndemote_failures = 2\n",
                   encoding="utf-8")
    settings = config.load(ini, environ={"TAUTULLI_GATE_MAX_LATENCY_RATIO": "3", "TAUTULLI_SHIM_DEMOTE_WINDOW": "9"})
    gate = settings.shim.gate
    assert (gate.min_calls, gate.max_error_rate, gate.max_latency_ratio, gate.min_operations) == (7, 0.5, 3.0, 5)
    assert (settings.shim.recheck, settings.shim.demote_failures, settings.shim.demote_window) == (False, 2, 9)
    with pytest.raises(ConfigError, match="cannot exceed demote_window"):
        config.load(ini, environ={"TAUTULLI_SHIM_DEMOTE_WINDOW": "1"})
    with pytest.raises(ConfigError, match="gate_max_error_rate"):
        config.load(ini, environ={"TAUTULLI_GATE_MAX_ERROR_RATE": "2"})


def test_the_flip_history_lives_beside_config_ini_unless_a_setting_names_it(tmp_path: Path) -> None:
    ini = tmp_path / "etc" / "config.ini"
    assert history_path(config.load(ini, environ={})) == tmp_path / "etc" / HISTORY_FILE
    named = config.load(ini, environ={"TAUTULLI_SHIM_FLIP_HISTORY": str(tmp_path / "h.jsonl")})
    assert history_path(named) == tmp_path / "h.jsonl"
    assert history_path(config.load(None, environ={})) == Path("parity_reports") / HISTORY_FILE


def test_a_persisted_demotion_writes_config_ini_and_the_history(tmp_path: Path) -> None:
    ini = tmp_path / "config.ini"
    ini.write_text("[DB_BACKEND]\nusers = reverse-shadow\n", encoding="utf-8")
    settings = config.load(ini, environ={})
    persist_demotion(settings)(Demotion("users", Mode.REVERSE_SHADOW, Mode.SHADOW, 3, 100, 1_768_478_400.0))
    assert config.load(ini, environ={}).shim.backends["users"] is Mode.SHADOW
    (entry,) = FlipHistory(tmp_path / HISTORY_FILE).entries()
    assert (entry["kind"], entry["from"], entry["to"], entry["user"]) == ("demoted", "reverse-shadow", "shadow",
                                                                          "circuit breaker")
