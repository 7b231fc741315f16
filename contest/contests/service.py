"""Contests and their tracks."""

from datetime import datetime
from typing import Any

from contest.audit import service as audit
from contest.clock import Clock
from contest.contests.tables import Contest, Track
from contest.db import write_transaction
from contest.errors import Conflict, InvalidInput

DEFAULT_TRACKS = (("app", "小程序应用", "Mini-program application"), ("game", "小游戏", "Mini-game"))


async def create_contest(
    clock: Clock,
    *,
    slug: str,
    name_zh: str,
    name_en: str,
    time_zone: str = "Asia/Shanghai",
    actor_id: int | None,
    registration_opens_at: datetime | None = None,
    registration_deadline: datetime | None = None,
    tracks: tuple[tuple[str, str, str], ...] = (),
) -> int:
    """A contest with its registration window and tracks (code, Chinese name, English name)."""
    if registration_opens_at and registration_deadline and registration_opens_at >= registration_deadline:
        raise InvalidInput("Registration must open before its deadline.", {"registration_deadline": "too early"})
    async with write_transaction():
        if await Contest.exists().where(Contest.slug == slug):
            raise Conflict("A contest with this short name already exists.", {"slug": "taken"})
        rows = await Contest.insert(
            Contest(
                slug=slug,
                name_zh=name_zh,
                name_en=name_en,
                time_zone=time_zone,
                created_at=clock.now(),
                registration_opens_at=registration_opens_at,
                registration_deadline=registration_deadline,
            )
        )
        contest_id: int = rows[0]["id"]
        if tracks:
            await Track.insert(
                *[
                    Track(contest=contest_id, code=c, name_zh=zh, name_en=en, sort_order=i)
                    for i, (c, zh, en) in enumerate(tracks)
                ]
            )
        await audit.record(
            clock,
            actor_id=actor_id,
            action="contest.create",
            object_type="contest",
            object_id=contest_id,
            after={"slug": slug, "name_zh": name_zh, "tracks": [t[0] for t in tracks]},
        )
    return contest_id


async def tracks_of(contest_id: int) -> list[dict[str, Any]]:
    return await Track.select().where(Track.contest == contest_id).order_by(Track.sort_order)


async def current_contest() -> dict[str, Any] | None:
    """The newest contest: what the portal shows by default."""
    return await Contest.select().order_by(Contest.id, ascending=False).first()
