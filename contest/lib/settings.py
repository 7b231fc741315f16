"""Settings: parsed from environment variables with msgspec, built by a function and passed in.

Nothing reads the environment at import time; `load_settings()` is called by the CLI (or a test)
and the result handed to the app factory, the worker and the services.
"""

import os
import secrets
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import msgspec


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
Positive = Annotated[int, msgspec.Meta(ge=1)]


class Settings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Every knob of the platform. Field names are the environment variable names in lower case."""

    contest_env: Environment = Environment.DEVELOPMENT
    var_dir: str = "var"
    host: str = "127.0.0.1"
    port: Port = 8000
    # The address people reach the site at; used in e-mailed links.
    base_url: str = ""
    secret_key: str = ""
    # Empty: a SQLite file under var/. Otherwise sqlite:///path or postgresql://...
    database_url: str = ""
    db_pool_min: Positive = 1
    db_pool_max: Positive = 10
    # Empty: an embedded Redis under var/ (and a worker started by `contest serve`).
    redis_url: str = ""
    # Empty: an embedded SeaweedFS under var/.
    s3_endpoint: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_bucket: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")] = "contest"
    s3_region: str = "us-east-1"
    # The S3 address browsers reach; presigned URLs are signed for it. Empty: same as the endpoint.
    s3_public_url: str = ""
    # Comma-separated addresses of reverse proxies whose X-Forwarded-For is trusted.
    trusted_proxies: str = ""
    smtp_url: str = ""
    mail_from: str = "contest@localhost"
    default_language: Annotated[str, msgspec.Meta(pattern=r"^(zh-CN|en)$")] = "zh-CN"
    # Run a worker child process inside `contest serve` (default: only with the embedded Redis).
    embedded_worker: bool | None = None
    # Argon2id cost; the defaults are argon2-cffi's (RFC 9106 low-memory profile). Tests lower them.
    argon2_time_cost: Positive = 3
    argon2_memory_kib: Annotated[int, msgspec.Meta(ge=1024)] = 65536
    # Log-in attempts allowed per window, per account and per client address (kept in Redis).
    login_limit_per_account: Positive = 10
    login_limit_per_address: Positive = 100
    login_limit_window_seconds: Positive = 900
    session_days: Positive = 14
    # Mail people can make the platform send in an hour (Redis counters, see contest.lib.mail.limits):
    # to one recipient address, asked by one signed-in account, by one organizer, from one client
    # address when not signed in (sign-ups, reset links; a campus network shares one address).
    mail_limit_per_recipient_hour: Positive = 5
    mail_limit_per_account_hour: Positive = 30
    mail_limit_per_organizer_hour: Positive = 500
    mail_limit_per_address_hour: Positive = 100
    # Every uploaded file is parsed in a child process with this much time and memory (beyond the
    # interpreter's own); a parse that needs more is stopped and the file refused.
    upload_parse_timeout_seconds: Positive = 20
    upload_parse_memory_mb: Annotated[int, msgspec.Meta(ge=64)] = 512
    # The university list import: largest file and most rows.
    import_max_mb: Positive = 5
    import_max_rows: Positive = 5000
    # Longer than any proxy's or client's idle timeout, so the server never closes a kept-alive
    # connection just as a request is being sent on it.
    http_keep_alive_seconds: Positive = 75
    log_level: Annotated[str, msgspec.Meta(pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")] = "INFO"
    # Entry uploads: how long a presigned upload address stays valid; the part size of multipart
    # uploads (files above it go in parts, smaller ones in one POST); how long an unfinished upload
    # may be resumed before the clean-up job discards it.
    upload_url_minutes: Annotated[int, msgspec.Meta(ge=1, le=24 * 60)] = 15
    upload_part_mib: Annotated[int, msgspec.Meta(ge=5, le=512)] = 8
    upload_resume_hours: Annotated[int, msgspec.Meta(ge=1, le=30 * 24)] = 48

    @property
    def var_path(self) -> Path:
        return Path(self.var_dir)

    @property
    def is_development(self) -> bool:
        return self.contest_env == Environment.DEVELOPMENT

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def embedded_s3(self) -> bool:
        return not self.s3_endpoint

    @property
    def run_worker_in_serve(self) -> bool:
        return self.embedded_redis if self.embedded_worker is None else self.embedded_worker

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_path / 'contest.sqlite3'}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite:")

    @property
    def trusted_proxy_list(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    @property
    def public_base_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")


_FIELDS = {name.upper(): name for name in Settings.__struct_fields__}


def load_settings(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from environment variables (by their upper-case names) plus overrides.

    Raises SettingsError naming the variable when a value does not parse or fails a rule.
    """
    source = os.environ if env is None else env
    raw: dict[str, object] = {field: source[key] for key, field in _FIELDS.items() if source.get(key, "") != ""}
    raw.update(overrides)
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SettingsError(_name_setting(str(exc))) from None
    _check_urls(settings)
    return settings


def _name_setting(message: str) -> str:
    # msgspec reports "... - at `$.field`"; point at the environment variable instead.
    if "`$." in message:
        text, _, path = message.rpartition(" - at `$.")
        field = path.rstrip("`").split(".")[0].split("[")[0]
        return f"setting {field.upper()}: {text}"
    return f"settings: {message}"


def _check_urls(settings: Settings) -> None:
    url = settings.effective_database_url
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise SettingsError("setting DATABASE_URL: must start with sqlite:/// or postgresql://")
    if settings.redis_url and not settings.redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError("setting REDIS_URL: must start with redis://, rediss:// or unix://")
    for name in ("s3_endpoint", "s3_public_url", "base_url"):
        value = getattr(settings, name)
        if value and not value.startswith(("http://", "https://")):
            raise SettingsError(f"setting {name.upper()}: must start with http:// or https://")
    if settings.s3_endpoint and not (settings.s3_access_key and settings.s3_secret_key):
        raise SettingsError("setting S3_ACCESS_KEY / S3_SECRET_KEY: required when S3_ENDPOINT is set")
    if settings.contest_env == Environment.PRODUCTION and len(settings.secret_key) < 32:
        raise SettingsError("setting SECRET_KEY: production needs at least 32 characters")
    if settings.db_pool_min > settings.db_pool_max:
        raise SettingsError("setting DB_POOL_MIN: must not exceed DB_POOL_MAX")


def with_secret_key(settings: Settings) -> Settings:
    """Fill SECRET_KEY from var/secret_key (created once) when the environment gives none.

    All processes of the embedded default share the file, so cookies signed by one are read by all.
    """
    if settings.secret_key:
        return settings
    path = settings.var_path / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return msgspec.structs.replace(settings, secret_key=path.read_text().strip())
