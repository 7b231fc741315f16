"""Parse untrusted files in a child process with bounded time and memory (issue 9).

A hostile upload must not stall or exhaust the server: a sheet holding one long XML comment kept an
import busy for minutes (expat rescans an unfinished token on every chunk it is fed), a 1.5 KB
workbook declaring a huge dimension grew the process by 2 GB. So every parse of an uploaded file runs
as `await run_bounded(fn, *args, timeout_s=..., memory_mb=...)`:

- `fn` is a picklable function of an importable module (not `__main__`); it runs in a fresh child
  forked from a "zygote", a clean interpreter that imported the parsing libraries once, so a call
  costs a fork rather than an interpreter start, and no file's parse shares a process with another's;
- the child limits its own address space (RLIMIT_AS: `memory_mb` on top of its starting size) and
  CPU time (RLIMIT_CPU, a backstop should the parent be unable to act), and dies with the zygote,
  which exits when our process closes its end of the control socket (or dies);
- the parent waits on a socket through the event loop, so other requests go on meanwhile, and kills
  the child (SIGKILL, which no parser can ignore) on timeout or when the awaiting task is cancelled;
- the outcome is `fn`'s value, `fn`'s own exception re-raised, or one of `ParseTimeout`,
  `ParseTooLarge` (MemoryError under the limit) and `ParseFailed` (a crash), all `ParseError`s,
  which callers map to a 4xx or a failed check.

Why not multiprocessing's forkserver: on Python 3.11 it re-runs the parent's `__main__` script in
every child (the `__main__` preload never reaches the server), which under a console script such as
`contest` or `uvicorn` re-imports the whole application on every call.

`run_bounded_sync` does the same for synchronous callers (the arq worker's thread, a CLI).
"""

import asyncio
import contextlib
import ctypes
import math
import os
import pickle
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

# Imported once by the zygote, so children start with them loaded (storage.remote brings minio and
# urllib3, which every verification would otherwise import again).
DEFAULT_PRELOAD = ("storage.checks", "storage.remote", "storage.xlsx_guard", "openpyxl")
_PR_SET_PDEATHSIG = 1
_LENGTH = struct.Struct(">Q")
_PID = struct.Struct(">q")
_REAP_WAIT_S = 2.0
_BLAS_THREADS = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)  # after SIGKILL, how long to wait for the zygote to report the exit


class ParseError(Exception):
    """A bounded parse did not return a value."""


class ParseTimeout(ParseError):
    """The parse ran out of time and was killed."""


class ParseTooLarge(ParseError):
    """The parse needed more memory than allowed."""


class ParseFailed(ParseError):
    """The child crashed, or its outcome could not be brought back."""


# --- Frames: an 8-byte length, then a pickle -----------------------------------------------------


def _frame(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def _frames(buffer: bytearray) -> list[Any]:
    """Remove and return the complete frames at the start of `buffer`."""
    found = []
    while len(buffer) >= _LENGTH.size:
        (size,) = _LENGTH.unpack_from(buffer)
        if len(buffer) < _LENGTH.size + size:
            break
        found.append(pickle.loads(buffer[_LENGTH.size : _LENGTH.size + size]))
        del buffer[: _LENGTH.size + size]
    return found


def _receive_exactly(sock: socket.socket, count: int) -> bytes:
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return bytes(data)


# --- The child -------------------------------------------------------------------------------------


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _limit_self(memory_mb: float, cpu_s: int) -> None:
    limit = _address_space() + int(memory_mb * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))  # SIGXCPU, then SIGKILL


def _child(job: socket.socket) -> None:
    """Run one job: read it, limit ourselves, run it, send the outcome back."""
    (size,) = _LENGTH.unpack(_receive_exactly(job, _LENGTH.size))
    fn, args, memory_mb, cpu_s = pickle.loads(_receive_exactly(job, size))
    _limit_self(memory_mb, cpu_s)
    outcome: tuple[Any, ...]
    try:
        outcome = ("value", fn(*args))
    except MemoryError:
        outcome = ("memory",)
    except Exception as exc:
        outcome = ("raised", exc, traceback.format_exc())
    except BaseException as exc:  # SystemExit and the like: nothing to re-raise in a server
        outcome = ("failed", f"the parse exited: {exc!r}")
    try:
        data = _frame(outcome)
    except MemoryError:
        data = _frame(("memory",))
    except Exception as exc:  # an unpicklable value or exception
        data = _frame(("failed", f"the outcome could not be sent back: {exc!r}"))
    job.sendall(data)


# --- The zygote (its own process) ------------------------------------------------------------------


def _zygote_main(control_fd: int, preload: list[str]) -> None:
    """Import `preload`, then fork a child per job fd received on the control socket, answering
    with its pid; report each child's exit status on its job socket, then close our copy of it."""
    for module in preload:
        with contextlib.suppress(ImportError):
            __import__(module)
    control = socket.socket(fileno=control_fd)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # the wakeup fd is written only with a handler set
    jobs: dict[int, socket.socket] = {}
    control.sendall(b"r")  # ready
    while True:
        readable, _, _ = select.select([control.fileno(), wake_r], [], [])
        if wake_r in readable:
            os.read(wake_r, 4096)
        while jobs:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            job = jobs.pop(pid)
            with contextlib.suppress(OSError):
                job.sendall(_frame(("exit", os.waitstatus_to_exitcode(status))))
            job.close()
        if control.fileno() in readable:
            _, fds, _, _ = socket.recv_fds(control, 1, 1)
            if not fds:
                break  # our parent closed the control socket or died: children die with us
            job = socket.socket(fileno=fds[0])
            zygote = os.getpid()
            pid = os.fork()
            if pid == 0:
                status = 1
                try:
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    # Only our own job's socket: no child may read or write another's.
                    for fd in (wake_r, wake_w, control.fileno(), *(other.fileno() for other in jobs.values())):
                        os.close(fd)
                    with contextlib.suppress(OSError, AttributeError):
                        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
                    if os.getppid() != zygote:  # the zygote died before the line above
                        return
                    _child(job)
                    status = 0
                except BaseException:
                    traceback.print_exc()
                finally:
                    os._exit(status)
            jobs[pid] = job
            control.sendall(_PID.pack(pid))


# --- The parent ------------------------------------------------------------------------------------


class _Zygote:
    def __init__(self, preload: Iterable[str]) -> None:
        ours, theirs = socket.socketpair()
        code = (
            f"import sys; sys.path[:0] = {sys.path!r}; from storage.sandbox import _zygote_main; "
            f"_zygote_main({theirs.fileno()}, {list(preload)!r})"
        )
        # A session of its own: a terminal's Ctrl-C goes to the server, which then closes the socket.
        # One BLAS thread: numpy (which openpyxl imports) would otherwise start a pool, and a process
        # with threads does not fork safely.
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            pass_fds=[theirs.fileno()],
            start_new_session=True,
            env={**os.environ, **dict.fromkeys(_BLAS_THREADS, "1")},
        )
        theirs.close()
        self.control = ours
        self.owner = os.getpid()
        if _receive_exactly(self.control, 1) != b"r":
            raise ParseFailed("the parse zygote did not start")

    def fork(self, job: socket.socket) -> int:
        socket.send_fds(self.control, [b"j"], [job.fileno()])
        (pid,) = _PID.unpack(_receive_exactly(self.control, _PID.size))
        return int(pid)

    def close(self) -> None:
        self.control.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=1)


_zygote: _Zygote | None = None
_zygote_lock = threading.Lock()
_preload: tuple[str, ...] = DEFAULT_PRELOAD


def prepare(preload: Iterable[str] = DEFAULT_PRELOAD) -> None:
    """Start the zygote now (rather than on the first parse), importing `preload` in it.

    Blocking for as long as the imports take (about a second): call it at start-up, in a thread from
    async code, before any parse. A zygote already running is replaced so the new list takes effect,
    which kills the parses it is running.
    """
    global _zygote, _preload
    with _zygote_lock:
        _preload = tuple(preload)
        if _zygote is not None and _zygote.owner == os.getpid():
            _zygote.close()
        _zygote = _Zygote(_preload)


def _fork_child(job: socket.socket) -> int:
    global _zygote
    with _zygote_lock:
        for attempt in (1, 2):
            # A forked copy of our process (a server's worker) must not share its parent's zygote.
            if _zygote is None or _zygote.owner != os.getpid():
                _zygote = _Zygote(_preload)
            try:
                return _zygote.fork(job)
            except (OSError, EOFError):
                _zygote.close()
                _zygote = None
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


class _Job:
    """One bounded call: the child's pid and our end of its job socket."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout_s: float, memory_mb: float) -> None:
        payload = _frame((fn, args, memory_mb, max(1, math.ceil(timeout_s)) + 1))
        self.socket, theirs = socket.socketpair()
        try:
            self.pid = _fork_child(theirs)
        except BaseException:
            self.socket.close()
            raise
        finally:
            theirs.close()
        self.buffer = bytearray()
        self.outcome: tuple[Any, ...] | None = None
        self.exitcode: int | None = None
        self.closed = False
        self.socket.sendall(payload)

    def take(self, data: bytes) -> None:
        """Take bytes read from the job socket; b"" is its end."""
        if not data:
            self.closed = True
        self.buffer += data
        for frame in _frames(self.buffer):
            if frame[0] == "exit":
                self.exitcode = frame[1]
            else:
                self.outcome = frame

    def kill(self) -> None:
        # The zygote reaps the child only after it has died, so until the exit frame arrives the pid
        # cannot have been reused.
        if self.outcome is None and self.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def result(self, timeout_s: float) -> Any:
        outcome = self.outcome
        if outcome is None:
            if self.exitcode == -signal.SIGXCPU:
                raise ParseTimeout(f"the parse used up its CPU time ({timeout_s:g} s)")
            raise ParseFailed(f"the parse crashed (exit code {self.exitcode})")
        if outcome[0] == "value":
            return outcome[1]
        if outcome[0] == "memory":
            raise ParseTooLarge("the parse needed more memory than allowed")
        if outcome[0] == "raised":
            exc = outcome[1]
            exc.add_note(f"in the bounded child process:\n{outcome[2]}")
            raise exc
        raise ParseFailed(outcome[1])


def _kill_when_started(starting: "asyncio.Future[_Job]") -> None:
    if not starting.cancelled() and starting.exception() is None:
        job = starting.result()
        job.kill()
        job.socket.close()


async def _read_until(job: _Job, done: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    while not job.closed and not done():
        job.take(await loop.sock_recv(job.socket, 1 << 16))


async def run_bounded(fn: Callable[..., T], *args: Any, timeout_s: float, memory_mb: float) -> T:
    """`fn(*args)` in a child process that gets `timeout_s` seconds and `memory_mb` MB of memory.

    Raises ParseTimeout, ParseTooLarge or ParseFailed (all ParseError), or the exception `fn`
    raised. Cancelling the awaiting task kills the child.
    """
    # Starting talks to the zygote (and starts it on first use): not on the event loop.
    starting = asyncio.ensure_future(asyncio.to_thread(_Job, fn, args, timeout_s, memory_mb))
    try:
        job = await asyncio.shield(starting)
    except asyncio.CancelledError:
        starting.add_done_callback(_kill_when_started)
        raise
    job.socket.setblocking(False)
    try:
        try:
            async with asyncio.timeout(timeout_s):
                # A child that crashed sends nothing; the zygote then reports its exit.
                await _read_until(job, lambda: job.outcome is not None or job.exitcode is not None)
        except TimeoutError:
            raise ParseTimeout(f"the parse took longer than {timeout_s:g} s") from None
    finally:
        job.kill()
        if job.outcome is None:
            # Wait (briefly) for the zygote to confirm the exit, so the child is gone when we return.
            with contextlib.suppress(TimeoutError, OSError):
                async with asyncio.timeout(_REAP_WAIT_S):
                    await _read_until(job, lambda: job.exitcode is not None)
        job.socket.close()
    return job.result(timeout_s)  # type: ignore[no-any-return]


def run_bounded_sync(fn: Callable[..., T], *args: Any, timeout_s: float, memory_mb: float) -> T:
    """`run_bounded` for synchronous callers: blocks the calling thread until the outcome."""
    job = _Job(fn, args, timeout_s, memory_mb)
    deadline = time.monotonic() + timeout_s
    try:
        while not job.closed and job.outcome is None and job.exitcode is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ParseTimeout(f"the parse took longer than {timeout_s:g} s")
            job.socket.settimeout(left)
            try:
                job.take(job.socket.recv(1 << 16))
            except TimeoutError:
                raise ParseTimeout(f"the parse took longer than {timeout_s:g} s") from None
    finally:
        job.kill()
        if job.outcome is None:
            job.socket.settimeout(_REAP_WAIT_S)
            with contextlib.suppress(TimeoutError, OSError):
                while not job.closed and job.exitcode is None:
                    job.take(job.socket.recv(1 << 16))
        job.socket.close()
    return job.result(timeout_s)  # type: ignore[no-any-return]
