"""Transactional outbox: jobs are written with the change and handed to arq after commit.

A job is never lost when Redis is briefly down (the row waits for the next relay) and never sent
for a rolled-back change (the row is rolled back with it). arq ignores an enqueue whose id is
queued or still holds a kept result, so ids carry the input version: see `job_id`.
"""

import asyncio
import contextlib
import logging
from typing import Any

from arq.connections import ArqRedis

from contest.lib.clock import Clock
from contest.lib.db import after_commit, current_engine, json_value
from contest.lib.outbox.tables import OutboxJob

log = logging.getLogger(__name__)
# Relay loops of this process; a commit that wrote outbox rows wakes them at once.
_wakeups: set[asyncio.Event] = set()


def job_id(kind: str, obj: object, version: object) -> str:
    """Deterministic id: the same input replays to the same id, a changed input gets a new one."""
    return f"{kind}:{obj}:{version}"


async def enqueue(clock: Clock, function: str, job: str, **kwargs: Any) -> None:
    """Write an outbox row in the current write transaction; a repeat of the same id is a no-op."""
    if current_engine().current_transaction.get() is None:
        raise RuntimeError("outbox.enqueue must run inside a write_transaction")
    if await OutboxJob.exists().where(OutboxJob.job_id == job):
        return
    await OutboxJob.insert(OutboxJob(job_id=job, function=function, kwargs=kwargs, created_at=clock.now()))
    after_commit(_wake)


async def _wake() -> None:
    for event in _wakeups:
        event.set()


async def relay(redis: ArqRedis, clock: Clock, limit: int = 500) -> int:
    """Hand unsent rows to arq, oldest first; returns how many were sent. Safe to run anywhere,
    any number of times: a row sent twice reaches arq with the same id, which it ignores."""
    rows = await (
        OutboxJob.select(OutboxJob.id, OutboxJob.job_id, OutboxJob.function, OutboxJob.kwargs)
        .where(OutboxJob.sent_at.is_null())
        .order_by(OutboxJob.id)
        .limit(limit)
    )
    sent = 0
    for row in rows:
        kwargs = json_value(row["kwargs"])
        try:
            await redis.enqueue_job(row["function"], _job_id=row["job_id"], **kwargs)
        except Exception as exc:  # Redis down: keep the row for the next pass
            await OutboxJob.update(
                {OutboxJob.attempts: OutboxJob.attempts + 1, OutboxJob.last_error: str(exc)[:500]}
            ).where(OutboxJob.id == row["id"])
            log.warning("outbox relay paused: %s", exc)
            break
        await OutboxJob.update({OutboxJob.sent_at: clock.now()}).where(OutboxJob.id == row["id"])
        sent += 1
    return sent


async def run_relay(redis: ArqRedis, clock: Clock, interval: float = 5.0) -> None:
    """Relay forever: at once after a commit that wrote jobs, and every `interval` seconds."""
    event = asyncio.Event()
    _wakeups.add(event)
    try:
        while True:
            try:
                await relay(redis, clock)
            except Exception:
                log.exception("outbox relay failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=interval)
            event.clear()
    finally:
        _wakeups.discard(event)


async def pending_count() -> int:
    return await OutboxJob.count().where(OutboxJob.sent_at.is_null())
