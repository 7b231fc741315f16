"""The judge portal: a judge's assigned entries per round (in a blind round only the entry's code and
track) and the notices about their assignment."""

from contest.lib.db import write_transaction
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.rounds import service as rounds
from judging.assignment import access, queries
from judging.assignment.common import message_outs, round_name
from judging.assignment.schemas import NoticeOut, PortalEntryOut, PortalOut, PortalRoundOut
from judging.assignment.tables import JudgeNotice
from judging.teams import team_facts

NOTICES = 20


async def portal(rt: Runtime, actor: Principal, contest_id: int) -> PortalOut:
    """The rounds in which the judge has entries, each with its entries, and the latest notices."""
    access.require_judge(actor, contest_id)
    out = []
    for round_ in await rounds.rounds_of(rt, contest_id):
        assigned = await queries.assigned(round_.id, actor.user_id)
        if not assigned:
            continue
        teams = await team_facts(contest_id, [a.team_id for a in assigned])
        entries = [
            PortalEntryOut(
                code=a.code,
                team=None if round_.blind else teams[a.team_id].name,
                university=None if round_.blind else teams[a.team_id].university,
                track=teams[a.team_id].track,
                due_at=a.due_at or round_.review_closes_at,
                assigned_at=a.assigned_at,
                source=a.source,
            )
            for a in assigned
            if a.team_id in teams
        ]
        out.append(
            PortalRoundOut(
                round_id=round_.id,
                name=round_name({"name_zh": round_.name_zh, "name_en": round_.name_en}),
                blind=round_.blind,
                review_opens_at=round_.review_opens_at,
                review_closes_at=round_.review_closes_at,
                entries=entries,
            )
        )
    return PortalOut(rounds=out, notices=await notices(actor))


async def notices(actor: Principal, limit: int = NOTICES) -> list[NoticeOut]:
    """The judge's latest notices, newest first."""
    rows = (
        await JudgeNotice.select()
        .where(JudgeNotice.judge == actor.user_id)
        .order_by(JudgeNotice.id, ascending=False)
        .limit(limit)
    )
    shown = message_outs([{"id": "notice", "text": r["text"], "params": r["params"]} for r in rows])
    return [
        NoticeOut(
            id=r["id"],
            round_id=r["round"],
            text=m.text,
            params=m.params,
            created_at=r["created_at"],
            read=r["read_at"] is not None,
        )
        for r, m in zip(rows, shown, strict=True)
    ]


async def mark_read(rt: Runtime, actor: Principal) -> None:
    """The judge has seen their notices."""
    async with write_transaction():
        await JudgeNotice.update({JudgeNotice.read_at: rt.clock.now()}).where(
            (JudgeNotice.judge == actor.user_id) & JudgeNotice.read_at.is_null()
        )
