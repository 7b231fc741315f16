"""What a person should do next, for the home page and "my team". Pure: what we know of them in,
steps out (each an English msgid with parameters, and where to do it)."""

from datetime import datetime

import msgspec

from contest.accounts.schemas import UserOut
from contest.contests.schemas import ContestOut
from contest.lib.errors import Msg
from contest.teams.schemas import TeamOut


class Step(msgspec.Struct, frozen=True):
    message: Msg
    href: str = ""
    # "todo": the person must act; "wait": someone else must; "done": nothing left to do.
    state: str = "todo"


def next_steps(user: UserOut, contest: ContestOut | None, team: TeamOut | None, now: datetime) -> list[Step]:
    """The steps in the order they are taken; the first "todo" is what to do now."""
    steps: list[Step] = []
    if not user.email_verified:
        steps.append(
            Step(Msg("Verify your e-mail address: open the link we mailed to {email}.", {"email": user.email}))
        )
    if user.kind == "teacher":
        if user.teacher_status == "pending":
            steps.append(Step(Msg("An organizer of your region confirms your teacher account."), state="wait"))
        steps.append(Step(Msg("Teams ask you to advise them by e-mail; confirm from the link."), "/my/advised", "wait"))
        return steps
    if user.kind != "student" or contest is None:
        return steps
    if user.university_id is None:
        steps.append(Step(Msg("Choose your university in your profile."), "/me"))
    open_now = contest.registration_deadline is None or now < contest.registration_deadline
    if team is None:
        if open_now:
            steps.append(Step(Msg("Create a team, or join one with the code your leader shares."), "/my/team"))
        else:
            steps.append(Step(Msg("Registration has closed; you are not in a team."), state="done"))
        return steps
    size, most = len(team.members), contest.max_team_size
    if team.status != "active":
        gone = "Your team has withdrawn." if team.status == "withdrawn" else "Your team is disqualified."
        steps.append(Step(Msg(gone), "/my/team", "done"))
        return steps
    if size < most and open_now:
        steps.append(
            Step(
                Msg(
                    "Your team has {size} of {most} members; invite more or go on as you are.",
                    {"size": size, "most": most},
                ),
                "/my/team",
                "done" if size >= contest.min_team_size else "todo",
            )
        )
    else:
        steps.append(
            Step(Msg("Your team has {size} of {most} members.", {"size": size, "most": most}), "/my/team", "done")
        )
    advisor = team.advisors[0] if team.advisors else None
    if contest.max_advisors and advisor is None and open_now:
        steps.append(Step(Msg("Name your advisor: a teacher of your university with an account here."), "/my/team"))
    elif advisor is not None and advisor.status == "pending":
        steps.append(
            Step(
                Msg("{name} confirms advising your team from the link we mailed them.", {"name": advisor.name}),
                "/my/team",
                "wait",
            )
        )
    if contest.registration_deadline is not None and open_now:
        steps.append(
            Step(
                Msg("Registration closes {deadline}; rosters lock then.", {"deadline": contest.registration_deadline}),
                state="wait",
            )
        )
    return steps
