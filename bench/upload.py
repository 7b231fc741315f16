"""Entry uploads at full size, against the embedded SeaweedFS: a 256 MB video through the whole flow,
then its verification, each next to a reference measured in the same run.

- Flow: the app issues the upload (its JSON API, in process, with a personal API token), a client
  sends the parts to their presigned URLs as the browser's upload script does (parts of
  UPLOAD_PART_MIB, three at a time), the app finalises it. No file byte passes through the app.
  Reference: minio's own `put_object` of the same file to the same server (its defaults: parts of
  5 MiB, three at a time). Each is run `--repeat` times, alternating; the best of each counts.
- Verification: the verification job on the finalised object (the worker streaming it for its size
  and digest while a bounded child checks the MP4 with ranged reads), next to a bare streaming read of
  the same object with `get_object`, each run `--repeat` times, alternating; the best of each counts. The
  job's memory is sampled meanwhile: the proportional set size of this process (the worker) and its
  children (the bounded check runs in one), peak minus the level before the job.

    .venv/bin/python bench/upload.py            # 256 MB
    .venv/bin/python bench/upload.py --small    # 32 MB

The last line printed is one JSON object of the figures.
"""

import argparse
import asyncio
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contest.accounts import sessions  # noqa: E402
from contest.accounts.schemas import ApiTokenIn  # noqa: E402
from contest.lib import db  # noqa: E402
from contest.lib.clock import SystemClock  # noqa: E402
from contest.lib.principal import SYSTEM  # noqa: E402
from contest.lib.settings import load_settings  # noqa: E402
from contest.regions.service import ensure_regions  # noqa: E402
from contest.rounds import service as rounds  # noqa: E402
from contest.rounds.schemas import RoundIn  # noqa: E402
from contest.shell.app import create_app  # noqa: E402
from contest.shell.embedded import start_s3  # noqa: E402
from contest.shell.store import store_for  # noqa: E402
from contest.shell.supervisor import Supervisor  # noqa: E402
from contest.shell.wiring import runtime_for  # noqa: E402
from contest.submissions import verification  # noqa: E402
from contest.submissions.tables import Upload  # noqa: E402
from contest.teams import roster  # noqa: E402
from contest.teams.schemas import TeamIn  # noqa: E402
from storage import samples  # noqa: E402
from storage.sandbox import prepare  # noqa: E402
from tests import factories as f  # noqa: E402

MIB = 1024 * 1024
logging.getLogger("httpx").setLevel(logging.WARNING)
CONCURRENCY = 3  # what the browser's upload script uses


class MemorySampler:
    """Peak proportional set size of this process and its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def total() -> int:
        me = psutil.Process()
        size = 0
        for process in [me, *me.children(recursive=True)]:
            try:
                size += process.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return size

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.total())
            time.sleep(self.interval)

    def __enter__(self) -> "MemorySampler":
        self.baseline = self.total()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.total())

    @property
    def growth_mb(self) -> float:
        return max(0, self.peak - self.baseline) / MIB


async def flow(
    api: httpx.AsyncClient, s3: httpx.AsyncClient, path: Path, size: int, round_id: int, slot_id: int
) -> int:
    """Issue, send the parts as the browser does, finalise; returns the upload's id."""
    issued = await api.post(
        f"/api/v1/rounds/{round_id}/slots/{slot_id}/uploads",
        json={"filename": path.name, "size": size, "content_type": "video/mp4"},
    )
    issued.raise_for_status()
    upload = issued.json()["upload"]
    part_size, count = upload["part_size"], upload["part_count"]
    numbers = list(range(1, count + 1))
    urls: dict[int, str] = {}
    for start in range(0, count, 100):
        answer = await api.post(
            f"/api/v1/uploads/{upload['id']}/part-urls", json={"numbers": numbers[start : start + 100]}
        )
        answer.raise_for_status()
        urls.update({u["number"]: u["url"] for u in answer.json()["urls"]})
    queue = list(numbers)

    async def worker() -> None:
        with path.open("rb") as handle:
            while queue:
                number = queue.pop(0)
                handle.seek((number - 1) * part_size)
                chunk = await asyncio.to_thread(handle.read, part_size)  # the browser's Blob.slice
                sent = await s3.put(urls[number], content=chunk)
                sent.raise_for_status()

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    finalised = await api.post(f"/api/v1/uploads/{upload['id']}/finalise")
    finalised.raise_for_status()
    return int(upload["id"])


def reference_put(store, path: Path, key: str) -> None:
    with path.open("rb") as handle:
        store.client.put_object(store.bucket, key, handle, path.stat().st_size, content_type="video/mp4")


def bare_read(store, key: str) -> int:
    response = store.client.get_object(store.bucket, key)
    total = 0
    try:
        while chunk := response.read(MIB):
            total += len(chunk)
    finally:
        response.close()
        response.release_conn()
    return total


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="32 MB instead of 256 MB")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    size = (32 if args.small else 256) * MIB
    work = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    supervisor = Supervisor(work / "log")
    try:
        endpoints = await asyncio.to_thread(start_s3, work / "s3", "contest", supervisor)
        settings = load_settings(
            {},
            var_dir=str(work / "var"),
            contest_env="test",
            secret_key="bench-secret-key-" + "x" * 32,
            database_url=f"sqlite:///{work / 'bench.sqlite3'}",
            s3_endpoint=endpoints.s3_endpoint,
            s3_access_key=endpoints.s3_access_key,
            s3_secret_key=endpoints.s3_secret_key,
            argon2_time_cost=1,
            argon2_memory_kib=1024,
        )
        engine = await db.open_engine(settings)
        await db.migrate()
        await ensure_regions()
        store = store_for(settings)
        await store.ensure_bucket([settings.public_base_url])
        clock = SystemClock()
        rt = runtime_for(settings, clock)
        contest_id, track_id = await f.contest(clock)
        round_ = await rounds.create_round(
            rt,
            SYSTEM,
            contest_id,
            RoundIn(
                name_zh="压测",
                opens_at=clock.now() - timedelta(hours=1),
                closes_at=clock.now() + timedelta(days=1),
                all_teams=True,
            ),
        )
        slot_id = next(s.id for s in round_.slots if s.code == "demo_video")
        leader = await f.principal(await f.user(clock, university_id=await f.university()))
        await roster.create_team(rt, leader, contest_id, TeamIn("压测队", track_id))
        token = (await sessions.create_api_token(rt, leader, ApiTokenIn("bench"))).token

        path = work / "demo.mp4"
        with path.open("wb") as out:
            samples.write_mp4(out, duration_s=170, size=size)
        await db.close_engine(engine)

        app = create_app(settings)
        flow_times, reference_times, upload_id = [], [], 0
        async with (
            app.lifespan(),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://bench.local",
                headers={"Authorization": f"Bearer {token}"},
                timeout=120,
            ) as api,
            httpx.AsyncClient(timeout=300, limits=httpx.Limits(max_connections=CONCURRENCY)) as s3,
        ):
            for attempt in range(args.repeat):
                start = time.perf_counter()
                await asyncio.to_thread(reference_put, store, path, f"bench/reference-{attempt}.mp4")
                reference_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                upload_id = await flow(api, s3, path, size, round_.id, slot_id)
                flow_times.append(time.perf_counter() - start)
                print(
                    f"attempt {attempt + 1}: flow {size / MIB / flow_times[-1]:.0f} MB/s, "
                    f"put_object {size / MIB / reference_times[-1]:.0f} MB/s",
                    flush=True,
                )

            row = await Upload.select(Upload.key).where(Upload.id == upload_id).first()
            await asyncio.to_thread(prepare)  # the bounded-check zygote, as a running worker has it

            async def verify() -> float:
                await Upload.update({Upload.status: "checking"}).where(Upload.id == upload_id)
                start = time.perf_counter()
                status = await verification.verify_upload(rt, store, upload_id)
                assert status == "accepted", status
                return time.perf_counter() - start

            read_times, verify_times = [], []
            for _ in range(args.repeat):
                start = time.perf_counter()
                assert await asyncio.to_thread(bare_read, store, row["key"]) == size
                read_times.append(time.perf_counter() - start)
                verify_times.append(await verify())
            # Memory is sampled in a run of its own: sampling costs CPU the timed runs should not lose.
            with MemorySampler() as memory:
                await verify()

        flow_mb_s = size / MIB / min(flow_times)
        reference_mb_s = size / MIB / min(reference_times)
        figures = {
            "bytes": size,
            "part_mib": settings.upload_part_mib,
            "concurrency": CONCURRENCY,
            "flow_mb_s": round(flow_mb_s, 1),
            "reference_mb_s": round(reference_mb_s, 1),
            "ratio": round(flow_mb_s / reference_mb_s, 3),
            "verify_s": round(min(verify_times), 3),
            "read_s": round(min(read_times), 3),
            "verify_ratio": round(min(verify_times) / min(read_times), 3),
            "verify_peak_mb": round(memory.growth_mb, 1),
            "cpus": os.cpu_count(),
        }
        print(
            f"flow {figures['flow_mb_s']} MB/s vs put_object {figures['reference_mb_s']} MB/s "
            f"(ratio {figures['ratio']}); verification {figures['verify_s']} s vs streaming read "
            f"{figures['read_s']} s (ratio {figures['verify_ratio']}), peak growth {figures['verify_peak_mb']} MB"
        )
        print(json.dumps(figures))
    finally:
        supervisor.stop_all()
        shutil.rmtree(work, ignore_errors=True)  # hundreds of MB of S3 data and files


if __name__ == "__main__":
    asyncio.run(main())
