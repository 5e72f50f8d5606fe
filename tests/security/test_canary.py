"""Secrets canary: unique secrets planted in the database, config and URLs never come out in clear text.

Each canary is a string found nowhere else. They are planted where Tautulli keeps secrets (the Plex token and
API key in config.ini, users' tokens and e-mail, IP addresses of plays and logins, a notifier's bot token, a
mobile device's token, a password in ``DB_URL``/``TAUTULLI_DB_URL``), then pushed through every path that logs
or reports: structlog JSON at DEBUG, parity events with mismatch samples from a deliberately wrong twin,
compared-path errors (a SQLAlchemy error carrying bound parameters), the parity run's report files, the
``flags``/``verify``/``replay`` CLI output, and ``copy``/``reconcile`` output and JSON reports (also on a
connection failure). Every captured output and every file written under the output folder is scanned.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from plexpy import bootstrap, config, context, logsetup, runtime
from plexpy.cli import cli
from plexpy.mobile_app import get_mobile_devices
from plexpy.users import Users

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
NOW = 1768478400

CANARIES = {
    "db_password": "CnryDbPass4417x",
    "pms_token": "CnryPmsTok9Zq4Wd8Lk2",
    "api_key": "c0ffee11ca9a7e22beef33aa44dd55ee",
    "cloudinary_secret": "CnryCldSecret_77Kq",
    "bot_token": "123456789:AAHcnryBotTok7kq2LmZ9xWvP3",
    "user_token": "CnryUsrTokQ81mZ0pL7w",
    "server_token": "CnrySrvTokB52nX9cV4e",
    "device_token": "CnryDevTok5h8J2kL0pQ",
    "onesignal": "0c4a11e0-cafe-4b0b-9a55-c4a71e5eed01",
    "email": "canary.person@example.org",
    "ipv4": "203.0.113.77",
    "ipv6": "2001:db8:ca7::77",
}
PG_URL = f"postgresql+psycopg://canary:{CANARIES['db_password']}@127.0.0.1:9/tautulli"


def _plant(db: Path) -> int:
    """Plant the canaries in a copy of the sample; returns the user id carrying them."""
    con = sqlite3.connect(db)
    with con:
        user_id = con.execute("SELECT user_id FROM users WHERE user_id > 0 ORDER BY user_id LIMIT 1").fetchone()[0]
        con.execute("UPDATE users SET email = ?, user_token = ?, server_token = ? WHERE user_id = ?",
                    (CANARIES["email"], CANARIES["user_token"], CANARIES["server_token"], user_id))
        con.execute("UPDATE user_login SET ip_address = ? WHERE id IN (SELECT id FROM user_login LIMIT 3)",
                    (CANARIES["ipv4"],))
        con.execute("UPDATE session_history SET ip_address = ? WHERE id IN (SELECT id FROM session_history LIMIT 5)",
                    (CANARIES["ipv6"],))
        con.execute("UPDATE notifiers SET notifier_config = ?",
                    (json.dumps({"bot_token": CANARIES["bot_token"], "chat_id": "42"}),))
        con.execute("UPDATE mobile_devices SET device_token = ?, onesignal_id = ?",
                    (CANARIES["device_token"], CANARIES["onesignal"]))
    con.close()
    return int(user_id)


def _config(path: Path) -> Path:
    path.write_text(
        "[General]\n"
        f"api_key = {CANARIES['api_key']}\n"
        "[PMS]\n"
        f"pms_token = {CANARIES['pms_token']}\n"
        f"pms_ip = {CANARIES['ipv4']}\n"
        "[Cloudinary]\n"
        f"cloudinary_api_secret = {CANARIES['cloudinary_secret']}\n", encoding="utf-8")
    return path


@pytest.fixture
def planted(tmp_path: Path) -> Iterator[dict[str, Any]]:
    src = tmp_path / "src"  # holds the secrets on purpose: never scanned
    out = tmp_path / "out"  # everything written by the code under test: scanned
    src.mkdir()
    out.mkdir()
    db = src / "tautulli.db"
    shutil.copyfile(SAMPLE / "tautulli.db", db)
    user_id = _plant(db)
    yield {"src": src, "out": out, "db": db, "user_id": user_id, "config": _config(src / "config.ini")}
    logsetup.configure()


def _leaks(texts: dict[str, str], out: Path) -> list[str]:
    """Every (source, canary) pair where a canary appears in clear text."""
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.suffix not in (".db", ".db-wal", ".db-shm"):
            texts[str(path.relative_to(out))] = path.read_text("utf-8", errors="replace")
        elif path.is_file():  # a database written by copy holds the rows on purpose; its sidecar files too
            continue
    return [f"{source}: {name}" for source, text in texts.items() for name, canary in CANARIES.items()
            if canary in text or canary.lower() in text.lower()]


class WrongUsers:
    """A deliberately wrong SQLAlchemy twin of ``users``: changed rows, and a database error with parameters."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def get_users(self, **kwargs: Any) -> Any:
        rows = self.real.get_users(**kwargs)
        return [{**row, "email": "someone@else.example", "user_token": "x"} for row in reversed(rows)]

    def get_tokens(self, **kwargs: Any) -> Any:
        raise sa.exc.OperationalError(
            "SELECT user_token FROM users WHERE email = ? AND server_token = ?",
            (CANARIES["email"], CANARIES["server_token"]), Exception(f"could not connect to {PG_URL}"))

    def get_user_details(self, **kwargs: Any) -> Any:
        details = dict(self.real.get_user_details(**kwargs))
        details["email"] = CANARIES["email"].upper()
        return details


def test_no_canary_leaks_from_logs_events_reports_or_cli(planted: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out: Path = planted["out"]
    texts: dict[str, str] = {}
    log = io.StringIO()
    logsetup.configure(level="DEBUG", stream=log, json=True)
    settings = config.load(planted["config"], environ={}, overrides={
        "db_url": f"sqlite:///{planted['db']}", "data_dir": str(out), "backends": {"default": "shadow"},
        "report_dir": str(out / "reports"), "sample_rate": 1.0})
    rt = bootstrap.build(settings)
    legacy, sqla = rt.twins["users"]
    rt.twins = {**rt.twins, "users": (legacy, WrongUsers(sqla))}
    with runtime.use(rt), context.call_context(now=NOW, tz="UTC"):
        users = Users()
        assert any(u.get("email") == CANARIES["email"] for u in users.get_users())  # the caller gets legacy's
        assert users.get_tokens(user_id=planted["user_id"])["user_token"] == CANARIES["user_token"]
        assert users.get_user_details(user_id=planted["user_id"])["email"] == CANARIES["email"]
        users.get_datatables_user_login(user_id=planted["user_id"])
        get_mobile_devices()
    rt.close()
    texts["structlog"] = log.getvalue()
    events = list((out / "reports").rglob("events.jsonl"))
    assert events and "mismatch" in events[0].read_text("utf-8")  # the wrong twin was caught and reported
    assert any(p.name == "report.html" for p in (out / "reports").rglob("*"))

    runner = CliRunner()
    env = {"TAUTULLI_CONFIG": str(planted["config"]), "TAUTULLI_DATA_DIR": str(out)}
    base = ["--config", str(planted["config"]), "--log-level", "DEBUG"]
    runs = {
        "flags": [*base, "flags", "--report-dir", str(out / "reports")],
        "flags-json": [*base, "flags", "--json", "--report-dir", str(out / "reports")],
        "replay": [*base, "replay", "calls", str(SAMPLE / "calls.jsonl"), "--db", str(planted["db"]), "--backend",
                   "sqlalchemy", "--domain", "users", "--domain", "mobile_devices", "--domain", "notifications",
                   "--json", str(out / "replay.json")],
        "copy": ["--log-level", "DEBUG", "copy", "--from", f"sqlite:///{planted['db']}",
                 "--to", f"sqlite:///{out / 'copy.db'}", "--tables", "users,user_login,notifiers,mobile_devices"],
        "copy-to-down-pg": ["copy", "--from", f"sqlite:///{planted['db']}", "--to", PG_URL, "--tables", "users"],
        "reconcile-down-pg": ["reconcile", "--left", f"sqlite:///{planted['db']}", "--right", PG_URL],
    }
    for name, args in runs.items():
        result = runner.invoke(cli, args, env=env)
        texts[f"cli {name}"] = result.output + repr(result.exception or "")
        assert result.exit_code in (0, 1), (name, result.output)
    monkeypatch.setattr("plexpy.bootstrap.implemented_domains", lambda: ["users"])  # verify: one domain
    for name, args in {"flags-pg-env": [*base, "flags"], "verify-pg-env": ["verify", "--report-dir",
                                                                            str(out / "verify")]}.items():
        result = runner.invoke(cli, args, env={**env, "TAUTULLI_DB_URL": PG_URL, "DB_URL": PG_URL})
        texts[f"cli {name}"] = result.output + repr(result.exception or "")
    # make the copy differ in canary-bearing rows, then reconcile with a JSON report
    con = sqlite3.connect(out / "copy.db")
    with con:
        con.execute("UPDATE users SET email = 'x@y.example', server_token = 'changed' WHERE user_id = ?",
                    (planted["user_id"],))
        con.execute("DELETE FROM mobile_devices")
        con.execute("UPDATE user_login SET ip_address = '198.51.100.1'")
    con.close()
    result = runner.invoke(cli, ["--log-level", "DEBUG", "reconcile", "--left", f"sqlite:///{planted['db']}",
                                 "--right", f"sqlite:///{out / 'copy.db'}", "--tables",
                                 "users,user_login,notifiers,mobile_devices", "--json", str(out / "rec.json")])
    texts["cli reconcile"] = result.output
    assert result.exit_code == 1 and "DIFFERENT" in result.output
    assert json.loads((out / "rec.json").read_text("utf-8"))["tables"]

    leaks = _leaks(texts, out)
    assert not leaks, "\n".join(leaks)
