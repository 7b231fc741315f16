"""What a person should do next, for the home page and "my team". Pure: what we know of them in,
steps out (each an English msgid with parameters, and where to do it)."""

from datetime import datetime

import msgspec

from contest.accounts.schemas import UserOut
from contest.contests.schemas import ContestOut
from contest.lib.errors import Msg
from contest.lib.schemas import Name
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


class TeamRound(msgspec.Struct, frozen=True, kw_only=True):
    """A round as the student's team stands in it (what the home page needs to say next)."""

    round_id: int
    name: Name
    state: str  # the team's: unscheduled, upcoming, open, grace or closed
    takes_part: bool
    opens_at: datetime | None
    closes_at: datetime | None
    submitted: bool
    published: bool
    notice_ends_at: datetime | None
    can_appeal: bool


def round_steps(rounds: list[TeamRound], now: datetime) -> list[Step]:
    """A student's steps of the rounds: hand in an open round's entry, read a published result and
    appeal while the notice runs, wait for the next round the team takes part in."""
    steps: list[Step] = []
    for r in rounds:
        if not r.takes_part:
            continue
        where = f"/my/entries/{r.round_id}"
        if r.state in ("open", "grace"):
            if r.submitted:
                steps.append(
                    Step(
                        Msg(
                            "Your entry for {round} is submitted; you may still change it until {when}.",
                            {"round": r.name, "when": r.closes_at},
                        ),
                        where,
                        "done",
                    )
                )
            else:
                steps.append(
                    Step(
                        Msg("Hand in your entry for {round} before {when}.", {"round": r.name, "when": r.closes_at}),
                        where,
                    )
                )
        elif r.state == "upcoming" and r.opens_at is not None:
            steps.append(
                Step(Msg("{round} opens for entries on {when}.", {"round": r.name, "when": r.opens_at}), where, "wait")
            )
        if r.published and r.notice_ends_at is not None and now < r.notice_ends_at:
            text = (
                "The results of {round} are published: see yours; you may appeal until {when}."
                if r.can_appeal
                else "The results of {round} are published: see yours."
            )
            steps.append(Step(Msg(text, {"round": r.name, "when": r.notice_ends_at}), "/my/results"))
        elif r.published:
            steps.append(
                Step(Msg("The results of {round} are final: see yours.", {"round": r.name}), "/my/results", "done")
            )
    return steps


class JudgeRound(msgspec.Struct, frozen=True, kw_only=True):
    name: Name
    review_opens_at: datetime | None
    review_closes_at: datetime | None
    assigned: int
    submitted: int


def judge_steps(rounds: list[JudgeRound], now: datetime) -> list[Step]:
    """A judge's steps: the entries left to score in each round under review, or when review opens."""
    steps: list[Step] = []
    for r in rounds:
        left = r.assigned - r.submitted
        if r.review_opens_at is not None and now < r.review_opens_at:
            steps.append(
                Step(
                    Msg(
                        "You review {count} entries of {round} from {when}.",
                        {"count": r.assigned, "round": r.name, "when": r.review_opens_at},
                    ),
                    "/judge/assignments",
                    "wait",
                )
            )
        elif left and (r.review_closes_at is None or now < r.review_closes_at):
            steps.append(
                Step(
                    Msg(
                        "Score {count} more entries of {round} before {when}.",
                        {"count": left, "round": r.name, "when": r.review_closes_at},
                    ),
                    "/judge",
                )
            )
        elif not left:
            steps.append(Step(Msg("Every entry of {round} you review is scored.", {"round": r.name}), "/judge", "done"))
    return steps


def organizer_steps(teachers: int, changes: int, appeals: int, undelivered: int = 0) -> list[Step]:
    """What waits for an organizer: teachers to confirm, roster changes to decide, appeals to answer,
    mail that could not be delivered (national organizers)."""
    waiting = (
        (teachers, Msg("Teachers waiting for you to confirm them: {count}.", {"count": teachers}), "/console/teams"),
        (changes, Msg("Roster changes waiting for your decision: {count}.", {"count": changes}), "/console/teams"),
        (appeals, Msg("Appeals waiting for an answer: {count}.", {"count": appeals}), "/console/results"),
        (undelivered, Msg("E-mails that could not be delivered: {count}.", {"count": undelivered}), "/console/mail"),
    )
    return [Step(message, where) for count, message, where in waiting if count]
