"""The worker's jobs for results (registered in contest.shell.worker)."""

from typing import Any

from judging.results import notices, service


async def compute_results(ctx: dict[str, Any], run_id: int) -> str:
    """Compute one queued result run (CPU work in a thread of the worker, never on the web loop)."""
    return await service.compute_run(ctx["runtime"], run_id)


async def finalise_results(ctx: dict[str, Any]) -> int:
    """Every few minutes: make final the published results whose notice period is over."""
    return await service.finalise_due(ctx["runtime"])


async def notify_results(ctx: dict[str, Any], run_id: int) -> int:
    """Mail the teams of a published run (each member once, however often this runs)."""
    run = await service.run_row(run_id)
    snapshot = await service.adjusted_snapshot(run)
    return await notices.notify_publication(ctx["runtime"], run, snapshot) if snapshot else 0
