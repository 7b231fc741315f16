"""Advisors: a teacher of the team's university, named by the leader, who confirms by a mailed link."""

from datetime import timedelta
from typing import Any

from contest.accounts import service as accounts
from contest.accounts.schemas import Account, AccountKind
from contest.accounts.tokens import digest, new_secret
from contest.contests import service as contests
from contest.lib.audit import service as audit
from contest.lib.clock import Clock
from contest.lib.db import write_transaction
from contest.lib.errors import Conflict, Forbidden, InvalidInput
from contest.lib.mail import limits as mail_limits
from contest.lib.mail import service as mail
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.regions import service as regions
from contest.teams import access, queries
from contest.teams.common import advisor_ids, contest_rules, load_team, open_roster, refuse, require_active
from contest.teams.rules import TeamRules, advisor_confirmation_refusal, advisor_refusal
from contest.teams.schemas import AdvisedTeamOut, DecisionIn, IdOut, InvitationIn, TeamOut, TeamRef
from contest.teams.tables import ACTIVE_ADVISOR_STATUSES, AdvisorStatus, TeamAdvisor

ADVISOR_TTL = timedelta(days=7)


async def teacher_by_email(email: str) -> Account:
    teacher = await accounts.account_by_email(email)
    if teacher is None:
        raise InvalidInput("No teacher account uses this address; ask them to sign up first.", {"email": "unknown"})
    return teacher


async def check_advisor(rules: TeamRules, team: dict[str, Any], teacher: Account) -> None:
    refusal = advisor_refusal(
        rules,
        advisor_count=len(await advisor_ids(team["id"])),
        team_university=team["university"],
        teacher_university=teacher.university_id,
        teacher_kind=teacher.kind,
        teacher_confirmed=teacher.teacher_confirmed,
    )
    refuse(refusal, Conflict)


async def ask_advisor(
    clock: Clock, base_url: str, requester: mail_limits.Requester, team: dict[str, Any], teacher: Account
) -> int:
    """A pending advisor request for `teacher`, who is mailed the link to confirm it (on behalf of
    `requester`: the leader, or the organizer who accepted a change)."""
    secret = new_secret()
    now = clock.now()
    rows = await TeamAdvisor.insert(
        TeamAdvisor(
            team=team["id"], user=teacher.id, token_hash=digest(secret), created_at=now, expires_at=now + ADVISOR_TTL
        )
    )
    university = await regions.university(team["university"])
    await mail.send(
        clock,
        requester=requester,
        to=teacher.email,
        language=teacher.language,
        template="advisor_request",
        user_id=teacher.id,
        context={
            "name": teacher.name,
            "team": team["name"],
            "university": Name(university.name_zh, university.name_en).pick(teacher.language),
            "link": f"{base_url}/advisor/{secret}",
        },
    )
    return int(rows[0]["id"])


async def invite_advisor(rt: Runtime, actor: Principal, team_id: int, data: InvitationIn) -> IdOut:
    """The leader names a teacher (by their account's e-mail), who confirms by the mailed link."""
    async with write_transaction():
        team = await load_team(team_id)
        access.require_leader(actor, team)
        _, rules = await open_roster(rt.clock, team)
        teacher = await teacher_by_email(data.email)
        await check_advisor(rules, team, teacher)
        request_id = await ask_advisor(rt.clock, rt.base_url, mail_limits.person(rt, actor), team, teacher)
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="team.advisor_invite",
            object_type="team",
            object_id=team_id,
            after={"teacher": teacher.id},
        )
    return IdOut(request_id)


async def answer_request(rt: Runtime, actor: Principal, token: str, data: DecisionIn) -> TeamRef:
    """The teacher confirms (or declines) advising the team."""
    async with write_transaction():
        row = await TeamAdvisor.select().where(TeamAdvisor.token_hash == digest(token)).first()
        if row is None or row["status"] != AdvisorStatus.PENDING.value or row["expires_at"] <= rt.clock.now():
            raise InvalidInput("This link is invalid, expired or already used.", {"token": "invalid"})
        if row["user"] != actor.user_id:
            raise Forbidden("This request was sent to another teacher.")
        team = await load_team(row["team"])
        if data.accept:
            require_active(team)
            _, rules = await contest_rules(team["contest"])
            refuse(advisor_confirmation_refusal(rules, rt.clock.now(), row["created_at"]))
            teacher = await accounts.account(actor.user_id)
            if rules.same_university and teacher.university_id != team["university"]:
                raise Conflict("The advisor must be a teacher of the team's university.")
        status = AdvisorStatus.CONFIRMED if data.accept else AdvisorStatus.DECLINED
        await TeamAdvisor.update({TeamAdvisor.status: status.value, TeamAdvisor.responded_at: rt.clock.now()}).where(
            TeamAdvisor.id == row["id"]
        )
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action=f"team.advisor_{status.value}",
            object_type="team",
            object_id=team["id"],
            after={"teacher": actor.user_id},
        )
    return TeamRef(int(team["id"]))


async def remove_advisor(rt: Runtime, actor: Principal, team_id: int) -> TeamOut:
    async with write_transaction():
        team = await load_team(team_id)
        access.require_leader(actor, team)
        await open_roster(rt.clock, team)
        await drop_advisors(rt.clock, team_id)
        await audit.record(
            rt.clock, actor_id=actor.user_id, action="team.advisor_remove", object_type="team", object_id=team_id
        )
    return await queries.team_for(rt, actor, team_id)


async def drop_advisors(clock: Clock, team_id: int) -> None:
    await TeamAdvisor.update(
        {TeamAdvisor.status: AdvisorStatus.REMOVED.value, TeamAdvisor.responded_at: clock.now()}
    ).where((TeamAdvisor.team == team_id) & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES)))


async def end_advisorships(clock: Clock, teacher_id: int) -> None:
    """A teacher who changes university stops advising (or being asked to advise) the old one's teams."""
    rows = await TeamAdvisor.select(TeamAdvisor.id, TeamAdvisor.team).where(
        (TeamAdvisor.user == teacher_id) & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES))
    )
    for row in rows:
        await TeamAdvisor.update(
            {TeamAdvisor.status: AdvisorStatus.REMOVED.value, TeamAdvisor.responded_at: clock.now()}
        ).where(TeamAdvisor.id == row["id"])
        await audit.record(
            clock,
            actor_id=teacher_id,
            action="team.advisor_remove",
            object_type="team",
            object_id=row["team"],
            after={"teacher": teacher_id},
            reason="university changed",
        )


async def advised_teams(rt: Runtime, actor: Principal) -> list[AdvisedTeamOut]:
    """The teams a teacher advises (with their roster) or is asked to advise, newest first."""
    if actor.kind != AccountKind.TEACHER.value:
        raise Forbidden("Only teachers advise teams.")
    rows = (
        await TeamAdvisor.select(
            TeamAdvisor.team.as_alias("team_id"),
            TeamAdvisor.team._.name.as_alias("name"),
            TeamAdvisor.team._.status.as_alias("team_status"),
            TeamAdvisor.team._.contest.as_alias("contest_id"),
            TeamAdvisor.status,
        )
        .where((TeamAdvisor.user == actor.user_id) & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES)))
        .order_by(TeamAdvisor.id, ascending=False)
    )
    out = []
    for row in rows:
        contest = await contests.contest(row["contest_id"])
        confirmed = row["status"] == AdvisorStatus.CONFIRMED.value
        out.append(
            AdvisedTeamOut(
                team_id=row["team_id"],
                name=row["name"],
                team_status=row["team_status"],
                contest=Name(contest.name_zh, contest.name_en),
                status=row["status"],
                team=await queries.team_for(rt, actor, row["team_id"]) if confirmed else None,
            )
        )
    return out
