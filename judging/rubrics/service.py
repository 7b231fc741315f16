"""A round's rubric: read by judges and organizers, set by national organizers until sheets exist."""

import msgspec

from contest.lib.audit import service as audit
from contest.lib.db import json_value, write_transaction
from contest.lib.errors import InvalidInput, InvalidState, Msg
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.rounds import access as rounds_access
from contest.rounds.service import round_row
from judging.rubrics.rules import DEFAULT_CRITERIA, rubric_problems
from judging.rubrics.schemas import CriterionOut, RubricIn, RubricOut
from judging.rubrics.tables import Rubric
from judging.sheets.queries import round_has_sheets


def default_criteria() -> list[CriterionOut]:
    return [msgspec.convert(msgspec.structs.asdict(c), CriterionOut) for c in DEFAULT_CRITERIA]


async def criteria_of(round_id: int) -> list[CriterionOut]:
    """The round's criteria in order (the default ones when it has no rubric of its own)."""
    row = await Rubric.select(Rubric.criteria).where(Rubric.round == round_id).first()
    if row is None:
        return default_criteria()
    return msgspec.convert(json_value(row["criteria"]), list[CriterionOut])


async def rubric_of(round_id: int) -> RubricOut:
    """The rubric of a round (public: teams may read what they are judged on)."""
    await round_row(round_id)
    row = await Rubric.select().where(Rubric.round == round_id).first()
    criteria = await criteria_of(round_id)
    return RubricOut(
        round_id=round_id,
        criteria=criteria,
        total=sum(c.weight for c in criteria),
        default=row is None,
        locked=await round_has_sheets(round_id),
        updated_at=row["updated_at"] if row else None,
    )


async def set_rubric(rt: Runtime, actor: Principal, round_id: int, data: RubricIn) -> RubricOut:
    """Replace the round's criteria (national organizers), refused once a judge has saved a sheet."""
    problems = rubric_problems(data.criteria)
    fields = {field: Msg(p.text, p.params) for field, p in problems.items()}
    for index, criterion in enumerate(data.criteria):
        if not criterion.name_zh.strip():
            fields[f"criteria[{index}].name_zh"] = Msg("Give the criterion a Chinese name.")
    if fields:
        raise InvalidInput("Some criteria are not valid.", fields)
    async with write_transaction():
        row = await round_row(round_id)
        rounds_access.require_national_organizer(actor, row["contest"])
        if await round_has_sheets(round_id):
            raise InvalidState("Judges have started scoring this round: its criteria can no longer change.")
        before = await criteria_of(round_id)
        criteria = [msgspec.structs.asdict(c) for c in data.criteria]
        await Rubric.delete().where(Rubric.round == round_id)
        await Rubric.insert(
            Rubric(round=round_id, criteria=criteria, updated_by=audit_id(actor), updated_at=rt.clock.now())
        )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="rubric.set",
            object_type="round",
            object_id=round_id,
            before=[c.code for c in before],
            after=criteria,
        )
    return await rubric_of(round_id)
