"""Award tiers on hand-computed cases: rounding of each tier, ties at a boundary, groups, refusals."""

import pytest

from judging.awards import AwardRules, Team, Tier, award
from judging.ranking import InputError

PRIZES = [Tier(name="一等奖", percent=5), Tier(name="二等奖", percent=10), Tier(name="三等奖", percent=15)]


def ranked(ranks: list[int], region: str = "华东", prefix: str = "t") -> list[Team]:
    return [Team(team=f"{prefix}{n}", rank=rank, region=region) for n, rank in enumerate(ranks, 1)]


def tiers(result) -> list[str | None]:
    return [item.tier for item in result.teams]


@pytest.mark.parametrize(
    ("rounding", "places"),
    [("half_up", [2, 3, 5]), ("half_even", [2, 3, 4]), ("down", [1, 3, 4]), ("up", [2, 3, 5])],
)
def test_each_tier_is_its_percentage_of_the_submitting_teams_rounded_as_stated(rounding, places):
    # 30 teams: 5% = 1.5, 10% = 3, 15% = 4.5.
    result = award(ranked(list(range(1, 31))), AwardRules(tiers=PRIZES, rounding=rounding))
    assert [(tier.tier, tier.exact, tier.places, tier.awarded) for tier in result.tiers] == [
        ("一等奖", "1.5", places[0], places[0]),
        ("二等奖", "3", places[1], places[1]),
        ("三等奖", "4.5", places[2], places[2]),
    ]
    first, second, third = places
    assert tiers(result) == ["一等奖"] * first + ["二等奖"] * second + ["三等奖"] * third + [None] * (30 - sum(places))
    assert result.rounding == rounding


def test_reasons_say_the_rank_and_the_places():
    result = award(ranked(list(range(1, 31))), AwardRules(tiers=PRIZES))
    assert result.teams[0].reason.render() == "rank 1 of 30 in 全国: 一等奖 (2 places)"
    assert result.teams[-1].reason.render() == "rank 30 of 30 in 全国: outside the 10 award places"


def test_a_tie_at_a_boundary_gets_the_higher_tier_by_default():
    teams = ranked([1, 2, 2, 4, 5, 6])
    rules = [Tier(name="gold", count=2), Tier(name="silver", count=2), Tier(name="bronze", count=1)]
    result = award(teams, AwardRules(tiers=rules))
    assert tiers(result) == ["gold", "gold", "gold", "silver", "bronze", None]
    assert [tier.awarded for tier in result.tiers] == [3, 1, 1]
    assert result.teams[2].reason.render() == (
        "rank 2 of 6 in 全国: gold; the 2 teams tied at its boundary all get the higher tier"
    )
    assert result.teams[0].reason.id == "award_tier"


def test_a_tie_at_a_boundary_can_get_the_lower_tier_instead():
    teams = ranked([1, 2, 2, 4, 5, 6])
    rules = [Tier(name="gold", count=2), Tier(name="silver", count=2), Tier(name="bronze", count=1)]
    result = award(teams, AwardRules(tiers=rules, ties="lower"))
    assert tiers(result) == ["gold", "silver", "silver", "silver", "bronze", None]
    assert result.teams[1].reason.render() == (
        "rank 2 of 6 in 全国: silver; the 2 teams tied at the boundary of gold all get the lower tier"
    )
    assert result.ties == "lower"


def test_a_tie_at_the_last_boundary_taken_lower_means_no_award():
    teams = ranked([1, 2, 3, 3, 5])
    result = award(teams, AwardRules(tiers=[Tier(name="prize", count=3)], ties="lower"))
    assert tiers(result) == ["prize", "prize", None, None, None]
    assert result.teams[3].reason.id == "award_none_tie_lower"
    assert result.teams[4].reason.render() == "rank 5 of 5 in 全国: outside the 2 award places"


def test_a_tie_spanning_two_boundaries_moves_as_one_block():
    teams = ranked([1, 2, 2, 2, 2, 6])
    rules = [Tier(name="gold", count=2), Tier(name="silver", count=1), Tier(name="bronze", count=2)]
    higher = award(teams, AwardRules(tiers=rules))
    assert tiers(higher) == ["gold"] * 5 + [None]
    lower = award(teams, AwardRules(tiers=rules, ties="lower"))
    assert tiers(lower) == ["gold", "bronze", "bronze", "bronze", "bronze", None]


def test_tiers_per_region_count_each_region_s_submitting_teams():
    teams = ranked(list(range(1, 21)), region="华东", prefix="e") + ranked(
        list(range(21, 31)), region="西北", prefix="w"
    )
    result = award(teams, AwardRules(tiers=[Tier(name="一等奖", percent=10)], group_by=["region"]))
    assert [(tier.group, tier.submitting, tier.places) for tier in result.tiers] == [("华东", 20, 2), ("西北", 10, 1)]
    assert [item.team for item in result.teams if item.tier] == ["e1", "e2", "w1"]
    assert result.teams[-1].reason.render() == "rank 10 of 10 in 西北: outside the 1 award places"


def test_teams_outside_the_ranking_get_no_award_with_their_reason():
    teams = [
        *ranked([1, 2, 3]),
        Team(team="late", status="not_submitted", region="华东"),
        Team(team="out", status="disqualified", rank=1, region="华东"),
        Team(team="unscored", region="华东"),
    ]
    result = award(teams, AwardRules(tiers=[Tier(name="prize", percent=50)]))
    # 4 submitting teams (the disqualified one does not count): 50% = 2 places.
    assert result.tiers[0].places == 2
    assert {item.team: item.reason.id for item in result.teams if item.tier is None} == {
        "t3": "award_none",
        "late": "team_not_submitted",
        "out": "team_disqualified",
        "unscored": "team_not_scored",
    }


@pytest.mark.parametrize(
    ("rules", "error"),
    [
        (AwardRules(tiers=[Tier(name="a")]), "award_bad_tier"),
        (AwardRules(tiers=[Tier(name="a", percent=5, count=3)]), "award_bad_tier"),
        (AwardRules(tiers=[Tier(name="a", percent=105)]), "award_bad_tier"),
        (AwardRules(tiers=[Tier(name="a", count=-1)]), "award_bad_tier"),
        (AwardRules(tiers=[Tier(name="a", count=1), Tier(name="a", count=2)]), "option_repeats"),
        (AwardRules(tiers=[], group_by=["track", "track"]), "option_repeats"),
    ],
)
def test_invalid_rules_are_refused(rules, error):
    with pytest.raises(InputError) as refused:
        award(ranked([1]), rules)
    assert refused.value.reason.id == error
