"""Registration at contest scale, through the real API on PostgreSQL.

Per team: three sign-ups (production Argon2 settings), e-mail verification through the outbox (the
worker writes the mail, the benchmark reads the link from it), the leader's log-in, team creation,
two invitations mailed and accepted after the members log in. The log-in limit per client address
is raised with LOGIN_LIMIT_PER_ADDRESS (every simulated student shares 127.0.0.1).

For comparison, a bare Litestar endpoint (bench/bare_app.py) is measured in the same run with the
same client and concurrency. The last line printed is one JSON object of the figures.

    .venv/bin/python bench/registration.py --teams 6000
    .venv/bin/python bench/registration.py --teams 200 --app-processes 2 --concurrency 48
"""

import argparse
import asyncio
import email
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from email import policy
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contest.contests import service as contests  # noqa: E402
from contest.contests.schemas import ContestIn  # noqa: E402
from contest.lib import db  # noqa: E402
from contest.lib.clock import SystemClock  # noqa: E402
from contest.lib.principal import SYSTEM  # noqa: E402
from contest.lib.settings import load_settings  # noqa: E402
from contest.regions import service as regions  # noqa: E402
from contest.regions.tables import University  # noqa: E402
from contest.shell.cli import settings_env  # noqa: E402
from contest.shell.embedded import start_s3  # noqa: E402
from contest.shell.supervisor import Supervisor  # noqa: E402
from contest.shell.wiring import runtime_for  # noqa: E402

PASSWORD = "Bench-password-2027"
UNIVERSITY_DOMAIN = "bench.edu.cn"
MAIL_WAIT_SECONDS = 600


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """Reads the .eml files the worker writes, indexing each file once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: set[str] = set()
        self.links: dict[tuple[str, str], str] = {}

    def scan(self) -> None:
        if not self.folder.is_dir():
            return
        for entry in os.scandir(self.folder):
            if entry.name in self.seen or not entry.name.endswith(".eml"):
                continue
            self.seen.add(entry.name)
            message = email.message_from_bytes(Path(entry.path).read_bytes(), policy=policy.default)
            body = message.get_content()
            for kind, pattern in (("verify", r"/verify\?token=([\w\-]+)"), ("invite", r"/invitations/([\w\-]+)")):
                match = re.search(pattern, body)
                if match:
                    self.links[(kind, str(message["To"]))] = match.group(1)

    async def wait(self, kind: str, to: str) -> str:
        deadline = time.monotonic() + MAIL_WAIT_SECONDS
        while (kind, to) not in self.links:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {kind} mail for {to}")
            await asyncio.sleep(0.2)
        return self.links.pop((kind, to))


def no_cookies() -> CookieJar:
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class Run:
    def __init__(self, urls: list[str], concurrency: int, mailbox: Mailbox) -> None:
        # Thousands of people share these connections, so the clients keep no cookies of their own:
        # each request carries its person's session explicitly.
        self.clients = [
            httpx.AsyncClient(
                base_url=u, timeout=120, cookies=no_cookies(), limits=httpx.Limits(max_connections=concurrency)
            )
            for u in urls
        ]
        self.gate = asyncio.Semaphore(concurrency)
        self.mailbox = mailbox
        self.requests = 0
        self.errors: list[str] = []
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.turn = 0

    def client(self) -> httpx.AsyncClient:
        self.turn += 1
        return self.clients[self.turn % len(self.clients)]

    async def call(self, step: str, method: str, url: str, expect: int, **kwargs: Any) -> httpx.Response:
        async with self.gate:
            started = time.perf_counter()
            try:
                response = await self.client().request(method, url, **kwargs)
            except httpx.HTTPError as exc:  # a failure is an error even when no status came back
                self.errors.append(f"{step} {type(exc).__name__}: {exc}")
                raise
            self.latency[step].append(time.perf_counter() - started)
            self.requests += 1
        if response.status_code != expect:
            self.errors.append(f"{step} {response.status_code} {response.text[:200]}")
            raise RuntimeError(step)
        return response

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


async def phase(run: "Run", name: str, work: list[Any], timings: dict[str, dict[str, float]]) -> list[Any]:
    """Run one step for everyone; whatever fails is counted (and, when not a request error, reported)."""
    started = time.perf_counter()
    results = await asyncio.gather(*work, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, RuntimeError | httpx.HTTPError):
            run.errors.append(f"{name} {type(result).__name__}: {result}")
    elapsed = time.perf_counter() - started
    ok = sum(not isinstance(r, BaseException) for r in results)
    timings[name] = {"count": len(work), "ok": ok, "seconds": round(elapsed, 2), "per_second": round(ok / elapsed, 1)}
    print(f"  {name:<14} {ok:>6}/{len(work):<6} in {elapsed:7.1f}s  {ok / elapsed:8.1f}/s", flush=True)
    return results


async def registration(
    run: Run, teams: int, contest_id: int, track_id: int, university_id: int, timings: dict[str, dict[str, float]]
) -> None:
    people = [[f"t{t}m{m}@{UNIVERSITY_DOMAIN}" for m in range(3)] for t in range(teams)]
    everyone = [p for team in people for p in team]
    await phase(
        run,
        "sign-up",
        [
            run.call(
                "sign-up",
                "POST",
                "/api/v1/auth/register",
                201,
                json={
                    "email": e,
                    "name": "测试" + e.split("@")[0],
                    "password": PASSWORD,
                    "kind": "student",
                    "consent": True,
                    "university_id": university_id,
                },
            )
            for e in everyone
        ],
        timings,
    )

    async def verify(address: str) -> None:
        token = await run.mailbox.wait("verify", address)
        await run.call("verify", "POST", "/api/v1/auth/verify", 200, json={"token": token})

    await phase(run, "verify", [verify(e) for e in everyone], timings)

    sessions: dict[str, tuple[dict[str, str], str]] = {}

    async def log_in(address: str) -> None:
        response = await run.call(
            "log-in", "POST", "/api/v1/auth/login", 200, json={"email": address, "password": PASSWORD}
        )
        sessions[address] = (response.cookies["session"], response.json()["csrf_token"])

    def auth(address: str) -> dict[str, Any]:
        secret, csrf = sessions[address]
        return {"headers": {"Cookie": f"session={secret}", "X-CSRF-Token": csrf}}

    await phase(run, "log-in", [log_in(e) for e in everyone], timings)
    team_ids: dict[int, int] = {}

    async def create(index: int) -> None:
        response = await run.call(
            "create-team",
            "POST",
            f"/api/v1/contests/{contest_id}/teams",
            201,
            json={"name": f"基准队{index}", "track_id": track_id},
            **auth(people[index][0]),
        )
        team_ids[index] = response.json()["id"]

    await phase(run, "create-team", [create(i) for i in range(teams)], timings)
    await phase(
        run,
        "invite",
        [
            run.call(
                "invite",
                "POST",
                f"/api/v1/teams/{team_ids[i]}/invitations",
                201,
                json={"email": member},
                **auth(people[i][0]),
            )
            for i in range(teams)
            if i in team_ids
            for member in people[i][1:]
        ],
        timings,
    )

    async def accept(address: str) -> None:
        token = await run.mailbox.wait("invite", address)
        await run.call("accept", "POST", f"/api/v1/invitations/{token}/accept", 200, **auth(address))

    await phase(run, "accept", [accept(m) for i in range(teams) if i in team_ids for m in people[i][1:]], timings)


async def measure_reference(url: str, requests: int, concurrency: int) -> float:
    client = httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=concurrency))
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            (await client.get("/")).raise_for_status()

    await asyncio.gather(*[one() for _ in range(50)])  # warm up
    started = time.perf_counter()
    await asyncio.gather(*[one() for _ in range(requests)])
    elapsed = time.perf_counter() - started
    await client.aclose()
    return requests / elapsed


async def seed(database_url: str) -> tuple[int, int, int]:
    """One contest with a track and the benchmark university, straight through the services."""
    settings = load_settings({}, database_url=database_url)
    engine = await db.open_engine(settings)
    await db.migrate()
    await regions.ensure_regions()
    await regions.add_universities([regions.UniversityRow("基准测试大学", "Benchmark University", "北京")])
    await University.update({University.email_domains: UNIVERSITY_DOMAIN}).where(University.name_zh == "基准测试大学")
    university = await University.select(University.id).where(University.name_zh == "基准测试大学").first()
    contest = await contests.create_contest(
        runtime_for(settings, SystemClock()), SYSTEM, ContestIn(slug="bench", name_zh="基准赛", name_en="Bench")
    )
    await db.close_engine(engine)
    assert university is not None
    return contest.id, contest.tracks[0].id, int(university["id"])


def wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teams", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--app-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8"))
    parser.add_argument("--reference-requests", type=int, default=20000)
    args = parser.parse_args()

    name = f"contest_bench_{os.getpid()}"
    admin = await asyncpg.connect(args.postgres)
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
    work = Path(tempfile.mkdtemp(prefix="contest-bench-"))
    supervisor = Supervisor(work / "log")
    try:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        contest_id, track_id, university_id = await seed(database_url)
        s3 = await asyncio.to_thread(start_s3, work / "s3", "bench", supervisor)
        settings = load_settings(
            {},
            database_url=database_url,
            redis_url=args.redis_url,
            var_dir=str(work / "var"),
            s3_endpoint=s3.s3_endpoint,
            s3_access_key=s3.s3_access_key,
            s3_secret_key=s3.s3_secret_key,
            s3_bucket="bench",
            embedded_worker=False,
            secret_key="bench-" + "k" * 40,
            db_pool_max=20,
            login_limit_per_address=10_000_000,
            log_level="WARNING",
        )
        env = {**os.environ, **settings_env(settings)}
        urls = []
        for _ in range(args.app_processes):
            port = free_port()
            child = supervisor.start(
                f"serve-{port}", [sys.executable, "-m", "contest", "serve", "--port", str(port)], env=env
            )
            urls.append(f"http://127.0.0.1:{port}")
            wait_http(urls[-1] + "/healthz", child.process)
        for number in range(args.workers):
            supervisor.start(f"worker-{number}", [sys.executable, "-m", "contest", "worker"], env=env)
        bare_port = free_port()
        bare = supervisor.start(
            "bare",
            [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--port", str(bare_port), "--log-level", "warning"],
            cwd=ROOT,
        )
        wait_http(f"http://127.0.0.1:{bare_port}/", bare.process)
        reference_rps = await measure_reference(
            f"http://127.0.0.1:{bare_port}", args.reference_requests, args.concurrency
        )
        print(f"reference: bare Litestar endpoint {reference_rps:.0f} requests/s", flush=True)

        mailbox = Mailbox(Path(settings.var_dir) / "mail")

        async def watch() -> None:
            while True:
                mailbox.scan()
                await asyncio.sleep(0.2)

        watcher = asyncio.create_task(watch())
        run = Run(urls, args.concurrency, mailbox)
        timings: dict[str, dict[str, float]] = {}
        started = time.perf_counter()
        await registration(run, args.teams, contest_id, track_id, university_id, timings)
        elapsed = time.perf_counter() - started
        watcher.cancel()
        await run.close()
        members = await asyncpg.connect(database_url)
        full_teams = await members.fetchval(
            "SELECT count(*) FROM (SELECT team FROM team_member GROUP BY team HAVING count(*) = 3) AS full_teams"
        )
        await members.close()
        rps = run.requests / elapsed
        for message in run.errors[:5]:
            print("  error:", message)
        print(
            f"flow: {run.requests} requests in {elapsed:.1f}s = {rps:.1f} requests/s; "
            f"{full_teams} complete teams; ratio to bare endpoint {rps / reference_rps:.4f}",
            flush=True,
        )
        print(
            json.dumps(
                {
                    "teams": full_teams,
                    "teams_requested": args.teams,
                    "errors": len(run.errors),
                    "requests": run.requests,
                    "seconds": round(elapsed, 1),
                    "rps": round(rps, 1),
                    "reference_rps": round(reference_rps, 1),
                    "ratio": round(rps / reference_rps, 5),
                    "app_processes": args.app_processes,
                    "concurrency": args.concurrency,
                    "steps": timings,
                },
                ensure_ascii=False,
            )
        )
    finally:
        supervisor.stop_all()
        shutil.rmtree(work, ignore_errors=True)  # hundreds of MB of S3 data and files
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
