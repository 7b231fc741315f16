"""Advancement on hand-computed cases: quotas rounded up, minimums, ties at the cut-off, wildcards."""

import pytest

from judging.advancement import AdvancementRule, Team, advance
from judging.ranking import InputError


def region(name: str, ranks: list[int], prefix: str | None = None, **fields) -> list[Team]:
    """Submitted teams of one region with the given national ranks, named <prefix><n>."""
    prefix = prefix or name
    return [Team(team=f"{prefix}{n}", rank=rank, region=name, **fields) for n, rank in enumerate(ranks, 1)]


def advanced(result) -> list[str]:
    return [item.team for item in result.teams if item.advanced]


def outcome(result, team: str):
    return next(item for item in result.teams if item.team == team)


def test_top_percent_per_region_rounds_up():
    # 10 teams x 15% = 1.5 -> 2 places; 20 teams x 15% = 3 exactly (not 4 by a float's ceiling).
    teams = region("东北", list(range(1, 11))) + region("华北", list(range(11, 31)))
    result = advance(teams, AdvancementRule(percent=15))
    assert advanced(result) == ["东北1", "东北2", "华北1", "华北2", "华北3"]
    assert [(group.group, group.submitting, group.places, group.basis) for group in result.groups] == [
        ("东北", 10, 2, "percent"),
        ("华北", 20, 3, "percent"),
    ]
    first = outcome(result, "华北3").reason
    assert first.id == "advance_top_percent"
    assert first.params == {"rank": 3, "count": 20, "group": "华北", "percent": 15, "places": 3}
    assert first.render() == "rank 3 of 20 in 华北: within the top 15% (3 places)"
    left = outcome(result, "华北4").reason
    assert left.render() == "rank 4 of 20: outside the 3 places of 华北"
    assert result.errors == [] and result.wildcards_given == 0


def test_a_minimum_per_region_and_never_more_than_its_submitting_teams():
    teams = region("海外", [5, 9, 30]) + region("西北", [1, 2]) + region("华东", list(range(40, 60)))
    result = advance(teams, AdvancementRule(percent=10, minimum=3))
    places = {group.group: (group.places, group.basis) for group in result.groups}
    # 10% of 3 -> 1 < 3: the minimum; 10% of 2 -> 1, minimum 3 capped at the 2 teams; 10% of 20 -> 2 < 3.
    assert places == {"海外": (3, "minimum"), "西北": (2, "minimum"), "华东": (3, "minimum")}
    assert outcome(result, "海外3").reason.render() == "rank 3 of 3 in 海外: within the minimum of 3 places"
    assert len(advanced(result)) == 8


def test_places_set_for_a_group_replace_its_percentage():
    teams = region("海外", [1, 2, 3, 4]) + region("华南", [5, 6, 7, 8])
    result = advance(teams, AdvancementRule(percent=50, places={"海外": 1}))
    assert advanced(result) == ["华南1", "华南2", "海外1"]
    assert outcome(result, "海外1").reason.render() == "rank 1 of 4 in 海外: within the 1 places set for 海外"


def test_teams_tied_at_the_cut_off_all_advance_by_default_and_it_is_said():
    # Ranks 1, 2, 3, 3, 5 and 3 places: the two teams at rank 3 straddle the cut-off.
    teams = region("华中", [1, 2, 3, 3, 5])
    result = advance(teams, AdvancementRule(percent=60))
    assert advanced(result) == ["华中1", "华中2", "华中3", "华中4"]
    assert [outcome(result, team).via for team in ("华中2", "华中3", "华中4")] == ["quota", "tie", "tie"]
    tie = outcome(result, "华中4").reason
    assert tie.render() == "rank 3 of 5 in 华中: tied at the cut-off of 3 places; all 2 tied teams advance"
    assert [note.id for note in result.notes] == ["advance_note_tie_included"]
    assert result.notes[0].params == {"group": "华中", "tied": 2, "rank": 3, "places": 3, "advanced": 4}
    assert result.groups[0].advanced == 4


def test_with_ties_excluded_none_of_the_tied_teams_advance_and_nobody_below_moves_up():
    teams = region("华中", [1, 2, 3, 3, 5])
    result = advance(teams, AdvancementRule(percent=60, include_ties=False))
    assert advanced(result) == ["华中1", "华中2"]
    assert outcome(result, "华中3").reason.id == "advance_tie_excluded"
    assert outcome(result, "华中5").reason.id == "advance_outside"
    assert [note.id for note in result.notes] == ["advance_note_tie_excluded"]


def test_national_wildcards_go_to_the_next_best_not_yet_advanced():
    teams = region("华东", [1, 2, 3, 4]) + region("西南", [5, 6, 7, 8])
    result = advance(teams, AdvancementRule(percent=25, wildcards=2))
    assert advanced(result) == ["华东1", "华东2", "华东3", "西南1"]
    first, second = outcome(result, "华东2"), outcome(result, "华东3")
    assert (first.via, first.reason.render()) == ("wildcard", "national wildcard 1 of 2: rank 2 nationally")
    assert second.reason.params["n"] == 2
    assert (
        outcome(result, "西南2").reason.render()
        == "rank 2 of 4: outside the 1 places of 西南 and the 2 national wildcards"
    )
    assert result.wildcards_given == 2


def test_a_tie_at_the_wildcard_cut_off_follows_the_same_rule():
    teams = region("华东", [1, 3, 9]) + region("西南", [2, 3, 8])
    included = advance(teams, AdvancementRule(percent=30, wildcards=1))
    assert advanced(included) == ["华东1", "华东2", "西南1", "西南2"]
    assert outcome(included, "西南2").reason.id == "advance_wildcard_tie"
    assert outcome(included, "西南2").reason.params == {"n": 1, "tied": 2, "rank": 3, "wildcards": 1}
    assert included.wildcards_given == 2
    excluded = advance(teams, AdvancementRule(percent=30, wildcards=1, include_ties=False))
    assert advanced(excluded) == ["华东1", "西南1"]
    assert outcome(excluded, "华东2").reason.id == "advance_wildcard_tie_excluded"
    assert excluded.wildcards_given == 0
    assert [note.id for note in excluded.notes] == ["advance_note_wildcard_tie_excluded"]


def test_quotas_per_track_or_per_region_and_track():
    teams = [
        Team(team="a1", rank=1, region="华东", track="app"),
        Team(team="a2", rank=4, region="华东", track="app"),
        Team(team="g1", rank=2, region="华东", track="game"),
        Team(team="g2", rank=3, region="华北", track="game"),
        Team(team="a3", rank=5, region="华北", track="app"),
    ]
    by_track = advance(teams, AdvancementRule(group_by=["track"], percent=34))
    assert advanced(by_track) == ["a1", "a2", "g1"]  # app: 34% of 3 -> 2; game: 34% of 2 -> 1
    both = advance(teams, AdvancementRule(group_by=["region", "track"], percent=1))
    assert [group.group for group in both.groups] == ["华东 / app", "华东 / game", "华北 / app", "华北 / game"]
    assert advanced(both) == ["a1", "g1", "a3", "g2"]
    national = advance(teams, AdvancementRule(group_by=[], percent=40))
    assert [group.group for group in national.groups] == ["全国"]
    assert advanced(national) == ["a1", "g1"]


def test_teams_that_did_not_submit_were_disqualified_or_have_no_score():
    teams = [
        *region("华南", [1, 2, 3, 4]),
        Team(team="late", status="not_submitted", region="华南"),
        Team(team="out", status="disqualified", rank=1, region="华南"),
        Team(team="unscored", region="华南"),
    ]
    result = advance(teams, AdvancementRule(percent=40))
    # 5 submitting teams (not the disqualified one): 40% -> 2 places.
    assert result.groups[0].submitting == 5 and result.groups[0].scored == 4 and result.groups[0].places == 2
    assert advanced(result) == ["华南1", "华南2"]
    reasons = {item.team: item.reason.render() for item in result.teams if not item.advanced}
    assert reasons["late"] == "not submitted"
    assert reasons["out"] == "disqualified"
    assert reasons["unscored"] == "submitted but not scored"
    assert [note.id for note in result.notes] == ["advance_note_unscored"]
    assert [item.team for item in result.teams] == ["华南1", "华南2", "华南3", "华南4", "late", "out", "unscored"]


@pytest.mark.parametrize(
    ("teams", "rule", "error"),
    [
        (
            [Team(team="a", status="not_submitted", region="东北")],
            AdvancementRule(percent=50),
            "advance_none_submitted",
        ),
        ([Team(team="a", region="东北")], AdvancementRule(percent=50), "advance_none_scored"),
        (region("东北", [1, 2]), AdvancementRule(percent=0), "advance_no_places"),
        (region("东北", [1, 1, 3]), AdvancementRule(percent=33, include_ties=False), "advance_ties_exclude_all"),
    ],
)
def test_a_rule_that_selects_nobody_is_an_error_saying_why(teams, rule, error):
    result = advance(teams, rule)
    assert advanced(result) == []
    assert [message.id for message in result.errors] == [error]


def test_a_percentage_of_zero_with_wildcards_still_selects():
    result = advance(region("东北", [1, 2, 3]), AdvancementRule(percent=0, wildcards=1))
    assert advanced(result) == ["东北1"] and result.errors == []


@pytest.mark.parametrize(
    ("teams", "rule", "error"),
    [
        ([], AdvancementRule(percent=101), "option_between"),
        ([], AdvancementRule(minimum=-1), "option_at_least"),
        ([], AdvancementRule(wildcards=-2), "option_at_least"),
        ([], AdvancementRule(places={"东北": -1}), "option_at_least"),
        ([], AdvancementRule(group_by=["region", "region"]), "option_repeats"),
        (region("东北", [1]) * 2, AdvancementRule(), "teams_duplicate"),
        ([Team(team="a", rank=1)], AdvancementRule(), "teams_missing_region"),
        ([Team(team="a", rank=1, region="东北")], AdvancementRule(group_by=["track"]), "teams_missing_track"),
        ([Team(team="a", rank=0, region="东北")], AdvancementRule(), "teams_bad_rank"),
    ],
)
def test_invalid_rules_and_teams_are_refused(teams, rule, error):
    with pytest.raises(InputError) as refused:
        advance(teams, rule)
    assert refused.value.reason.id == error
