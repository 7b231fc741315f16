"""Reading conflicts: the stated ones (declared by judges, added by organizers) in force."""

from judging.conflicts.rules import Stated
from judging.conflicts.tables import Conflict


async def stated(contest_id: int, judge_ids: list[int] | None = None) -> list[Stated]:
    """The declared and organizers' conflicts in force in the contest (of `judge_ids` when given)."""
    where = (Conflict.contest == contest_id) & Conflict.removed_at.is_null()
    if judge_ids is not None:
        where &= Conflict.judge.is_in(judge_ids or [0])
    rows = (
        await Conflict.select(
            Conflict.id,
            Conflict.judge,
            Conflict.team,
            Conflict.university,
            Conflict.university._.name_zh.as_alias("university_name"),
            Conflict.source,
            Conflict.reason,
        )
        .where(where)
        .order_by(Conflict.id)
    )
    return [
        Stated(
            id=r["id"],
            judge_id=r["judge"],
            team_id=r["team"],
            university_id=r["university"],
            university=r["university_name"] or "",
            source=r["source"],
            reason=r["reason"],
        )
        for r in rows
    ]
