import subprocess
import sys

from contest.lib.settings import load_settings
from contest.shell.cli import read_dotenv, settings_env


def run(args, tmp_path, **env):
    return subprocess.run(
        [sys.executable, "-m", "contest", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
        timeout=120,
    )


def test_a_bad_setting_stops_start_up_naming_it(tmp_path):
    result = run(["migrate"], tmp_path, PORT="eighty")
    assert result.returncode == 2 and "PORT" in result.stderr


def test_commands_refuse_an_unmigrated_database(tmp_path):
    result = run(["demo"], tmp_path)
    assert result.returncode == 3 and "contest migrate" in result.stderr


def test_migrate_then_create_admin(tmp_path):
    assert run(["migrate"], tmp_path).returncode == 0
    weak = run(["create-admin", "--email", "root@contest.cn", "--password", "short"], tmp_path)
    assert weak.returncode == 2
    made = run(
        ["create-admin", "--email", "root@contest.cn"],
        tmp_path,
        ADMIN_PASSWORD="Admin-password-2027",
        ARGON2_MEMORY_KIB="8192",
    )
    assert made.returncode == 0, made.stderr


def test_settings_round_trip_through_the_environment(tmp_path):
    settings = load_settings({}, redis_url="redis://127.0.0.1:6379/0", embedded_worker=False, port=8123)
    assert load_settings(settings_env(settings)) == settings


def test_dotenv_does_not_override_the_environment(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("# comment\nPORT=9001\nLOG_LEVEL='DEBUG'\n")
    monkeypatch.setenv("PORT", "9002")
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    read_dotenv(tmp_path / ".env")
    import os

    assert os.environ["PORT"] == "9002" and os.environ["LOG_LEVEL"] == "DEBUG"
