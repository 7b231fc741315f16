"""The roster while registration is open: creating a team, invitations, join codes, leaving,
removing, leadership; withdrawal and organizers' status changes at any time.

Every check runs inside the write transaction that makes the change, against the injected clock.
"""

import secrets
import unicodedata
from datetime import timedelta

from contest.accounts import service as accounts
from contest.accounts.tokens import digest, new_secret
from contest.contests import service as contests
from contest.lib.audit import service as audit
from contest.lib.db import write_transaction
from contest.lib.emails import normalise_email
from contest.lib.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from contest.lib.mail import limits as mail_limits
from contest.lib.mail import service as mail
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.teams import access, queries
from contest.teams.common import (
    add_member,
    check_joiner,
    load_team,
    member_ids,
    open_roster,
    refuse,
    rules_of,
)
from contest.teams.rules import registration_refusal
from contest.teams.schemas import (
    IdOut,
    InvitationIn,
    JoinCodeIn,
    JoinCodeOut,
    MemberIn,
    ReasonIn,
    StatusIn,
    TeamIn,
    TeamOut,
    TeamRef,
)
from contest.teams.tables import Invitation, InvitationStatus, Team, TeamMember, TeamStatus

INVITATION_TTL = timedelta(days=7)
# No 0/O, 1/I/L: join codes are read aloud and typed from chat messages.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Characters that draw nothing (zero-width spaces and joiners, the BOM): two names differing only by
# them look the same.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def team_name(name: str) -> str:
    """A team name as stored: compatibility forms folded (NFKC), invisible characters dropped, runs
    of spaces collapsed; 2 to 60 characters."""
    cleaned = " ".join(unicodedata.normalize("NFKC", name).translate(_INVISIBLE).split())
    if not 2 <= len(cleaned) <= 60:
        raise InvalidInput("A team name has 2 to 60 characters.", {"name": "length"})
    return cleaned


async def _leader_team(rt: Runtime, actor: Principal, team_id: int) -> dict[str, object]:
    """A roster change by the leader: the team, once every precondition holds."""
    team = await load_team(team_id)
    access.require_leader(actor, team)
    await open_roster(rt.clock, team)
    return team


async def create_team(rt: Runtime, actor: Principal, contest_id: int, data: TeamIn) -> TeamOut:
    """A student creates a team in a contest and becomes its leader; the university is theirs."""
    name = team_name(data.name)
    async with write_transaction():
        contest = await contests.contest(contest_id)
        rules = rules_of(contest)
        refuse(registration_refusal(rules, rt.clock.now()))
        await contests.track_of(contest_id, data.track_id)
        person = await accounts.account(actor.user_id)
        if person.university_id is None:
            raise InvalidInput("Set your university in your profile first.", {"university": "required"})
        if await Team.exists().where((Team.contest == contest_id) & (Team.name == name)):
            raise Conflict("Another team already uses this name.", {"name": "taken"})
        team: dict[str, object] = {"id": 0, "contest": contest_id, "university": person.university_id}
        await check_joiner(rules, team, person, 0)
        rows = await Team.insert(
            Team(
                contest=contest_id,
                track=data.track_id,
                university=person.university_id,
                name=name,
                leader=actor.user_id,
                created_at=rt.clock.now(),
            )
        )
        team["id"] = rows[0]["id"]
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="team.create",
            object_type="team",
            object_id=team["id"],
            after={"name": name, "track": data.track_id, "university": person.university_id},
        )
        await add_member(rt.clock, team, actor.user_id, actor.user_id, "create")
    return await queries.team_for(rt, actor, int(rows[0]["id"]))


async def invite_member(rt: Runtime, actor: Principal, team_id: int, data: InvitationIn) -> IdOut:
    """The leader invites someone by e-mail; the link is single-use and expires in a week."""
    email = normalise_email(data.email)
    async with write_transaction():
        team = await _leader_team(rt, actor, team_id)
        contest, rules = await open_roster(rt.clock, team)
        members = await member_ids(team_id)
        if len(members) >= rules.max_size:
            raise Conflict("The team is full ({max} members at most).", max=rules.max_size)
        invitee = await accounts.account_by_email(email)
        if invitee is not None and invitee.id in members:
            raise Conflict("This person is already in the team.", {"email": "member"})
        if await Invitation.exists().where(
            (Invitation.team == team_id)
            & (Invitation.email == email)
            & (Invitation.status == InvitationStatus.PENDING.value)
        ):
            raise Conflict("This address already has a pending invitation.", {"email": "invited"})
        secret = new_secret()
        now = rt.clock.now()
        rows = await Invitation.insert(
            Invitation(
                team=team_id,
                email=email,
                token_hash=digest(secret),
                invited_by=actor.user_id,
                created_at=now,
                expires_at=now + INVITATION_TTL,
            )
        )
        language = invitee.language if invitee else "zh-CN"
        await mail.send(
            rt.clock,
            requester=mail_limits.person(rt, actor),
            to=email,
            language=language,
            template="team_invitation",
            user_id=invitee.id if invitee else None,
            context={
                "inviter": actor.name,
                "team": team["name"],
                "contest": Name(contest.name_zh, contest.name_en).pick(language),
                "link": f"{rt.base_url}/invitations/{secret}",
            },
        )
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="team.invite",
            object_type="team",
            object_id=team_id,
            after={"email": email, "invitation": rows[0]["id"]},
        )
    return IdOut(int(rows[0]["id"]))


async def _pending_invitation(rt: Runtime, actor: Principal, token: str) -> dict[str, object]:
    row = await Invitation.select().where(Invitation.token_hash == digest(token)).first()
    if row is None or row["status"] != InvitationStatus.PENDING.value or row["expires_at"] <= rt.clock.now():
        raise InvalidInput("This invitation is invalid, expired or already used.", {"token": "invalid"})
    if normalise_email(actor.email) != row["email"]:
        raise Forbidden("This invitation was sent to another e-mail address.")
    return row


async def accept_invitation(rt: Runtime, actor: Principal, token: str) -> TeamRef:
    """Accept an invitation sent to one's own address; all joining rules apply."""
    async with write_transaction():
        invitation = await _pending_invitation(rt, actor, token)
        team = await load_team(int(invitation["team"]))  # type: ignore[call-overload]
        _, rules = await open_roster(rt.clock, team)
        await check_joiner(rules, team, await accounts.account(actor.user_id), len(await member_ids(team["id"])))
        await Invitation.update(
            {Invitation.status: InvitationStatus.ACCEPTED.value, Invitation.responded_at: rt.clock.now()}
        ).where(Invitation.id == invitation["id"])
        await add_member(rt.clock, team, actor.user_id, actor.user_id, "invitation")
    return TeamRef(int(team["id"]))


async def decline_invitation(rt: Runtime, actor: Principal, token: str) -> None:
    async with write_transaction():
        invitation = await _pending_invitation(rt, actor, token)
        await Invitation.update(
            {Invitation.status: InvitationStatus.DECLINED.value, Invitation.responded_at: rt.clock.now()}
        ).where(Invitation.id == invitation["id"])
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="team.invitation_decline",
            object_type="team",
            object_id=invitation["team"],
        )


async def revoke_invitation(rt: Runtime, actor: Principal, team_id: int, invitation_id: int) -> TeamOut:
    async with write_transaction():
        access.require_leader(actor, await load_team(team_id))
        changed = (
            await Invitation.update(
                {Invitation.status: InvitationStatus.REVOKED.value, Invitation.responded_at: rt.clock.now()}
            )
            .where(
                (Invitation.id == invitation_id)
                & (Invitation.team == team_id)
                & (Invitation.status == InvitationStatus.PENDING.value)
            )
            .returning(Invitation.id)
        )
        if not changed:
            raise NotFound("No pending invitation with this id.")
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="team.invitation_revoke",
            object_type="team",
            object_id=team_id,
            after={"invitation": invitation_id},
        )
    return await queries.team_for(rt, actor, team_id)


async def set_join_code(rt: Runtime, actor: Principal, team_id: int, enabled: bool = True) -> JoinCodeOut:
    """Issue a fresh join code (the old one stops working), or switch joining by code off."""
    async with write_transaction():
        await _leader_team(rt, actor, team_id)
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8)) if enabled else None
        await Team.update({Team.join_code: code}).where(Team.id == team_id)
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="team.join_code",
            object_type="team",
            object_id=team_id,
            after={"enabled": enabled},
        )
    return JoinCodeOut(code)


async def join_by_code(rt: Runtime, actor: Principal, contest_id: int, data: JoinCodeIn) -> TeamRef:
    code = unicodedata.normalize("NFKC", data.code).strip().upper()
    async with write_transaction():
        row = await Team.select(Team.id).where((Team.contest == contest_id) & (Team.join_code == code)).first()
        if row is None or not code:
            raise InvalidInput("No team has this join code.", {"code": "unknown"})
        team = await load_team(row["id"])
        _, rules = await open_roster(rt.clock, team)
        await check_joiner(rules, team, await accounts.account(actor.user_id), len(await member_ids(team["id"])))
        await add_member(rt.clock, team, actor.user_id, actor.user_id, "code")
    return TeamRef(int(team["id"]))


async def leave_team(rt: Runtime, actor: Principal, team_id: int) -> None:
    """A member leaves. The leader hands over leadership first, unless they are the last member."""
    async with write_transaction():
        team = await load_team(team_id)
        members = await member_ids(team_id)
        access.require_member(actor, members)
        await open_roster(rt.clock, team)
        if team["leader"] == actor.user_id and len(members) > 1:
            raise InvalidState("Hand the leadership to another member before leaving.")
        await TeamMember.delete().where((TeamMember.team == team_id) & (TeamMember.user == actor.user_id))
        if len(members) == 1:
            await Team.update(
                {Team.status: TeamStatus.WITHDRAWN.value, Team.status_reason: "last member left", Team.join_code: None}
            ).where(Team.id == team_id)
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="team.member_leave",
            object_type="team",
            object_id=team_id,
            before={"user": actor.user_id},
        )


async def remove_member(rt: Runtime, actor: Principal, team_id: int, data: MemberIn) -> TeamOut:
    async with write_transaction():
        await _leader_team(rt, actor, team_id)
        if data.user_id == actor.user_id:
            raise InvalidState("Use leave instead of removing yourself.")
        if data.user_id not in await member_ids(team_id):
            raise NotFound("This person is not in the team.")
        await TeamMember.delete().where((TeamMember.team == team_id) & (TeamMember.user == data.user_id))
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="team.member_remove",
            object_type="team",
            object_id=team_id,
            before={"user": data.user_id},
        )
    return await queries.team_for(rt, actor, team_id)


async def transfer_leadership(rt: Runtime, actor: Principal, team_id: int, data: MemberIn) -> TeamOut:
    async with write_transaction():
        await _leader_team(rt, actor, team_id)
        if data.user_id not in await member_ids(team_id):
            raise NotFound("This person is not in the team.")
        await Team.update({Team.leader: data.user_id}).where(Team.id == team_id)
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="team.leader_transfer",
            object_type="team",
            object_id=team_id,
            before={"leader": actor.user_id},
            after={"leader": data.user_id},
        )
    return await queries.team_for(rt, actor, team_id)


async def withdraw_team(rt: Runtime, actor: Principal, team_id: int, data: ReasonIn) -> TeamOut:
    """The leader withdraws the team (also after the deadline); recorded with the reason."""
    async with write_transaction():
        team = await load_team(team_id)
        access.require_leader(actor, team)
        if team["status"] != TeamStatus.ACTIVE.value:
            raise InvalidState("This team is already withdrawn or disqualified.")
        await Team.update(
            {Team.status: TeamStatus.WITHDRAWN.value, Team.status_reason: data.reason, Team.join_code: None}
        ).where(Team.id == team_id)
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="team.withdraw",
            object_type="team",
            object_id=team_id,
            before={"status": team["status"]},
            after={"status": TeamStatus.WITHDRAWN.value},
            reason=data.reason,
        )
    return await queries.team_for(rt, actor, team_id)


async def set_status(rt: Runtime, actor: Principal, team_id: int, data: StatusIn) -> TeamOut:
    """An organizer disqualifies or reinstates a team; a reason is required and audited."""
    if not data.reason.strip():
        raise InvalidInput("Give a reason.", {"reason": "required"})
    async with write_transaction():
        team = await load_team(team_id)
        access.require_organizer(actor, team)
        target = TeamStatus.DISQUALIFIED if data.disqualify else TeamStatus.ACTIVE
        expected = TeamStatus.ACTIVE if data.disqualify else TeamStatus.DISQUALIFIED
        if team["status"] != expected.value:
            raise InvalidState(
                "Only a team that is {expected} can be set {target}.", expected=expected.value, target=target.value
            )
        await Team.update({Team.status: target.value, Team.status_reason: data.reason}).where(Team.id == team_id)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action=f"team.{'disqualify' if data.disqualify else 'reinstate'}",
            object_type="team",
            object_id=team_id,
            before={"status": team["status"]},
            after={"status": target.value},
            reason=data.reason,
        )
    return await queries.team_for(rt, actor, team_id)
