"""Contests."""

from contest.audit import service as audit
from contest.clock import Clock
from contest.contests.tables import Contest
from contest.db import write_transaction
from contest.errors import Conflict


async def create_contest(
    clock: Clock, *, slug: str, name_zh: str, name_en: str, time_zone: str = "Asia/Shanghai", actor_id: int | None
) -> int:
    async with write_transaction():
        if await Contest.exists().where(Contest.slug == slug):
            raise Conflict("A contest with this short name already exists.", {"slug": "taken"})
        rows = await Contest.insert(
            Contest(slug=slug, name_zh=name_zh, name_en=name_en, time_zone=time_zone, created_at=clock.now())
        )
        contest_id: int = rows[0]["id"]
        await audit.record(
            clock,
            actor_id=actor_id,
            action="contest.create",
            object_type="contest",
            object_id=contest_id,
            after={"slug": slug, "name_zh": name_zh},
        )
    return contest_id
