"""Liveness and readiness: /healthz says the process is up, /readyz checks each dependency."""

import asyncio
import time
from typing import Any

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State

from contest.lib.db import current_engine
from contest.lib.guards import public

CHECK_TIMEOUT = 3.0


class Check(msgspec.Struct):
    ok: bool
    detail: str
    ms: int


class Readiness(msgspec.Struct):
    status: str
    checks: dict[str, Check]


async def _timed(probe: Any) -> Check:
    started = time.perf_counter()
    try:
        detail = await asyncio.wait_for(probe(), CHECK_TIMEOUT)
        ok = True
    except Exception as exc:
        detail, ok = f"{type(exc).__name__}: {exc}"[:300] or "unavailable", False
    return Check(ok=ok, detail=str(detail), ms=round((time.perf_counter() - started) * 1000))


async def _database() -> str:
    engine = current_engine()
    await engine.run_ddl("SELECT 1")
    return engine.engine_type


def _redis(state: State) -> Any:
    async def probe() -> str:
        redis = state.get("redis")
        if redis is None:
            raise RuntimeError("not configured")
        await redis.ping()
        return "pong"

    return probe


def _s3(state: State) -> Any:
    async def probe() -> str:
        store = state.get("store")
        if store is None:
            raise RuntimeError("not configured")
        await store.ping()
        return "bucket reachable"

    return probe


class HealthController(Controller):
    path = "/"
    guards = [public]
    include_in_schema = True
    tags = ["health"]

    @get("/healthz", sync_to_thread=False)
    def healthz(self) -> dict[str, str]:
        """The process is up and serving requests."""
        return {"status": "ok"}

    @get("/readyz")
    async def readyz(self, state: State) -> Response[Readiness]:
        """Database, Redis and S3, each checked and reported; 503 unless all are healthy."""
        names = ("database", "redis", "s3")
        results = await asyncio.gather(_timed(_database), _timed(_redis(state)), _timed(_s3(state)))
        checks = dict(zip(names, results, strict=True))
        ok = all(check.ok for check in results)
        return Response(Readiness("ok" if ok else "unavailable", checks), status_code=200 if ok else 503)
