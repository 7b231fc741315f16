"""The defence timetable's arq job: one build, idempotent (a finished build is left as it is)."""

from typing import Any

from judging.defence import service


async def defence_build(ctx: dict[str, Any], timetable_id: int) -> str:
    """Build one timetable; the last try that fails marks it failed."""
    try:
        return await service.build_job(ctx["runtime"], timetable_id)
    except Exception as error:
        if ctx.get("job_try", 1) >= ctx.get("max_tries", 5):
            await service.fail_build(ctx["runtime"], timetable_id, f"{type(error).__name__}: {error}")
        raise
