"""The arq worker: every job function and schedule in one place.

`contest worker` runs it against REDIS_URL; in the embedded default `contest serve` starts one as a
supervised child process, so CPU-heavy jobs never block the web event loop.
"""

import logging
from typing import Any, ClassVar

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker, create_worker

from contest.lib.clock import SystemClock
from contest.lib.db import close_engine, open_engine
from contest.lib.mail.jobs import send_mail
from contest.lib.outbox import service as outbox
from contest.lib.settings import Settings, load_settings, with_secret_key
from contest.shell.store import store_for
from contest.shell.wiring import runtime_for
from contest.submissions import jobs as entries
from judging.assignment import jobs as assignment
from judging.defence import jobs as defence
from judging.results import jobs as results
from judging.results.blas import limit_blas_threads

log = logging.getLogger(__name__)


async def relay_outbox(ctx: dict[str, Any]) -> int:
    """Backstop for app processes that died between a commit and their relay pass."""
    return await outbox.relay(ctx["redis"], ctx["clock"])


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.get("settings") or with_secret_key(load_settings())
    ctx["settings"] = settings
    ctx.setdefault("clock", SystemClock())
    limit_blas_threads(1)  # the ranking's least squares is slower with BLAS threads on busy cores
    ctx["engine"] = await open_engine(settings)
    ctx["store"] = store_for(settings)
    ctx["runtime"] = runtime_for(settings, ctx["clock"], ctx.get("redis"))


async def shutdown(ctx: dict[str, Any]) -> None:
    if "engine" in ctx:
        await close_engine(ctx["engine"])


class WorkerSettings:
    """arq settings. Jobs are idempotent (at-least-once delivery) and write results to the DB."""

    functions: ClassVar[list[Any]] = [
        send_mail,
        entries.verify_upload,
        entries.build_archive,
        results.compute_results,
        results.notify_results,
        assignment.assignment_run,
        assignment.assignment_repair,
        defence.defence_build,
    ]
    cron_jobs: ClassVar[list[Any]] = [
        cron(relay_outbox, second={0, 30}, run_at_startup=True, unique=True),
        cron(entries.pin_entries, second=15, unique=True),
        cron(entries.clean_uploads, minute=7, second=45, unique=True),
        cron(results.finalise_results, minute=set(range(0, 60, 5)), second=50, unique=True),
        cron(assignment.assignment_late_reviews, minute=23, second=20, unique=True),
    ]
    on_startup = startup
    on_shutdown = shutdown
    max_tries = 5
    # Results live in the database; arq's copy only needs to outlive duplicate deliveries.
    keep_result = 3600
    job_timeout = 600


def build_worker(settings: Settings, **overrides: Any) -> Worker:
    """A worker for `settings` (tests pass burst=True and their own clock in ctx)."""
    ctx = overrides.pop("ctx", {})
    ctx["settings"] = settings
    return create_worker(
        WorkerSettings,  # type: ignore[arg-type]
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        ctx=ctx,
        **overrides,
    )
