"""Browser tests: Debian's Chromium driven by Playwright against `contest serve` in a subprocess."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from contest.lib import db
from contest.lib.settings import Settings
from contest.shell.cli import settings_env
from tests.conftest import missing, replace

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live_settings(app_settings: Settings) -> Settings:
    port = free_port()
    return replace(app_settings, port=port, base_url=f"http://127.0.0.1:{port}", embedded_worker=False)


@pytest.fixture
def live_server(live_settings: Settings) -> Iterator[str]:
    """The real `contest serve` on the test's database, Redis and S3; its output goes to a log file."""
    log_path = Path(live_settings.var_dir) / "serve.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **settings_env(live_settings)}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "contest", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    url = live_settings.public_base_url
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"contest serve did not become ready:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
async def engine(live_settings: Settings) -> AsyncIterator[None]:
    """The test process's own connection to the same database (to set the scene and read results)."""
    engine = await db.open_engine(live_settings)
    yield
    await db.close_engine(engine)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        missing("Chromium", f"{CHROMIUM} not found (apt-get install -y chromium fonts-noto-cjk)")
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        yield instance
        await instance.close()
