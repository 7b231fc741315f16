"""Next steps are pure: what we know of a person in, what they should do now out."""

from datetime import UTC, datetime, timedelta

from contest.lib.schemas import Name
from frontend.steps import JudgeRound, TeamRound, judge_steps, organizer_steps, round_steps

NOW = datetime(2027, 4, 1, tzinfo=UTC)
DAY = timedelta(days=1)
PRELIMINARY = Name("赛区初赛", "Regional preliminary")


def team_round(**changes):
    values = dict(
        round_id=7,
        name=PRELIMINARY,
        state="open",
        takes_part=True,
        opens_at=NOW - DAY,
        closes_at=NOW + DAY,
        submitted=False,
        published=False,
        notice_ends_at=None,
        can_appeal=False,
    )
    values.update(changes)
    return TeamRound(**values)


def test_an_open_round_asks_for_the_entry_until_it_is_submitted():
    [todo] = round_steps([team_round()], NOW)
    assert todo.state == "todo" and todo.href == "/my/entries/7" and "Hand in" in todo.message.text
    [done] = round_steps([team_round(submitted=True)], NOW)
    assert done.state == "done"
    assert round_steps([team_round(takes_part=False)], NOW) == []


def test_published_results_lead_to_the_team_result_and_its_appeal_while_the_notice_runs():
    notice = round_steps([team_round(state="closed", published=True, notice_ends_at=NOW + DAY, can_appeal=True)], NOW)
    assert [s.href for s in notice] == ["/my/results"] and "appeal" in notice[0].message.text
    final = round_steps([team_round(state="closed", published=True, notice_ends_at=NOW - DAY)], NOW)
    assert final[0].state == "done" and "final" in final[0].message.text
    upcoming = round_steps([team_round(state="upcoming", opens_at=NOW + DAY)], NOW)
    assert upcoming[0].state == "wait" and upcoming[0].message.params["when"] == NOW + DAY


def test_a_judge_is_told_what_is_left_to_score():
    review = JudgeRound(
        name=PRELIMINARY, review_opens_at=NOW - DAY, review_closes_at=NOW + DAY, assigned=15, submitted=12
    )
    [left] = judge_steps([review], NOW)
    assert left.state == "todo" and left.message.params["count"] == 3 and left.href == "/judge"
    later = JudgeRound(
        name=PRELIMINARY, review_opens_at=NOW + DAY, review_closes_at=NOW + 2 * DAY, assigned=15, submitted=0
    )
    assert judge_steps([later], NOW)[0].state == "wait"
    assert (
        judge_steps(
            [
                JudgeRound(
                    name=PRELIMINARY, review_opens_at=NOW - DAY, review_closes_at=NOW + DAY, assigned=15, submitted=15
                )
            ],
            NOW,
        )[0].state
        == "done"
    )


def test_an_organizer_sees_only_what_waits():
    assert organizer_steps(0, 0, 0) == []
    steps = organizer_steps(2, 0, 1)
    assert [s.href for s in steps] == ["/console/teams", "/console/results"]
    assert steps[0].message.params == {"count": 2}
