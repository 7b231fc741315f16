"""Results: computed runs, review with recorded adjustments, publication with missing sheets only by
an explicit override, the notice period with appeals, finalisation filling the next round."""

from datetime import timedelta

import pytest

from contest.lib.errors import Forbidden, InvalidInput, InvalidState
from contest.rounds import participants
from contest.rounds.service import round_row
from contest.teams import roster
from contest.teams.schemas import StatusIn
from judging.advancement import AdvancementRule
from judging.results import appeals, service
from judging.results.schemas import AdjustIn, AnswerIn, AppealIn, PublishIn, RulesIn
from tests import factories as f
from tests.judging import scoring


async def scored_round(clock, teams=6, judges=3, fractions=None):
    """A round where every judge scored every team: team i at a falling share of the maximum."""
    s = await scoring.scene(clock, teams=teams, judges=judges)
    for index, team in enumerate(s.teams):
        for person in s.judges:
            fraction = (fractions or {}).get(team, 0.9 - 0.1 * index)
            await scoring.score(clock, s, person, team, scoring.scaled(fraction), comment=f"第{index + 1}队不错")
    return s


async def computed(clock, s):
    rt = f.runtime(clock)
    run = await service.request_compute(rt, s.organizer, s.round.id)
    assert run.status == "queued"
    assert await service.compute_run(rt, run.id) == "ready"
    return await service.results(s.organizer, run.id)


async def test_a_run_ranks_nationally_per_region_and_per_track(service_db, clock):
    s = await scored_round(clock)
    found = await computed(clock, s)
    snapshot = found.snapshot
    assert found.run.status == "ready" and found.run.sheets == 18 and found.run.missing == 0
    assert [t.team_id for t in snapshot.teams] == s.teams
    assert [t.rank for t in snapshot.teams] == [1, 2, 3, 4, 5, 6]
    # Three regions, two teams each (teams 1 and 4 in 华北, ...): region ranks restart per region.
    assert [t.region_rank for t in snapshot.teams] == [1, 1, 1, 2, 2, 2]
    assert [t.track_rank for t in snapshot.teams] == [1, 2, 3, 4, 5, 6]
    # Default rules of a regional round: top 30% of each region (at least 2) advance.
    assert all(t.advanced for t in snapshot.teams)
    views = service.views(snapshot)
    assert [v.key for v in views][:1] == ["national"] and len(views) == 1 + 3 + 1
    assert {judge.name for judge in snapshot.judges} == {"评委1", "评委2", "评委3"}


async def test_unsubmitted_and_disqualified_teams_are_not_ranked(service_db, clock):
    s = await scored_round(clock, teams=4)
    rt = f.runtime(clock)
    idle = await scoring.team(clock, s.contest_id, s.track_id, "未交队")
    await roster.set_status(rt, s.organizer, s.teams[1], StatusIn(disqualify=True, reason="抄袭"))
    snapshot = (await computed(clock, s)).snapshot
    by_id = {t.team_id: t for t in snapshot.teams}
    assert by_id[s.teams[1]].status == "disqualified" and by_id[s.teams[1]].rank is None
    assert by_id[idle].status == "not_submitted" and by_id[idle].rank is None
    assert [by_id[t].rank for t in (s.teams[0], s.teams[2], s.teams[3])] == [1, 2, 3]
    assert by_id[idle].advance_reason.id == "team_not_submitted"


async def test_a_rule_selecting_nobody_computes_but_never_publishes(service_db, clock):
    s = await scored_round(clock, teams=3, judges=1)
    rt = f.runtime(clock)
    await service.set_rules(rt, s.organizer, s.round.id, RulesIn(advancement=AdvancementRule(percent=0, minimum=0)))
    found = await computed(clock, s)
    assert [p.id for p in found.run.problems] == ["advance_no_places"]
    with pytest.raises(InvalidState) as refused:
        await service.publish(rt, s.organizer, found.run.id, PublishIn())
    assert "selects no team" in refused.value.message


async def test_rules_that_do_not_hold_together_are_refused(service_db, clock):
    s = await scoring.scene(clock, teams=1, judges=1)
    rt = f.runtime(clock)
    with pytest.raises(InvalidInput):
        await service.set_rules(rt, s.organizer, s.round.id, RulesIn(tie_break=["charisma"]))
    with pytest.raises(InvalidInput) as percent:
        await service.set_rules(rt, s.organizer, s.round.id, RulesIn(advancement=AdvancementRule(percent=120)))
    assert "percent" in percent.value.message
    regional = await f.organizer(clock, s.contest_id, region="EC")
    with pytest.raises(Forbidden):
        await service.set_rules(rt, regional, s.round.id, RulesIn())


async def test_missing_sheets_publish_only_with_a_recorded_override(service_db, clock):
    s = await scoring.scene(clock, teams=2, judges=2)
    for team in s.teams:
        await scoring.score(clock, s, s.judges[0], team, scoring.scaled(0.8))
    rt = f.runtime(clock)
    found = await computed(clock, s)
    assert found.run.missing == 2
    with pytest.raises(InvalidState) as refused:
        await service.publish(rt, s.organizer, found.run.id, PublishIn())
    assert refused.value.fields == {"override": "required"}
    with pytest.raises(InvalidInput):
        await service.publish(rt, s.organizer, found.run.id, PublishIn(override=True, reason=" "))
    published = await service.publish(rt, s.organizer, found.run.id, PublishIn(override=True, reason="评委2生病"))
    assert published.status == "published" and published.override_reason == "评委2生病"
    assert published.notice_ends_at == clock.now() + timedelta(days=7)


async def test_adjustments_are_recorded_and_applied(service_db, clock):
    s = await scored_round(clock, teams=3, judges=1)
    rt = f.runtime(clock)
    found = await computed(clock, s)
    last = s.teams[2]
    with pytest.raises(InvalidInput):
        await service.adjust(
            rt, s.organizer, found.run.id, AdjustIn(team_id=last, field="advanced", advanced=False, reason="")
        )
    with pytest.raises(InvalidInput):
        await service.adjust(
            rt, s.organizer, found.run.id, AdjustIn(team_id=last, field="award", award="特等奖", reason="x")
        )
    adjusted = await service.adjust(
        rt, s.organizer, found.run.id, AdjustIn(team_id=last, field="award", award="一等奖", reason="复核后改判")
    )
    team = next(t for t in adjusted.snapshot.teams if t.team_id == last)
    assert team.award == "一等奖" and team.adjusted == ["award"]
    [record] = adjusted.adjustments
    assert (record.field, record.value, record.reason) == ("award", "一等奖", "复核后改判")


async def test_the_public_sees_nothing_before_publication(service_db, clock):
    s = await scored_round(clock, teams=2, judges=1)
    found = await computed(clock, s)
    assert (await service.public_results(s.round.id)).views == []
    await service.publish(f.runtime(clock), s.organizer, found.run.id, PublishIn())
    shown = await service.public_results(s.round.id)
    assert shown.status == "published" and [r.team for r in shown.views[0].rows] == ["队伍1", "队伍2"]


async def test_appeals_in_the_notice_period_then_final_results_fill_the_next_round(service_db, clock):
    s = await scored_round(clock, teams=6, judges=2)
    rt = f.runtime(clock)
    found = await computed(clock, s)
    member = await scoring.leader(s.teams[5])
    with pytest.raises(InvalidState):  # nothing published yet
        await appeals.file_appeal(rt, None, member, s.round.id, AppealIn(reason="分数有误"))
    await service.publish(rt, s.organizer, found.run.id, PublishIn())

    mine = await appeals.my_result(rt, member, s.round.id)
    assert mine.published and mine.can_appeal and mine.standing.team_id == s.teams[5]
    assert mine.standing.advance_reason is not None and "第6队不错" in mine.comments
    filed = await appeals.file_appeal(rt, None, member, s.round.id, AppealIn(reason="分数有误，请复核"))
    assert filed.status == "open"
    with pytest.raises(InvalidState):  # one open appeal at a time
        await appeals.file_appeal(rt, None, member, s.round.id, AppealIn(reason="再次申诉"))

    clock.advance(timedelta(days=8))
    assert await service.finalise_due(rt) == 0  # an appeal is still open
    upheld = await appeals.answer_appeal(
        rt, s.organizer, filed.id, AnswerIn(decision="upheld", answer="复核后晋级", field="advanced", advanced=True)
    )
    assert upheld.status == "upheld"
    with pytest.raises(InvalidState):
        await appeals.file_appeal(rt, None, member, s.round.id, AppealIn(reason="期满后申诉"))

    assert await service.finalise_due(rt) == 1
    final = (await service.runs(s.organizer, s.round.id))[0]
    assert final.status == "final"
    following = await round_row(s.rounds[1].id)
    listed = await participants.participant_ids(following)
    snapshot = (await service.results(s.organizer, found.run.id)).snapshot
    assert sorted(listed) == sorted(t.team_id for t in snapshot.teams if t.advanced)
    assert s.teams[5] in listed
    with pytest.raises(InvalidState):
        await service.request_compute(rt, s.organizer, s.round.id)
