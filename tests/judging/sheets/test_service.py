"""The judge panel's sheets: drafts, submit, edits until the window closes, stale saves refused,
scores out of range or off-step, unassigned entries, recusal, blind panels."""

from datetime import timedelta

import pytest

from contest.lib.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from judging.assignment import queries as assignment
from judging.assignment.tables import Reassignment
from judging.conflicts import service as conflicts  # noqa: F401  (registers the recusal handler)
from judging.sheets import service
from judging.sheets.queries import submitted_pairs
from judging.sheets.schemas import RecuseIn, SheetIn
from tests import factories as f
from tests.judging import scoring


async def test_a_draft_is_saved_then_submitted_and_edited_until_the_window_closes(service_db, clock):
    s = await scoring.scene(clock, teams=2, judges=1)
    rt, judge, code = f.runtime(clock), s.judges[0], s.codes[s.teams[0]]
    opened = await service.sheet(rt, judge, s.round.id, code)
    assert (opened.status, opened.version, opened.total) == ("new", 0, None)

    draft = await service.save_sheet(
        rt, judge, s.round.id, code, SheetIn(scores={"innovation": 20}, comment="思路清晰", version=0)
    )
    assert (draft.status, draft.version, draft.scores["innovation"], draft.scores["value"]) == ("draft", 1, 20, None)
    again = await service.sheet(rt, judge, s.round.id, code)
    assert again.scores["innovation"] == 20 and again.comment == "思路清晰" and again.version == 1

    with pytest.raises(InvalidInput) as missing:
        await service.save_sheet(
            rt, judge, s.round.id, code, SheetIn(scores={"innovation": 20}, version=1), submit=True
        )
    assert "scores.value" in missing.value.fields
    submitted = await service.save_sheet(
        rt, judge, s.round.id, code, SheetIn(scores=scoring.ALL_TENS, version=1), submit=True
    )
    assert submitted.status == "submitted" and submitted.total == 78 and submitted.version == 2
    assert await submitted_pairs(s.round.id) == {(s.teams[0], judge.user_id)}

    # Still editable (and still submitted) until the review closes; it must stay complete.
    edited = await service.save_sheet(
        rt, judge, s.round.id, code, SheetIn(scores={**scoring.ALL_TENS, "design": 18}, version=2)
    )
    assert edited.status == "submitted" and edited.total == 81
    with pytest.raises(InvalidInput):
        await service.save_sheet(rt, judge, s.round.id, code, SheetIn(scores={"design": 18}, version=3))

    clock.advance(timedelta(days=8))
    with pytest.raises(InvalidState) as closed:
        await service.save_sheet(rt, judge, s.round.id, code, SheetIn(scores=scoring.ALL_TENS, version=3))
    assert "closed" in closed.value.message
    assert not (await service.sheet(rt, judge, s.round.id, code)).editable


async def test_a_stale_save_is_refused_and_overwrites_nothing(service_db, clock):
    s = await scoring.scene(clock, teams=1, judges=1)
    rt, judge, code = f.runtime(clock), s.judges[0], s.codes[s.teams[0]]
    await service.sheet(rt, judge, s.round.id, code)
    phone = await service.save_sheet(rt, judge, s.round.id, code, SheetIn(scores={"value": 12}, version=0))
    with pytest.raises(Conflict) as stale:
        await service.save_sheet(rt, judge, s.round.id, code, SheetIn(scores={"value": 3}, version=0))
    assert stale.value.fields == {"version": "stale"}
    assert (await service.sheet(rt, judge, s.round.id, code)).scores["value"] == 12
    later = await service.save_sheet(rt, judge, s.round.id, code, SheetIn(scores={"value": 13}, version=phone.version))
    assert later.version == 2


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"innovation": 26}, "scores.innovation"),
        ({"innovation": -1}, "scores.innovation"),
        ({"value": 12.5}, "scores.value"),
        ({"charisma": 3}, "scores.charisma"),
    ],
)
async def test_scores_out_of_range_off_step_or_unknown_are_refused(service_db, clock, scores, field):
    s = await scoring.scene(clock, teams=1, judges=1)
    rt, judge, code = f.runtime(clock), s.judges[0], s.codes[s.teams[0]]
    with pytest.raises(InvalidInput) as refused:
        await service.save_sheet(rt, judge, s.round.id, code, SheetIn(scores=scores, version=0))
    assert field in refused.value.fields
    assert (await service.sheet(rt, judge, s.round.id, code)).version == 0


async def test_only_the_assigned_judge_reaches_an_entry(service_db, clock):
    s = await scoring.scene(clock, teams=2, judges=1)
    rt = f.runtime(clock)
    outsider = await scoring.judge(clock, s.contest_id)
    with pytest.raises(NotFound):
        await service.save_sheet(rt, outsider, s.round.id, s.codes[s.teams[0]], SheetIn(version=0))
    with pytest.raises(NotFound):
        await service.sheet(rt, s.judges[0], s.round.id, "NOSUCH")
    student = await f.principal(await f.user(clock))
    with pytest.raises(Forbidden):
        await service.panel(rt, student, s.round.id)


async def test_the_panel_of_a_blind_round_names_no_team(service_db, clock):
    s = await scoring.scene(clock, teams=3, judges=1)
    rt, judge = f.runtime(clock), s.judges[0]
    await scoring.score(clock, s, judge, s.teams[0], scoring.ALL_TENS)
    panel = await service.panel(rt, judge, s.round.id)
    assert s.round.blind and panel.round.assigned == 3 and panel.round.submitted == 1
    assert [e.code for e in panel.entries] == sorted(s.codes.values())
    assert all(e.team is None and e.university is None for e in panel.entries)
    [listed] = await service.panel_rounds(rt, judge, s.contest_id)
    assert (listed.round_id, listed.assigned, listed.submitted) == (s.round.id, 3, 1)


async def test_the_panel_of_an_open_round_names_teams(service_db, clock):
    s = await scoring.scene(clock, teams=2, judges=1, round_index=2)
    panel = await service.panel(f.runtime(clock), s.judges[0], s.round.id)
    assert not panel.round.blind and {e.team for e in panel.entries} == {"队伍1", "队伍2"}


async def test_recusal_needs_a_reason_ends_the_pair_and_queues_a_repair(service_db, clock):
    s = await scoring.scene(clock, teams=1, judges=2)
    rt, judge, team = f.runtime(clock), s.judges[0], s.teams[0]
    await scoring.score(clock, s, judge, team, scoring.ALL_TENS)
    assert await assignment.locked_pairs(s.round.id) == {(team, judge.user_id)}
    with pytest.raises(InvalidInput):
        await service.recuse(rt, judge, s.round.id, s.codes[team], RecuseIn(reason="  "))
    recused = await service.recuse(rt, judge, s.round.id, s.codes[team], RecuseIn(reason="我指导过这个队伍"))
    assert recused.status == "recused" and not recused.editable
    assert await submitted_pairs(s.round.id) == set()
    assert await assignment.judges_of(s.round.id, team) == [s.judges[1].user_id]
    [repair] = await Reassignment.select().where(Reassignment.round == s.round.id)
    assert repair["reason"] == "recusal"
    with pytest.raises(NotFound):  # the entry is no longer theirs
        await service.sheet(rt, judge, s.round.id, s.codes[team])


async def test_two_first_saves_of_the_same_sheet_keep_one_and_refuse_the_other(service_db, clock):
    s = await scoring.scene(clock, teams=1, judges=1)
    rt, judge, code = f.runtime(clock), s.judges[0], s.codes[s.teams[0]]
    first = await service.save_sheet(rt, judge, s.round.id, code, SheetIn(scores={"value": 10}, version=0))
    again = await service.sheet(rt, judge, s.round.id, code)  # opening does not add a second row
    assert (first.version, again.version, again.scores["value"]) == (1, 1, 10)
    with pytest.raises(Conflict):
        await service.save_sheet(rt, judge, s.round.id, code, SheetIn(scores={"value": 11}, version=0))
