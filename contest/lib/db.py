"""Database: engine construction, binding, the write-transaction helper and migrations.

Piccolo resolves a table's engine lazily through `PICCOLO_CONF`; we build the engine from our
settings and bind it to every table explicitly, so a test (or a second process) can point the
whole ORM at another database without touching the environment.
"""

import contextlib
import contextvars
import io
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

from contest.lib import piccolo_conf
from contest.lib.errors import NotFound
from contest.lib.piccolo_conf import APPS
from contest.lib.settings import Settings

PICCOLO_CONF = "contest.lib.piccolo_conf"

AfterCommit = Callable[[], Awaitable[None]]
# Callbacks queued by the current outermost write transaction, run once it has committed.
_after_commit: contextvars.ContextVar[list[AfterCommit] | None] = contextvars.ContextVar("after_commit", default=None)


class MigrationsPending(Exception):
    """The database is behind the code's migrations."""


def create_engine(settings: Settings) -> Engine:
    """An engine for DATABASE_URL (a SQLite file under var/ by default). Not yet bound or pooled."""
    url = settings.effective_database_url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        # timeout is SQLite's busy wait: writers queue instead of failing at once.
        return SQLiteEngine(path=str(path), timeout=30)
    return PostgresEngine(config={"dsn": url})


def registry() -> AppRegistry:
    return AppRegistry(apps=list(APPS))


def all_tables() -> list[type[Table]]:
    tables: list[type[Table]] = [Migration]
    for app in registry().app_configs.values():
        tables.extend(app.table_classes)
    return tables


def bind_engine(engine: Engine) -> None:
    """Point every table (ours and Piccolo's migration table) and Piccolo's finder at `engine`."""
    os.environ.setdefault("PICCOLO_CONF", PICCOLO_CONF)
    piccolo_conf.DB = engine
    for table in all_tables():
        table._meta.db = engine


def current_engine() -> Engine:
    return piccolo_conf.DB


async def open_engine(settings: Settings) -> Engine:
    """Create, bind and prepare the engine: WAL on SQLite, a connection pool on PostgreSQL."""
    engine = create_engine(settings)
    bind_engine(engine)
    if isinstance(engine, SQLiteEngine):
        Path(engine.path).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers proceed while one writer commits; it is a property of the file.
        await engine.run_ddl("PRAGMA journal_mode=WAL")
    elif isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=settings.db_pool_min, max_size=settings.db_pool_max)
    return engine


async def close_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()


@asynccontextmanager
async def write_transaction() -> AsyncIterator[Any]:
    """One write transaction on either database; nested calls join the outer one.

    SQLite takes the write lock at BEGIN (immediate) so two writers never deadlock on upgrade;
    PostgreSQL uses its default. Callbacks added with `after_commit` run once the outermost
    transaction has committed, and never after a rollback.
    """
    engine = current_engine()
    outer = engine.current_transaction.get() is None
    if isinstance(engine, SQLiteEngine):
        transaction = engine.transaction(transaction_type=TransactionType.immediate)
    else:
        transaction = engine.transaction()
    if not outer:
        async with transaction as tx:
            yield tx
        return
    callbacks: list[AfterCommit] = []
    token = _after_commit.set(callbacks)
    try:
        async with transaction as tx:
            yield tx
    finally:
        _after_commit.reset(token)
    if not tx._rolled_back:
        for callback in callbacks:
            await callback()


# Ids per `IN (...)` list: well below SQLite's limit on a statement's parameters.
IN_CHUNK = 900


def chunks(ids: Iterable[int], size: int = IN_CHUNK) -> Iterator[list[int]]:
    """Distinct ids in lists of at most `size`, for reading many rows with a few `IN` queries."""
    distinct = list(dict.fromkeys(ids))
    for start in range(0, len(distinct), size):
        yield distinct[start : start + size]


async def one(query: Any, missing: str) -> dict[str, Any]:
    """The single row a `.first()` query finds, or NotFound with a message a person understands."""
    row = await query
    if row is None:
        raise NotFound(missing)
    return dict(row)


def json_value(value: Any) -> Any:
    """A JSON column's value: SQLite hands it back as text, PostgreSQL's driver as text or data."""
    return json.loads(value) if isinstance(value, str) else value


def like_ci(column: Any, pattern: str) -> Any:
    """A case-insensitive LIKE on either database (SQLite's LIKE already ignores ASCII case;
    Piccolo's ILIKE there would only log a warning on every search)."""
    return column.like(pattern) if isinstance(current_engine(), SQLiteEngine) else column.ilike(pattern)


def contains(column: Any, text: str) -> Any:
    """A case-insensitive "column contains text" condition. The wildcards % and _ typed by a person
    are dropped, not obeyed."""
    return like_ci(column, "%" + text.strip().replace("%", "").replace("_", "") + "%")


def after_commit(callback: AfterCommit) -> None:
    """Run `callback` after the current write transaction commits (at once if there is none)."""
    callbacks = _after_commit.get()
    if callbacks is None:
        raise RuntimeError("after_commit needs an open write_transaction")
    callbacks.append(callback)


async def migrate() -> int:
    """Apply every pending migration of every app, in dependency order; returns how many ran.

    Piccolo's own report (which counts pending migrations as "already complete" on an empty
    database) is kept for a failure only."""
    pending = len(await pending_migrations())
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}\n{report.getvalue()}")
    return pending


async def pending_migrations() -> list[str]:
    """Migration ids the code has and the database has not applied."""
    if not await Migration.table_exists():
        return [f"{app}:{mid}" for app, ids in _code_migrations().items() for mid in ids]
    applied = {(row["app_name"], row["name"]) for row in await Migration.select(Migration.app_name, Migration.name)}
    return [f"{app}:{mid}" for app, ids in _code_migrations().items() for mid in ids if (app, mid) not in applied]


def _code_migrations() -> dict[str, list[str]]:
    manager = BaseMigrationManager()
    out: dict[str, list[str]] = {}
    for name, app in registry().app_configs.items():
        modules = manager.get_migration_modules(str(app.migrations_folder_path))
        out[name] = sorted(modules)
    return out


async def require_migrated() -> None:
    pending = await pending_migrations()
    if pending:
        raise MigrationsPending(
            f"the database has {len(pending)} unapplied migration(s) ({', '.join(pending[:3])}...): "
            "run `contest migrate` first, or start with `contest serve --migrate`"
        )


__all__ = [
    "MigrationsPending",
    "after_commit",
    "bind_engine",
    "close_engine",
    "contains",
    "create_engine",
    "current_engine",
    "like_ci",
    "migrate",
    "open_engine",
    "pending_migrations",
    "require_migrated",
    "write_transaction",
]
