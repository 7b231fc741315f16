"""The assignment's arq jobs: a run, a repair, and the hourly check of overdue reviews. Each is
idempotent (a repeated delivery finds its row finished and does nothing) and writes its result to the
database; `ctx` is the worker's (settings, clock, runtime)."""

from typing import Any

from judging.assignment import repair, service


async def assignment_run(ctx: dict[str, Any], run_id: int) -> str:
    """Solve one run and keep its draft; the last try that fails marks the run failed."""
    try:
        return await service.run_job(ctx["runtime"], run_id)
    except Exception as error:
        if ctx.get("job_try", 1) >= ctx.get("max_tries", 5):
            await service.fail_run(ctx["runtime"], run_id, f"{type(error).__name__}: {error}")
        raise


async def assignment_repair(ctx: dict[str, Any], reassignment_id: int) -> str:
    """Give the entries of a round that lack judges the judges they need."""
    return await repair.repair(ctx["runtime"], reassignment_id)


async def assignment_late_reviews(ctx: dict[str, Any]) -> int:
    """End the pairs whose review is overdue by more than their round's margin, and repair."""
    return await repair.late_reviews(ctx["runtime"])
