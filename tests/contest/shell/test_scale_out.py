"""Production shape: PostgreSQL, an external Redis, a separately started SeaweedFS, two app
processes and one worker, behaving as one system (sessions, rate limits and jobs are shared)."""

import os
import sys
import time

import httpx
import psutil
import pytest

from contest.shell.cli import settings_env
from contest.shell.embedded import start_s3
from contest.shell.supervisor import Supervisor
from tests import factories as f
from tests.conftest import BACKEND, replace
from tests.contest.shell.test_serve import free_port, wait_ready
from tests.mailbox import link

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="runs in the PostgreSQL pass of the suite")


def test_two_app_processes_and_a_worker_act_as_one(app_settings, tmp_path):
    supervisor = Supervisor(tmp_path / "log")
    try:
        s3 = start_s3(tmp_path / "separate-s3", "scaleout", supervisor)  # stands for any external S3
        ports = [free_port(), free_port()]
        base = replace(
            app_settings,
            s3_endpoint=s3.s3_endpoint or "",
            s3_access_key=s3.s3_access_key or "",
            s3_secret_key=s3.s3_secret_key or "",
            s3_bucket="scaleout",
            var_dir=str(tmp_path / "var"),
            login_limit_per_account=4,
            argon2_memory_kib=8192,
        )
        env = {**os.environ, **settings_env(base)}
        urls = []
        for port in ports:
            supervisor.start(
                f"serve-{port}",
                [sys.executable, "-m", "contest", "serve", "--port", str(port)],
                env={**env, "BASE_URL": f"http://127.0.0.1:{ports[0]}"},
            )
            urls.append(f"http://127.0.0.1:{port}")
        supervisor.start("worker", [sys.executable, "-m", "contest", "worker"], env=env)
        for url, child in zip(urls, supervisor.children[1:3], strict=True):
            ready = wait_ready(url, child.process)
            assert all(c["ok"] for c in ready["checks"].values()), ready

        a, b = httpx.Client(base_url=urls[0]), httpx.Client(base_url=urls[1])
        registered = a.post(
            "/api/v1/auth/register",
            json={
                "email": "scale@u.edu.cn",
                "name": "扩展",
                "password": f.PASSWORD,
                # A teacher names no university at sign-up (a student must, and this database has none).
                "kind": "teacher",
                "consent": True,
            },
        )
        assert registered.status_code == 201, registered.text
        # The worker process delivers the verification mail written by app process A.
        deadline = time.monotonic() + 30
        while True:
            try:
                token = link(base, "scale@u.edu.cn", r"/verify\?token=([\w\-]+)")
                break
            except AssertionError:
                assert time.monotonic() < deadline, "the worker did not deliver the mail"
                time.sleep(0.3)
        assert b.post("/api/v1/auth/verify", json={"token": token}).status_code == 200

        # A session opened on A is honoured by B.
        login = a.post("/api/v1/auth/login", json={"email": "scale@u.edu.cn", "password": f.PASSWORD})
        assert login.status_code == 200
        b.cookies = a.cookies
        assert b.get("/api/v1/me").json()["email_verified"] is True

        # Failed log-ins on both processes count against one limit (kept in Redis).
        fresh = [httpx.Client(base_url=url) for url in urls]
        codes = [
            client.post("/api/v1/auth/login", json={"email": "scale@u.edu.cn", "password": "Wrong-pass-9"}).status_code
            for client in (*fresh, *fresh, fresh[0])
        ]
        assert codes[-1] == 429 and codes[:3] == [401, 401, 401]
    finally:
        pids = [child.process.pid for child in supervisor.children]
        supervisor.stop_all()
        assert not [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
