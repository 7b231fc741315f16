"""A round's rubric: the default until set, set by national organizers, fixed once sheets exist."""

import pytest

from contest.lib.errors import Forbidden, InvalidInput, InvalidState
from judging.rubrics import service
from judging.rubrics.schemas import CriterionIn, RubricIn
from judging.sheets import service as sheets
from tests import factories as f
from tests.judging import scoring

TWO = RubricIn(
    criteria=[
        CriterionIn(code="idea", name_zh="创意", weight=60, max=10, step=0.5, guidance_zh="是否新颖"),
        CriterionIn(code="build", name_zh="实现", name_en="Build", weight=40, max=10),
    ]
)


async def test_a_rubric_is_set_until_judges_start_scoring(service_db, clock):
    s = await scoring.scene(clock, teams=1, judges=1)
    rt = f.runtime(clock)
    assert (await service.rubric_of(s.round.id)).default
    regional = await f.organizer(clock, s.contest_id, region="EC")
    with pytest.raises(Forbidden):
        await service.set_rubric(rt, regional, s.round.id, TWO)
    with pytest.raises(InvalidInput) as refused:
        await service.set_rubric(
            rt,
            s.organizer,
            s.round.id,
            RubricIn(criteria=[CriterionIn(code="idea", name_zh=" ", weight=1, max=3, step=2)]),
        )
    assert set(refused.value.fields) == {"criteria[0].name_zh", "criteria[0].max"}
    shown = await service.set_rubric(rt, s.organizer, s.round.id, TWO)
    assert (shown.default, shown.total, [c.code for c in shown.criteria]) == (False, 100, ["idea", "build"])
    assert shown.criteria[0].guidance_zh == "是否新颖"

    await sheets.sheet(rt, s.judges[0], s.round.id, s.codes[s.teams[0]])
    assert (await service.rubric_of(s.round.id)).locked
    with pytest.raises(InvalidState):
        await service.set_rubric(rt, s.organizer, s.round.id, TWO)
