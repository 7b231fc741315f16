"""The results computation over plain inputs (no database): ranks per group, advancement and awards
with reasons, judge statistics, refusals of a malformed input."""

import pytest

from contest.lib.schemas import Name
from judging.advancement import AdvancementRule
from judging.awards import AwardRules, Tier
from judging.ranking import Criterion, InputError
from judging.results.compute import Inputs, SheetRow, TeamFacts, compute
from judging.results.schemas import RulesIn

CRITERIA = [Criterion(id="idea", weight=60, max=10), Criterion(id="build", weight=40, max=10)]
EAST, NORTH = Name("华东", "East China"), Name("华北", "North China")


def team(team_id: int, region: Name, status: str = "submitted", track: str = "应用") -> TeamFacts:
    return TeamFacts(
        team_id=team_id,
        name=f"队{team_id}",
        university=Name(f"大学{team_id}"),
        region=region.en[:2].upper(),
        region_name=region,
        track=Name(track),
        status=status,
    )


def sheets(scores: dict[int, list[float]]) -> list[SheetRow]:
    return [
        SheetRow(team_id=t, judge_id=100 + j, scores={"idea": v, "build": v})
        for t, values in scores.items()
        for j, v in enumerate(values)
    ]


def inputs(**rules) -> Inputs:
    teams = [
        team(1, EAST),
        team(2, EAST),
        team(3, EAST),
        team(4, NORTH),
        team(5, NORTH),
        team(6, NORTH, "not_submitted"),
    ]
    return Inputs(
        criteria=CRITERIA,
        sheets=sheets({1: [9, 9], 2: [7, 7], 3: [5, 6], 4: [8, 8], 5: [2, 8]}),
        teams=teams,
        expected={1: 2, 2: 2, 3: 2, 4: 2, 5: 3},
        judges={100: "评委甲", 101: "评委乙", 102: "评委丙"},
        rules=RulesIn(**rules),
    )


def test_ranks_nationally_and_within_regions_and_flags_disagreement():
    snapshot = compute(inputs(flag_threshold=0.5))
    by_id = {t.team_id: t for t in snapshot.teams}
    assert [t.team_id for t in snapshot.teams] == [1, 4, 2, 3, 5, 6]
    assert [by_id[i].rank for i in (1, 4, 2, 3, 5)] == [1, 2, 3, 4, 5]
    assert (by_id[2].region_rank, by_id[3].region_rank, by_id[4].region_rank, by_id[5].region_rank) == (2, 3, 1, 2)
    assert by_id[5].flagged and by_id[5].missing == 1 and not by_id[1].flagged
    assert by_id[6].rank is None and by_id[6].status == "not_submitted"
    assert [j.name for j in snapshot.judges] == ["评委乙", "评委甲"]


def test_advancement_and_awards_give_every_team_a_reason():
    snapshot = compute(
        inputs(
            advancement=AdvancementRule(group_by=["region"], percent=34, minimum=1, wildcards=1),
            awards=AwardRules(tiers=[Tier(name="一等奖", count=1), Tier(name="二等奖", percent=50)]),
        )
    )
    by_id = {t.team_id: t for t in snapshot.teams}
    # 34% of 3 submitting in 华东 is 2 places (rounded up), of 2 in 华北 1; the wildcard goes to the next best.
    assert {i for i, t in by_id.items() if t.advanced} == {1, 2, 3, 4}
    assert by_id[3].via == "wildcard" and by_id[5].advance_reason.id == "advance_outside_wildcards"
    assert by_id[6].advance_reason.id == "team_not_submitted"
    # Nationally: one first prize, then half of the five submitting teams (2.5, half up: 3) second prizes.
    assert [by_id[i].award for i in (1, 4, 2, 3, 5)] == ["一等奖", "二等奖", "二等奖", "二等奖", None]
    assert snapshot.tier_names == ["一等奖", "二等奖"]


def test_a_malformed_sheet_is_refused_with_its_reason():
    bad = inputs()
    bad = Inputs(
        **{
            **{f: getattr(bad, f) for f in bad.__struct_fields__},
            "sheets": [SheetRow(team_id=1, judge_id=1, scores={"idea": 11, "build": 1})],
        }
    )
    with pytest.raises(InputError) as refused:
        compute(bad)
    assert refused.value.reason.id == "ranking_score_out_of_range"
