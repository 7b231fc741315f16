"""`contest serve` on the embedded default, as `make run` starts it: every service real.

It must come up ready (database, Redis, S3), stop every child on SIGTERM, and keep the data on a
second start.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="the embedded default is SQLite")


def start(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "S3_", "SECRET_"))}
    env.update({"PORT": str(port), "ARGON2_MEMORY_KIB": "8192", "ARGON2_TIME_COST": "1"})
    log = (workdir / f"serve-{time.monotonic_ns()}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "contest", "serve", "--migrate", "--demo"],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "contest serve exited early"
        try:
            response = httpx.get(url + "/readyz", timeout=3)
            if response.status_code == 200:
                return response.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("contest serve did not become ready")


def stop(process: subprocess.Popen[bytes]) -> list[int]:
    """SIGTERM, wait, and return the pids of its descendants that are still alive."""
    children = psutil.Process(process.pid).children(recursive=True)
    names = set()
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):  # a short-lived fork (a bounded parse) may be gone
            names.add(child.name())
    assert names >= {"redis-server", "weed"}
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    time.sleep(0.5)
    return [c.pid for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_runs_everything_stops_cleanly_and_keeps_data(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    first = start(tmp_path, port)
    try:
        ready = wait_ready(url, first)
        assert all(check["ok"] for check in ready["checks"].values()), ready
        assert "全国大学生小程序应用开发大赛" in httpx.get(url + "/").text
        login = json.loads((tmp_path / "var" / "demo-login.json").read_text())
        session = httpx.Client(base_url=url)
        signed_in = session.post("/api/v1/auth/login", json={"email": login["email"], "password": login["password"]})
        assert signed_in.status_code == 200, signed_in.text
        contests = {c["slug"]: c for c in httpx.get(url + "/api/v1/contests").json()}
        main, challenge = contests["mp2027"]["id"], contests["mp2027-challenge"]
        teams = session.get(f"/api/v1/contests/{main}/teams", params={"per_page": 1}).json()
        assert teams["total"] >= 100 and len(teams["by_region"]) == 8
        staff = session.get(f"/api/v1/contests/{main}/staff").json()
        judges = [s for s in staff if s["role"] == "judge"]
        assert len({j["region_id"] for j in judges}) == 9  # one per region and national ones
        assert len(session.get(f"/api/v1/contests/{main}/teachers/pending").json()) == 3
        east = httpx.Client(base_url=url)
        assert (
            east.post(
                "/api/v1/auth/login",
                json={"email": "organizer-ec@demo.contest.cn", "password": login["student_password"]},
            ).status_code
            == 200
        )
        east_teams = east.get(f"/api/v1/contests/{main}/teams", params={"per_page": 1}).json()
        assert list(east_teams["by_region"]) == ["EC"] and 0 < east_teams["total"] < teams["total"]
        # The main contest's registration has closed; the open one takes a team of the demo student.
        student = httpx.Client(base_url=url)
        credentials = {"email": login["student_email"], "password": login["student_password"]}
        signed = student.post("/api/v1/auth/login", json=credentials)
        student.headers["X-CSRF-Token"] = signed.json()["csrf_token"]
        track = challenge["tracks"][0]["id"]
        formed = student.post(f"/api/v1/contests/{challenge['id']}/teams", json={"name": "挑战赛新队", "track_id": track})
        assert formed.status_code == 201, formed.text
    finally:
        leftovers = stop(first)
    assert leftovers == []

    second = start(tmp_path, port)
    try:
        wait_ready(url, second)
        again = httpx.post(url + "/api/v1/auth/login", json={"email": login["email"], "password": login["password"]})
        assert again.status_code == 200  # same database, same demo organizer
        assert session.get("/api/v1/me").status_code == 200  # a session from the first run still works
    finally:
        assert stop(second) == []
