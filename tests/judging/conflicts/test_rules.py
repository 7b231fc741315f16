"""Why a judge may not review a team: every reason, and the listed pairs a run gets."""

from judging.conflicts.rules import JudgeSide, Stated, TeamSide, listed_pairs, reasons

TEAM = TeamSide(team_id=7, university_id=3, university="浙江大学", advisors=[40])
OTHER = TeamSide(team_id=8, university_id=5, university="复旦大学")
STATED = [
    Stated(id=1, judge_id=40, team_id=None, university_id=5, university="复旦大学", source="declared", reason="前单位"),
    Stated(id=2, judge_id=41, team_id=7, university_id=None, source="organizer", reason="亲属"),
]


def test_every_reason_is_named():
    same = reasons(JudgeSide(user_id=40, university_id=3), TEAM, STATED)
    assert [(r.kind, r.params) for r in same] == [("same_university", {"university": "浙江大学"}), ("advisor", {})]
    assert [r.kind for r in reasons(JudgeSide(user_id=40, university_id=9), OTHER, STATED)] == ["declared_university"]
    assert [r.kind for r in reasons(JudgeSide(user_id=41, university_id=None), TEAM, STATED)] == ["organizer_team"]
    assert reasons(JudgeSide(user_id=42, university_id=9), TEAM, STATED) == []


def test_listed_pairs_leave_same_university_to_the_solver_and_unknown_teams_out():
    stated = [*STATED, Stated(id=3, judge_id=41, team_id=99, university_id=None, source="organizer")]
    assert listed_pairs([40, 41], [TEAM, OTHER], stated) == {
        (7, 40): "advisor",
        (8, 40): "declared_university",
        (7, 41): "organizer_team",
    }
    assert listed_pairs([41], [OTHER], stated) == {}
