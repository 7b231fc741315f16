import pytest

from contest.lib.settings import Environment, SettingsError, load_settings, with_secret_key


def test_defaults_are_the_embedded_set_up(tmp_path):
    settings = load_settings({}, var_dir=str(tmp_path))
    assert settings.is_sqlite and settings.effective_database_url.endswith("contest.sqlite3")
    assert settings.embedded_redis and settings.embedded_s3 and settings.run_worker_in_serve
    assert settings.default_language == "zh-CN"


def test_values_come_from_upper_case_variables():
    settings = load_settings({"PORT": "8080", "REDIS_URL": "redis://127.0.0.1:6379/0", "CONTEST_ENV": "test"})
    assert settings.port == 8080
    assert settings.contest_env == Environment.TEST
    assert not settings.embedded_redis and not settings.run_worker_in_serve


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"S3_BUCKET": "Bad_Bucket"}, "S3_BUCKET"),
        ({"DATABASE_URL": "mysql://localhost/x"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"S3_ENDPOINT": "http://s3:9000"}, "S3_ACCESS_KEY"),
        ({"CONTEST_ENV": "staging"}, "CONTEST_ENV"),
        ({"CONTEST_ENV": "production", "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DB_POOL_MIN": "20", "DB_POOL_MAX": "5"}, "DB_POOL_MIN"),
    ],
)
def test_a_bad_setting_is_named(env, named):
    with pytest.raises(SettingsError, match=named):
        load_settings(env)


def test_secret_key_is_created_once_and_shared(tmp_path):
    first = with_secret_key(load_settings({}, var_dir=str(tmp_path)))
    second = with_secret_key(load_settings({}, var_dir=str(tmp_path)))
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_an_explicit_secret_key_wins(tmp_path):
    settings = with_secret_key(load_settings({"SECRET_KEY": "k" * 40}, var_dir=str(tmp_path)))
    assert settings.secret_key == "k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_env_example_documents_every_setting():
    from pathlib import Path

    from contest.lib.settings import Settings

    example = (Path(__file__).resolve().parents[3] / ".env.example").read_text()
    documented = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line and not line.startswith("#")}
    assert documented == {name.upper() for name in Settings.__struct_fields__}
    load_settings(
        {
            k: v
            for k, v in (
                line.split("=", 1) for line in example.splitlines() if "=" in line and not line.startswith("#")
            )
        }
    )
