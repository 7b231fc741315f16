"""The `contest` command line: migrate, serve, worker, demo, create-admin."""

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import msgspec
import uvicorn

from contest.accounts import service as accounts
from contest.accounts import staff
from contest.accounts.passwords import hasher_for
from contest.accounts.schemas import AccountKind
from contest.lib import db
from contest.lib.clock import SystemClock
from contest.lib.principal import Role
from contest.lib.settings import Settings, SettingsError, load_settings, with_secret_key
from contest.regions.service import ensure_regions
from contest.shell.app import create_app
from contest.shell.demo import describe, saved_login, seed_demo
from contest.shell.embedded import VarDirBusy, lock_var_dir, start_embedded
from contest.shell.store import store_for
from contest.shell.supervisor import Supervisor
from contest.shell.worker import build_worker

log = logging.getLogger("contest")


def settings_env(settings: Settings) -> dict[str, str]:
    """Settings as environment variables, for child processes (the worker) to load the same."""
    env: dict[str, str] = {}
    for field in Settings.__struct_fields__:
        value = getattr(settings, field)
        if value is None:
            continue
        env[field.upper()] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return env


def read_dotenv(path: Path) -> None:
    """Export KEY=VALUE lines of a .env file, without overriding the real environment."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def _load() -> Settings:
    read_dotenv(Path(".env"))
    try:
        return with_secret_key(load_settings())
    except SettingsError as exc:
        print(f"contest: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


async def _with_db(settings: Settings, work: Callable[[], Awaitable[Any]]) -> Any:
    engine = await db.open_engine(settings)
    try:
        return await work()
    finally:
        await db.close_engine(engine)


async def _prepare(settings: Settings, *, migrate: bool, demo: bool) -> None:
    """Before serving: migrations (applied or required), reference data, bucket, demo seed."""
    if migrate:
        applied = await db.migrate()
        if applied:
            print(f"contest: applied {applied} database migration(s)", flush=True)
    await db.require_migrated()
    await ensure_regions()
    if settings.s3_endpoint:
        await store_for(settings).ensure_bucket([settings.public_base_url])
    if demo:
        login = await seed_demo(settings, SystemClock()) or saved_login(settings)
        if login:
            print(f"\n  {describe(login)}\n", flush=True)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> int:
        applied = await db.migrate()
        await ensure_regions()
        return applied

    applied = asyncio.run(_with_db(settings, work))
    print(f"contest: database is up to date ({applied} migration(s) applied)")
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> None:
        await db.require_migrated()
        login = await seed_demo(settings, SystemClock())
        if login is None:
            saved = saved_login(settings)
            print("contest: the demo contest is already seeded" + (f"\n  {describe(saved)}" if saved else ""))
        else:
            print(f"contest: demo seeded.\n  {describe(login)}")

    asyncio.run(_with_db(settings, work))
    return 0


def cmd_create_admin(settings: Settings, args: argparse.Namespace) -> int:
    password = args.password or os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 10:
        print("contest: the password needs at least 10 characters", file=sys.stderr)
        return 2

    async def work() -> None:
        await db.require_migrated()
        clock = SystemClock()
        user_id = await accounts.create_user(
            clock, hasher_for(settings), email=args.email, name=args.name, kind=AccountKind.STAFF, password=password
        )
        await staff.grant(clock, user_id=user_id, role=Role.ADMIN)

    asyncio.run(_with_db(settings, work))
    print(f"contest: admin {args.email} created")
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.redis_url:
        print("contest: REDIS_URL is required for `contest worker`", file=sys.stderr)
        return 2
    build_worker(settings).run()
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    host = args.host or settings.host
    port = args.port or settings.port
    settings = msgspec.structs.replace(settings, host=host, port=port)
    supervisor = Supervisor(settings.var_path / "log")
    # uvicorn re-raises SIGTERM once it has shut down; with the default handler that would kill us
    # before the children are stopped, so turn it into an exception the `finally` below sees.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    lock = None
    try:
        if settings.embedded_redis or settings.embedded_s3:
            try:
                lock = lock_var_dir(
                    settings.var_path, waiting=f"contest: waiting for the last run on {settings.var_path} to stop"
                )
            except VarDirBusy:
                print(
                    f"contest: another `contest serve` uses {settings.var_path}; stop it first "
                    "(or give this one another VAR_DIR)",
                    file=sys.stderr,
                )
                return 2
            print("contest: starting embedded services under", settings.var_path, flush=True)
            endpoints = start_embedded(
                settings.var_path,
                bucket=settings.s3_bucket,
                need_redis=settings.embedded_redis,
                need_s3=settings.embedded_s3,
                supervisor=supervisor,
            )
            settings = msgspec.structs.replace(
                settings,
                redis_url=endpoints.redis_url or settings.redis_url,
                s3_endpoint=endpoints.s3_endpoint or settings.s3_endpoint,
                s3_access_key=endpoints.s3_access_key or settings.s3_access_key,
                s3_secret_key=endpoints.s3_secret_key or settings.s3_secret_key,
                embedded_worker=settings.run_worker_in_serve,
            )
        asyncio.run(_with_db(settings, lambda: _prepare(settings, migrate=args.migrate, demo=args.demo)))
        if settings.run_worker_in_serve:
            supervisor.start(
                "worker",
                [sys.executable, "-m", "contest", "worker"],
                env={**os.environ, **settings_env(settings)},
            )
        print(f"contest: serving on http://{host}:{port}", flush=True)
        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level=settings.log_level.lower(),
            proxy_headers=False,
            timeout_keep_alive=settings.http_keep_alive_seconds,
            server_header=False,
        )
        return 0
    finally:
        supervisor.stop_all()
        if lock is not None:
            lock.close()  # only now: the embedded services are gone


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="contest", description="National mini-program contest platform")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations and reference data").set_defaults(run=cmd_migrate)
    serve = sub.add_parser("serve", help="run the web app (and embedded services when none are configured)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--migrate", action="store_true", help="apply pending migrations first")
    serve.add_argument("--demo", action="store_true", help="seed the demo contest into an empty database")
    serve.set_defaults(run=cmd_serve)
    sub.add_parser("worker", help="run a job worker against REDIS_URL").set_defaults(run=cmd_worker)
    sub.add_parser("demo", help="seed the demo contest").set_defaults(run=cmd_demo)
    admin = sub.add_parser("create-admin", help="create the first administrator")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", default="Administrator")
    admin.add_argument("--password", default=None, help="or ADMIN_PASSWORD, or asked interactively")
    admin.set_defaults(run=cmd_create_admin)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = _load()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Readiness probes of the embedded S3 retry on purpose; urllib3 would log each refused connect.
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    # Piccolo says which SQLite version it found at every connection.
    logging.getLogger("piccolo.engine.base").setLevel(logging.WARNING)
    # The demo seed uploads its files through presigned requests: one line each would bury the log-ins.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        result: int = args.run(settings, args)
    except db.MigrationsPending as exc:
        print(f"contest: {exc}", file=sys.stderr)
        return 3
    return result


if __name__ == "__main__":
    raise SystemExit(main())
