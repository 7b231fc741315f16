"""run_bounded: a parse in a child process with bounded time and memory, killed on timeout or
cancellation, while the event loop goes on serving."""

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import psutil
import pytest

from storage.sandbox import ParseFailed, ParseTimeout, ParseTooLarge, run_bounded, run_bounded_sync

MIB = 1024 * 1024


# The functions below run in the child, which imports this module by name to find them.


def echo(value):
    return value


def sleep_forever(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    while True:
        time.sleep(60)


def spin_forever() -> None:
    while True:
        pass


def allocate(size: int) -> int:
    return len(b"x" * size)


def refuse(text: str) -> None:
    raise ValueError(text)


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def crash_soon(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(0.5)
    crash()


def unpicklable():
    return lambda: None


def gone(pid: int, within_s: float = 5.0) -> bool:
    """Whether `pid` has exited and been reaped (a zombie still counts as there)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                time.sleep(0.01)
                continue
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.01)
    return False


def written_pid(pid_file: Path) -> int | None:
    text = pid_file.read_text() if pid_file.exists() else ""
    return int(text) if text else None


async def wait_for_pid(pid_file: Path) -> int:
    for _ in range(1000):
        if pid := written_pid(pid_file):
            return pid
        await asyncio.sleep(0.01)
    raise AssertionError("the child never started")


async def test_a_normal_function_returns_its_value():
    value = {"rows": [[1, "清华大学"]], "bytes": b"\x00\x01"}
    assert await run_bounded(echo, value, timeout_s=10, memory_mb=256) == value


async def test_a_sleeping_child_is_killed_at_the_timeout_while_the_loop_keeps_serving(tmp_path):
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    pid_file = tmp_path / "pid"
    ticking = asyncio.create_task(ticker())
    try:
        with pytest.raises(ParseTimeout):
            await run_bounded(sleep_forever, str(pid_file), timeout_s=1.0, memory_mb=256)
    finally:
        ticking.cancel()
    assert ticks >= 10  # about 100 while the child slept: the loop was never blocked
    assert gone(int(pid_file.read_text()))


async def test_a_spinning_child_is_killed_at_the_timeout():
    with pytest.raises(ParseTimeout):
        await run_bounded(spin_forever, timeout_s=0.5, memory_mb=256)


async def test_allocating_two_gigabytes_fails_and_the_parent_does_not_grow():
    before = psutil.Process().memory_info().rss
    with pytest.raises(ParseTooLarge):
        await run_bounded(allocate, 2048 * MIB, timeout_s=30, memory_mb=256)
    assert psutil.Process().memory_info().rss - before < 50 * MIB
    assert await run_bounded(allocate, 64 * MIB, timeout_s=30, memory_mb=256) == 64 * MIB  # within the limit


async def test_cancelling_the_awaiting_task_kills_the_child(tmp_path):
    pid_file = tmp_path / "pid"
    task = asyncio.create_task(run_bounded(sleep_forever, str(pid_file), timeout_s=60, memory_mb=256))
    pid = await wait_for_pid(pid_file)
    assert psutil.pid_exists(pid)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert gone(pid)


async def test_the_functions_own_exception_comes_back():
    with pytest.raises(ValueError, match="bad header") as raised:
        await run_bounded(refuse, "bad header", timeout_s=10, memory_mb=256)
    assert any("bounded child process" in note for note in raised.value.__notes__)


async def test_a_crash_is_a_parse_failure():
    with pytest.raises(ParseFailed, match=str(-signal.SIGSEGV)):
        await run_bounded(crash, timeout_s=10, memory_mb=256)


async def test_a_crash_is_reported_while_a_later_parse_still_runs(tmp_path):
    crashing = asyncio.create_task(run_bounded(crash_soon, str(tmp_path / "first"), timeout_s=60, memory_mb=256))
    await wait_for_pid(tmp_path / "first")
    sleeping = asyncio.create_task(run_bounded(sleep_forever, str(tmp_path / "second"), timeout_s=60, memory_mb=256))
    await wait_for_pid(tmp_path / "second")
    try:
        async with asyncio.timeout(20):  # a guard against hanging until the sleeper's timeout, not a speed test
            with pytest.raises(ParseFailed):
                await crashing
        assert not sleeping.done()
    finally:
        sleeping.cancel()


async def test_a_value_that_cannot_come_back_is_a_parse_failure():
    with pytest.raises(ParseFailed, match="could not be sent back"):
        await run_bounded(unpicklable, timeout_s=10, memory_mb=256)


async def test_concurrent_calls_each_get_their_own_outcome():
    values = await asyncio.gather(*(run_bounded(echo, i, timeout_s=10, memory_mb=256) for i in range(8)))
    assert values == list(range(8))


def test_the_sync_variant_returns_values_and_enforces_limits(tmp_path):
    assert run_bounded_sync(echo, "ok", timeout_s=10, memory_mb=256) == "ok"
    pid_file = tmp_path / "pid"
    with pytest.raises(ParseTimeout):
        run_bounded_sync(sleep_forever, str(pid_file), timeout_s=0.5, memory_mb=256)
    assert gone(int(pid_file.read_text()))
    with pytest.raises(ParseTooLarge):
        run_bounded_sync(allocate, 2048 * MIB, timeout_s=30, memory_mb=256)


def test_children_die_with_the_server(tmp_path):
    pid_file = tmp_path / "pid"
    root = Path(__file__).parents[2]
    server = psutil.Popen(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); from storage.sandbox import run_bounded_sync; "
            "from tests.storage.test_sandbox import sleep_forever; "
            "run_bounded_sync(sleep_forever, sys.argv[2], timeout_s=60, memory_mb=256)",
            str(root),
            str(pid_file),
        ],
    )
    try:
        deadline = time.monotonic() + 30
        while not (child := written_pid(pid_file)) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert child, "the child never started"
        zygote = psutil.Process(child).ppid()
        assert zygote in [p.pid for p in server.children()]
        server.kill()  # SIGKILL: no clean-up code of the server runs
        server.wait(10)
        assert gone(zygote) and gone(child)
    finally:
        if server.is_running():
            server.kill()
