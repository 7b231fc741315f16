"""Teams: creation, invitations, join codes, advisors, leaving, leadership, withdrawal, and the
change requests that are the only way to alter a roster after the registration deadline.

Every check runs inside the write transaction that makes the change, against the injected clock.
"""

import secrets
from datetime import timedelta
from typing import Any

from contest.accounts.tables import TeacherStatus, User
from contest.accounts.tokens import digest, new_secret
from contest.audit import service as audit
from contest.clock import Clock
from contest.contests.tables import Contest, Track
from contest.db import json_value, one, write_transaction
from contest.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from contest.mail import service as mail
from contest.teams.rules import (
    TeamRules,
    advisor_confirmation_refusal,
    advisor_refusal,
    join_refusal,
    registration_refusal,
    roster_locked,
)
from contest.teams.tables import (
    ACTIVE_ADVISOR_STATUSES,
    AdvisorStatus,
    ChangeApproval,
    ChangeRequest,
    ChangeStatus,
    Invitation,
    InvitationStatus,
    Team,
    TeamAdvisor,
    TeamMember,
    TeamStatus,
)

INVITATION_TTL = timedelta(days=7)
# No 0/O, 1/I/L: join codes are read aloud and typed from chat messages.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def rules_of(contest: dict[str, Any]) -> TeamRules:
    return TeamRules(
        min_size=contest["min_team_size"],
        max_size=contest["max_team_size"],
        max_advisors=contest["max_advisors"],
        same_university=contest["same_university"],
        opens_at=contest["registration_opens_at"],
        deadline=contest["registration_deadline"],
    )


async def _contest(contest_id: int) -> dict[str, Any]:
    row = await Contest.select().where(Contest.id == contest_id).first()
    if row is None:
        raise NotFound("No such contest.")
    return row


async def _team(team_id: int) -> dict[str, Any]:
    row = await Team.select().where(Team.id == team_id).first()
    if row is None:
        raise NotFound("No such team.")
    return row


async def _user(user_id: int) -> dict[str, Any]:
    row = await User.select().where(User.id == user_id).first()
    if row is None:
        raise NotFound("No such account.")
    return row


async def _member_ids(team_id: int) -> list[int]:
    rows = await TeamMember.select(TeamMember.user).where(TeamMember.team == team_id).order_by(TeamMember.id)
    return [r["user"] for r in rows]


def _refuse(message: str | None, error: type[Exception] = InvalidState) -> None:
    if message:
        raise error(message)


async def _open_roster(clock: Clock, team: dict[str, Any]) -> tuple[dict[str, Any], TeamRules]:
    """The team's contest and rules, refusing when the team is not active or the roster is locked."""
    if team["status"] != TeamStatus.ACTIVE.value:
        raise InvalidState("This team is withdrawn or disqualified.")
    contest = await _contest(team["contest"])
    rules = rules_of(contest)
    _refuse(registration_refusal(rules, clock.now()))
    return contest, rules


def _require_leader(team: dict[str, Any], actor_id: int) -> None:
    if team["leader"] != actor_id:
        raise Forbidden("Only the team leader can do this.")


async def _leader_change(clock: Clock, actor_id: int, team_id: int) -> tuple[dict[str, Any], dict[str, Any], TeamRules]:
    """A roster change by the leader: the team, its contest and rules, once every precondition holds."""
    team = await _team(team_id)
    _require_leader(team, actor_id)
    contest, rules = await _open_roster(clock, team)
    return team, contest, rules


async def _require_member(team_id: int, user_id: int) -> None:
    if user_id not in await _member_ids(team_id):
        raise NotFound("This person is not in the team.")


async def _can_join(rules: TeamRules, team: dict[str, Any], user: dict[str, Any]) -> None:
    already = await TeamMember.exists().where((TeamMember.contest == team["contest"]) & (TeamMember.user == user["id"]))
    _refuse(
        join_refusal(
            rules,
            member_count=len(await _member_ids(team["id"])),
            team_university=team["university"],
            joiner_university=user["university"],
            joiner_kind=user["kind"],
            joiner_verified=user["email_verified_at"] is not None,
            already_in_team=already,
        ),
        Conflict,
    )


async def _add_member(clock: Clock, team: dict[str, Any], user_id: int, actor_id: int, how: str) -> None:
    await TeamMember.insert(TeamMember(team=team["id"], user=user_id, contest=team["contest"], joined_at=clock.now()))
    await audit.record(
        clock,
        actor_id=actor_id,
        action=f"team.member_add.{how}",
        object_type="team",
        object_id=team["id"],
        after={"user": user_id},
    )


async def create_team(clock: Clock, *, actor_id: int, contest_id: int, name: str, track_id: int) -> int:
    """A student creates a team in a contest and becomes its leader; the university is theirs."""
    name = " ".join(name.split())
    if not 2 <= len(name) <= 60:
        raise InvalidInput("A team name has 2 to 60 characters.", {"name": "length"})
    async with write_transaction():
        contest = await _contest(contest_id)
        rules = rules_of(contest)
        _refuse(registration_refusal(rules, clock.now()))
        if not await Track.exists().where((Track.id == track_id) & (Track.contest == contest_id)):
            raise InvalidInput("Choose one of this contest's tracks.", {"track_id": "unknown"})
        user = await _user(actor_id)
        if user["university"] is None:
            raise InvalidInput("Set your university in your profile first.", {"university": "required"})
        if await Team.exists().where((Team.contest == contest_id) & (Team.name == name)):
            raise Conflict("Another team already uses this name.", {"name": "taken"})
        team = {"id": 0, "contest": contest_id, "university": user["university"]}
        _refuse(
            join_refusal(
                rules,
                member_count=0,
                team_university=user["university"],
                joiner_university=user["university"],
                joiner_kind=user["kind"],
                joiner_verified=user["email_verified_at"] is not None,
                already_in_team=await TeamMember.exists().where(
                    (TeamMember.contest == contest_id) & (TeamMember.user == actor_id)
                ),
            ),
            Conflict,
        )
        rows = await Team.insert(
            Team(
                contest=contest_id,
                track=track_id,
                university=user["university"],
                name=name,
                leader=actor_id,
                created_at=clock.now(),
            )
        )
        team["id"] = rows[0]["id"]
        await audit.record(
            clock,
            actor_id=actor_id,
            action="team.create",
            object_type="team",
            object_id=team["id"],
            after={"name": name, "track": track_id, "university": user["university"]},
        )
        await _add_member(clock, team, actor_id, actor_id, "create")
    return int(team["id"])


async def invite_member(clock: Clock, base_url: str, *, actor_id: int, team_id: int, email: str) -> int:
    """The leader invites someone by e-mail; the link is single-use and expires in a week."""
    from contest.accounts.service import normalise_email

    email = normalise_email(email)
    async with write_transaction():
        team, contest, rules = await _leader_change(clock, actor_id, team_id)
        members = await _member_ids(team_id)
        if len(members) >= rules.max_size:
            raise Conflict(f"The team is full ({rules.max_size} members at most).")
        invitee = await User.select(User.id).where(User.email == email).first()
        if invitee is not None and invitee["id"] in members:
            raise Conflict("This person is already in the team.", {"email": "member"})
        if await Invitation.exists().where(
            (Invitation.team == team_id)
            & (Invitation.email == email)
            & (Invitation.status == InvitationStatus.PENDING.value)
        ):
            raise Conflict("This address already has a pending invitation.", {"email": "invited"})
        secret = new_secret()
        now = clock.now()
        rows = await Invitation.insert(
            Invitation(
                team=team_id,
                email=email,
                token_hash=digest(secret),
                invited_by=actor_id,
                created_at=now,
                expires_at=now + INVITATION_TTL,
            )
        )
        inviter = await _user(actor_id)
        language = (await User.select(User.language).where(User.email == email).first() or {}).get("language", "zh-CN")
        await mail.send(
            clock,
            to=email,
            language=language,
            template="team_invitation",
            context={
                "inviter": inviter["name"],
                "team": team["name"],
                "contest": contest["name_en"] if language == "en" else contest["name_zh"],
                "link": f"{base_url}/invitations/{secret}",
            },
        )
        await audit.record(
            clock,
            actor_id=actor_id,
            action="team.invite",
            object_type="team",
            object_id=team_id,
            after={"email": email, "invitation": rows[0]["id"]},
        )
    return int(rows[0]["id"])


async def _pending_invitation(clock: Clock, token: str) -> dict[str, Any]:
    row = await Invitation.select().where(Invitation.token_hash == digest(token)).first()
    if row is None or row["status"] != InvitationStatus.PENDING.value or row["expires_at"] <= clock.now():
        raise InvalidInput("This invitation is invalid, expired or already used.", {"token": "invalid"})
    return row


async def accept_invitation(clock: Clock, *, user_id: int, token: str) -> int:
    """Accept an invitation sent to one's own address; all joining rules apply. Returns the team."""
    async with write_transaction():
        invitation = await _pending_invitation(clock, token)
        user = await _user(user_id)
        if user["email"] != invitation["email"]:
            raise Forbidden("This invitation was sent to another e-mail address.")
        team = await _team(invitation["team"])
        _, rules = await _open_roster(clock, team)
        await _can_join(rules, team, user)
        await Invitation.update(
            {Invitation.status: InvitationStatus.ACCEPTED.value, Invitation.responded_at: clock.now()}
        ).where(Invitation.id == invitation["id"])
        await _add_member(clock, team, user_id, user_id, "invitation")
    return int(team["id"])


async def decline_invitation(clock: Clock, *, user_id: int, token: str) -> None:
    async with write_transaction():
        invitation = await _pending_invitation(clock, token)
        user = await _user(user_id)
        if user["email"] != invitation["email"]:
            raise Forbidden("This invitation was sent to another e-mail address.")
        await Invitation.update(
            {Invitation.status: InvitationStatus.DECLINED.value, Invitation.responded_at: clock.now()}
        ).where(Invitation.id == invitation["id"])
        await audit.record(
            clock, actor_id=user_id, action="team.invitation_decline", object_type="team", object_id=invitation["team"]
        )


async def revoke_invitation(clock: Clock, *, actor_id: int, team_id: int, invitation_id: int) -> None:
    async with write_transaction():
        team = await _team(team_id)
        _require_leader(team, actor_id)
        changed = (
            await Invitation.update(
                {Invitation.status: InvitationStatus.REVOKED.value, Invitation.responded_at: clock.now()}
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
            clock,
            actor_id=actor_id,
            action="team.invitation_revoke",
            object_type="team",
            object_id=team_id,
            after={"invitation": invitation_id},
        )


async def rotate_join_code(clock: Clock, *, actor_id: int, team_id: int, enabled: bool = True) -> str | None:
    """Issue a fresh join code (the old one stops working), or switch joining by code off."""
    async with write_transaction():
        await _leader_change(clock, actor_id, team_id)
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8)) if enabled else None
        await Team.update({Team.join_code: code}).where(Team.id == team_id)
        await audit.record(
            clock,
            actor_id=actor_id,
            action="team.join_code",
            object_type="team",
            object_id=team_id,
            after={"enabled": enabled},
        )
    return code


async def join_by_code(clock: Clock, *, user_id: int, contest_id: int, code: str) -> int:
    code = code.strip().upper()
    async with write_transaction():
        team = await Team.select().where((Team.contest == contest_id) & (Team.join_code == code)).first()
        if team is None or not code:
            raise InvalidInput("No team has this join code.", {"code": "unknown"})
        _, rules = await _open_roster(clock, team)
        await _can_join(rules, team, await _user(user_id))
        await _add_member(clock, team, user_id, user_id, "code")
    return int(team["id"])


async def leave_team(clock: Clock, *, user_id: int, team_id: int) -> None:
    """A member leaves. The leader hands over leadership first, unless they are the last member."""
    async with write_transaction():
        team = await _team(team_id)
        members = await _member_ids(team_id)
        if user_id not in members:
            raise Forbidden("You are not in this team.")
        await _open_roster(clock, team)
        if team["leader"] == user_id and len(members) > 1:
            raise InvalidState("Hand the leadership to another member before leaving.")
        await TeamMember.delete().where((TeamMember.team == team_id) & (TeamMember.user == user_id))
        if len(members) == 1:
            await Team.update(
                {Team.status: TeamStatus.WITHDRAWN.value, Team.status_reason: "last member left", Team.join_code: None}
            ).where(Team.id == team_id)
        await audit.record(
            clock,
            actor_id=user_id,
            action="team.member_leave",
            object_type="team",
            object_id=team_id,
            before={"user": user_id},
        )


async def remove_member(clock: Clock, *, actor_id: int, team_id: int, member_id: int) -> None:
    async with write_transaction():
        await _leader_change(clock, actor_id, team_id)
        if member_id == actor_id:
            raise InvalidState("Use leave instead of removing yourself.")
        await _require_member(team_id, member_id)
        await TeamMember.delete().where((TeamMember.team == team_id) & (TeamMember.user == member_id))
        await audit.record(
            clock,
            actor_id=actor_id,
            action="team.member_remove",
            object_type="team",
            object_id=team_id,
            before={"user": member_id},
        )


async def transfer_leadership(clock: Clock, *, actor_id: int, team_id: int, member_id: int) -> None:
    async with write_transaction():
        await _leader_change(clock, actor_id, team_id)
        await _require_member(team_id, member_id)
        await Team.update({Team.leader: member_id}).where(Team.id == team_id)
        await audit.record(
            clock,
            actor_id=actor_id,
            action="team.leader_transfer",
            object_type="team",
            object_id=team_id,
            before={"leader": actor_id},
            after={"leader": member_id},
        )


async def _check_advisor(rules: TeamRules, team: dict[str, Any], teacher: dict[str, Any]) -> None:
    count = await TeamAdvisor.count().where(
        (TeamAdvisor.team == team["id"]) & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES))
    )
    _refuse(
        advisor_refusal(
            rules,
            advisor_count=count,
            team_university=team["university"],
            teacher_university=teacher["university"],
            teacher_kind=teacher["kind"],
            teacher_confirmed=teacher["teacher_status"] == TeacherStatus.CONFIRMED.value,
        ),
        Conflict,
    )


async def invite_advisor(clock: Clock, base_url: str, *, actor_id: int, team_id: int, email: str) -> int:
    """The leader names a teacher (by their account's e-mail), who confirms by the mailed link."""
    async with write_transaction():
        team, _, rules = await _leader_change(clock, actor_id, team_id)
        teacher = await _teacher_by_email(email)
        await _check_advisor(rules, team, teacher)
        request_id = await _send_advisor_request(clock, base_url, team, teacher)
        await audit.record(
            clock,
            actor_id=actor_id,
            action="team.advisor_invite",
            object_type="team",
            object_id=team_id,
            after={"teacher": teacher["id"]},
        )
    return request_id


async def _teacher_by_email(email: str) -> dict[str, Any]:
    from contest.accounts.service import normalise_email

    teacher = await User.select().where(User.email == normalise_email(email)).first()
    if teacher is None:
        raise InvalidInput("No teacher account uses this address; ask them to sign up first.", {"email": "unknown"})
    return teacher


async def _send_advisor_request(clock: Clock, base_url: str, team: dict[str, Any], teacher: dict[str, Any]) -> int:
    """A pending advisor request for `teacher`, who is mailed the link to confirm it."""
    secret = new_secret()
    now = clock.now()
    rows = await TeamAdvisor.insert(
        TeamAdvisor(
            team=team["id"],
            user=teacher["id"],
            token_hash=digest(secret),
            created_at=now,
            expires_at=now + INVITATION_TTL,
        )
    )
    from contest.regions.tables import University

    university = await one(
        University.select(University.name_zh, University.name_en).where(University.id == team["university"]).first(),
        "Unknown university.",
    )
    await mail.send(
        clock,
        to=teacher["email"],
        language=teacher["language"],
        template="advisor_request",
        user_id=teacher["id"],
        context={
            "name": teacher["name"],
            "team": team["name"],
            "university": university["name_en"] if teacher["language"] == "en" else university["name_zh"],
            "link": f"{base_url}/advisor/{secret}",
        },
    )
    return int(rows[0]["id"])


async def answer_advisor_request(clock: Clock, *, user_id: int, token: str, accept: bool) -> int:
    """The teacher confirms (or declines) advising the team. Returns the team id."""
    async with write_transaction():
        row = await TeamAdvisor.select().where(TeamAdvisor.token_hash == digest(token)).first()
        if row is None or row["status"] != AdvisorStatus.PENDING.value or row["expires_at"] <= clock.now():
            raise InvalidInput("This link is invalid, expired or already used.", {"token": "invalid"})
        if row["user"] != user_id:
            raise Forbidden("This request was sent to another teacher.")
        team = await _team(row["team"])
        if accept:
            if team["status"] != TeamStatus.ACTIVE.value:
                raise InvalidState("This team is withdrawn or disqualified.")
            rules = rules_of(await _contest(team["contest"]))
            _refuse(advisor_confirmation_refusal(rules, clock.now(), row["created_at"]))
            teacher = await _user(user_id)
            if rules.same_university and teacher["university"] != team["university"]:
                raise Conflict("The advisor must be a teacher of the team's university.")
        status = AdvisorStatus.CONFIRMED if accept else AdvisorStatus.DECLINED
        await TeamAdvisor.update({TeamAdvisor.status: status.value, TeamAdvisor.responded_at: clock.now()}).where(
            TeamAdvisor.id == row["id"]
        )
        await audit.record(
            clock,
            actor_id=user_id,
            action=f"team.advisor_{status.value}",
            object_type="team",
            object_id=team["id"],
            after={"teacher": user_id},
        )
    return int(team["id"])


async def remove_advisor(clock: Clock, *, actor_id: int, team_id: int) -> None:
    async with write_transaction():
        await _leader_change(clock, actor_id, team_id)
        await _drop_advisors(clock, team_id)
        await audit.record(
            clock, actor_id=actor_id, action="team.advisor_remove", object_type="team", object_id=team_id
        )


async def _drop_advisors(clock: Clock, team_id: int) -> None:
    await TeamAdvisor.update(
        {TeamAdvisor.status: AdvisorStatus.REMOVED.value, TeamAdvisor.responded_at: clock.now()}
    ).where((TeamAdvisor.team == team_id) & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES)))


async def withdraw_team(clock: Clock, *, actor_id: int, team_id: int, reason: str) -> None:
    """The leader withdraws the team (also after the deadline); recorded with the reason."""
    async with write_transaction():
        team = await _team(team_id)
        _require_leader(team, actor_id)
        if team["status"] != TeamStatus.ACTIVE.value:
            raise InvalidState("This team is already withdrawn or disqualified.")
        await Team.update(
            {Team.status: TeamStatus.WITHDRAWN.value, Team.status_reason: reason, Team.join_code: None}
        ).where(Team.id == team_id)
        await audit.record(
            clock,
            actor_id=actor_id,
            action="team.withdraw",
            object_type="team",
            object_id=team_id,
            before={"status": team["status"]},
            after={"status": TeamStatus.WITHDRAWN.value},
            reason=reason,
        )


async def set_status_by_organizer(clock: Clock, *, actor_id: int, team_id: int, disqualify: bool, reason: str) -> None:
    """An organizer disqualifies or reinstates a team; a reason is required and audited."""
    if not reason.strip():
        raise InvalidInput("Give a reason.", {"reason": "required"})
    async with write_transaction():
        team = await _team(team_id)
        target = TeamStatus.DISQUALIFIED if disqualify else TeamStatus.ACTIVE
        expected = TeamStatus.ACTIVE if disqualify else TeamStatus.DISQUALIFIED
        if team["status"] != expected.value:
            raise InvalidState(f"Only a team that is {expected.value} can be set {target.value}.")
        await Team.update({Team.status: target.value, Team.status_reason: reason}).where(Team.id == team_id)
        await audit.record(
            clock,
            actor_id=actor_id,
            action=f"team.{'disqualify' if disqualify else 'reinstate'}",
            object_type="team",
            object_id=team_id,
            before={"status": team["status"]},
            after={"status": target.value},
            reason=reason,
        )


# --- Change requests: the only path for a locked roster --------------------------------------------

CHANGE_OPS = {"add_member", "remove_member", "transfer_leader", "set_advisor", "remove_advisor"}


async def request_change(clock: Clock, *, actor_id: int, team_id: int, change: dict[str, Any], reason: str) -> int:
    """A member asks for a roster change after the lock. Their own approval is recorded at once."""
    op = change.get("op")
    if op not in CHANGE_OPS:
        raise InvalidInput("Unknown kind of change.", {"op": "unknown"})
    if op in {"add_member", "set_advisor"} and not isinstance(change.get("email"), str):
        raise InvalidInput("Give the e-mail address of the person.", {"email": "required"})
    if op in {"remove_member", "transfer_leader"} and not isinstance(change.get("user_id"), int):
        raise InvalidInput("Say which member.", {"user_id": "required"})
    async with write_transaction():
        team = await _team(team_id)
        members = await _member_ids(team_id)
        if actor_id not in members:
            raise Forbidden("You are not in this team.")
        if team["status"] != TeamStatus.ACTIVE.value:
            raise InvalidState("This team is withdrawn or disqualified.")
        if not roster_locked(rules_of(await _contest(team["contest"])), clock.now()):
            raise InvalidState("The roster is still open; change it directly.")
        if op in {"remove_member", "transfer_leader"} and change["user_id"] not in members:
            raise InvalidInput("This person is not in the team.", {"user_id": "not a member"})
        if await ChangeRequest.exists().where(
            (ChangeRequest.team == team_id) & (ChangeRequest.status == ChangeStatus.PENDING.value)
        ):
            raise Conflict("The team already has a pending change request.")
        rows = await ChangeRequest.insert(
            ChangeRequest(team=team_id, requested_by=actor_id, change=change, reason=reason, created_at=clock.now())
        )
        request_id = int(rows[0]["id"])
        await ChangeApproval.insert(ChangeApproval(request=request_id, member=actor_id, approved=True, at=clock.now()))
        await audit.record(
            clock,
            actor_id=actor_id,
            action="change.request",
            object_type="team",
            object_id=team_id,
            after={"request": request_id, "change": change},
            reason=reason,
        )
    return request_id


async def _pending_request(request_id: int) -> dict[str, Any]:
    row = await ChangeRequest.select().where(ChangeRequest.id == request_id).first()
    if row is None:
        raise NotFound("No such change request.")
    if row["status"] != ChangeStatus.PENDING.value:
        raise InvalidState("This change request is already decided.")
    return row


async def answer_change(
    clock: Clock, *, actor_id: int, request_id: int, approve: bool, member_id: int | None = None, reason: str = ""
) -> None:
    """A member approves or refuses; an organizer may stand in for an unresponsive member (with a
    reason). A refusal by any member rejects the request."""
    async with write_transaction():
        request = await _pending_request(request_id)
        members = await _member_ids(request["team"])
        member = member_id if member_id is not None else actor_id
        overridden = member != actor_id
        if member not in members:
            raise Forbidden("Only current members answer a change request.")
        if overridden and not reason.strip():
            raise InvalidInput("Say why you answer for this member.", {"reason": "required"})
        if await ChangeApproval.exists().where(
            (ChangeApproval.request == request_id) & (ChangeApproval.member == member)
        ):
            raise Conflict("This member has already answered.")
        await ChangeApproval.insert(
            ChangeApproval(
                request=request_id,
                member=member,
                approved=approve,
                overridden_by=actor_id if overridden else None,
                reason=reason,
                at=clock.now(),
            )
        )
        if not approve:
            await ChangeRequest.update(
                {
                    ChangeRequest.status: ChangeStatus.REJECTED.value,
                    ChangeRequest.decided_at: clock.now(),
                    ChangeRequest.decision_reason: "refused by a member",
                }
            ).where(ChangeRequest.id == request_id)
        await audit.record(
            clock,
            actor_id=actor_id,
            action="change.approve" if approve else "change.refuse",
            object_type="team",
            object_id=request["team"],
            after={"request": request_id, "member": member, "override": overridden},
            reason=reason,
        )


async def decide_change(
    clock: Clock, base_url: str, *, actor_id: int, request_id: int, accept: bool, reason: str = ""
) -> None:
    """An organizer accepts (once every current member approved) or rejects; acceptance applies it
    (a new advisor is asked to confirm by a link to `base_url`)."""
    async with write_transaction():
        request = await _pending_request(request_id)
        request["change"] = json_value(request["change"])
        team = await _team(request["team"])
        # Everyone on the roster when the decision is taken hears of it, including a removed member.
        recipients = await _member_ids(team["id"])
        if accept:
            approved = {
                r["member"]
                for r in await ChangeApproval.select(ChangeApproval.member).where(
                    (ChangeApproval.request == request_id) & (ChangeApproval.approved == True)  # noqa: E712
                )
            }
            waiting = set(await _member_ids(team["id"])) - approved
            if waiting:
                raise InvalidState("Some members have not approved yet.", {"waiting": str(len(waiting))})
            await _apply_change(clock, base_url, team, request["change"], actor_id)
        status = ChangeStatus.ACCEPTED if accept else ChangeStatus.REJECTED
        await ChangeRequest.update(
            {
                ChangeRequest.status: status.value,
                ChangeRequest.decided_by: actor_id,
                ChangeRequest.decided_at: clock.now(),
                ChangeRequest.decision_reason: reason,
            }
        ).where(ChangeRequest.id == request_id)
        await audit.record(
            clock,
            actor_id=actor_id,
            action=f"change.{status.value}",
            object_type="team",
            object_id=team["id"],
            after={"request": request_id, "change": request["change"]},
            reason=reason,
        )
        for user in await User.select(User.email, User.language, User.id).where(User.id.is_in(recipients or [0])):
            await mail.send(
                clock,
                to=user["email"],
                language=user["language"],
                template="change_decided",
                user_id=user["id"],
                context={"team": team["name"], "decision": status.value, "reason": reason},
            )


async def _apply_change(
    clock: Clock, base_url: str, team: dict[str, Any], change: dict[str, Any], actor_id: int
) -> None:
    """Apply an accepted change. The lock is lifted for it; every other rule still holds."""
    contest = await _contest(team["contest"])
    rules = rules_of(contest)
    op = change["op"]
    if op == "add_member":
        user = await User.select().where(User.email == change["email"].strip().lower()).first()
        if user is None:
            raise InvalidState("The new member has no account yet.")
        await _can_join(rules, team, user)
        await _add_member(clock, team, user["id"], actor_id, "change_request")
    elif op == "remove_member":
        if change["user_id"] == team["leader"]:
            raise InvalidState("Transfer the leadership before removing the leader.")
        await TeamMember.delete().where((TeamMember.team == team["id"]) & (TeamMember.user == change["user_id"]))
    elif op == "transfer_leader":
        await Team.update({Team.leader: change["user_id"]}).where(Team.id == team["id"])
    elif op == "remove_advisor":
        await _drop_advisors(clock, team["id"])
    elif op == "set_advisor":
        # The new advisor still confirms by the mailed link: nobody is named an advisor unasked.
        teacher = await _teacher_by_email(change["email"])
        await _drop_advisors(clock, team["id"])
        await _check_advisor(rules, team, teacher)
        await _send_advisor_request(clock, base_url, team, teacher)


# --- Reading ---------------------------------------------------------------------------------------


async def can_read_team(principal_id: int, is_organizer: bool, team_id: int) -> bool:
    """Members, the team's advisors and organizers may see a team; nobody else."""
    if is_organizer:
        return True
    if await TeamMember.exists().where((TeamMember.team == team_id) & (TeamMember.user == principal_id)):
        return True
    return await TeamAdvisor.exists().where(
        (TeamAdvisor.team == team_id)
        & (TeamAdvisor.user == principal_id)
        & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES))
    )


async def team_detail(clock: Clock, team_id: int) -> dict[str, Any]:
    team = (
        await Team.select(
            *Team.all_columns(),
            Team.university.name_zh.as_alias("university_name"),
            Team.track.name_zh.as_alias("track_name"),
            Team.contest.registration_deadline.as_alias("deadline"),
        )
        .where(Team.id == team_id)
        .first()
    )
    if team is None:
        raise NotFound("No such team.")
    team["members"] = (
        await TeamMember.select(
            TeamMember.user.as_alias("user_id"),
            TeamMember.user.name.as_alias("name"),
            TeamMember.user.email.as_alias("email"),
            TeamMember.joined_at,
        )
        .where(TeamMember.team == team_id)
        .order_by(TeamMember.id)
    )
    team["invitations"] = await Invitation.select(
        Invitation.id, Invitation.email, Invitation.status, Invitation.expires_at
    ).where((Invitation.team == team_id) & (Invitation.status == InvitationStatus.PENDING.value))
    team["advisors"] = await TeamAdvisor.select(
        TeamAdvisor.user.as_alias("user_id"), TeamAdvisor.user.name.as_alias("name"), TeamAdvisor.status
    ).where((TeamAdvisor.team == team_id) & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES)))
    team["change_requests"] = (
        await ChangeRequest.select(
            ChangeRequest.id,
            ChangeRequest.change,
            ChangeRequest.status,
            ChangeRequest.reason,
            ChangeRequest.requested_by,
            ChangeRequest.created_at,
        )
        .where(ChangeRequest.team == team_id)
        .order_by(ChangeRequest.id)
    )
    answers = await ChangeApproval.select(ChangeApproval.request, ChangeApproval.member).where(
        ChangeApproval.request.is_in([c["id"] for c in team["change_requests"]] or [0])
    )
    for change in team["change_requests"]:
        change["answered_by"] = [a["member"] for a in answers if a["request"] == change["id"]]
    await name_subjects(team["change_requests"])
    team["locked"] = team["deadline"] is not None and clock.now() >= team["deadline"]
    return team


async def name_subjects(requests: list[dict[str, Any]]) -> None:
    """Decode each request's change and say whom it is about (`who`): the e-mail it names, or the
    member's name, looked up because a removed member is no longer on the roster."""
    for request in requests:
        request["change"] = json_value(request["change"])
    ids = {r["change"]["user_id"] for r in requests if isinstance(r["change"].get("user_id"), int)}
    names = {u["id"]: u["name"] for u in await User.select(User.id, User.name).where(User.id.is_in(list(ids) or [0]))}
    for request in requests:
        change = request["change"]
        request["who"] = change.get("email") or names.get(change.get("user_id"), "")


async def team_of(user_id: int, contest_id: int) -> int | None:
    row = (
        await TeamMember.select(TeamMember.team)
        .where((TeamMember.user == user_id) & (TeamMember.contest == contest_id))
        .first()
    )
    return None if row is None else int(row["team"])


async def team_of_request(request_id: int) -> int:
    row = await ChangeRequest.select(ChangeRequest.team).where(ChangeRequest.id == request_id).first()
    if row is None:
        raise NotFound("No such change request.")
    return int(row["team"])


async def contest_and_region(team_id: int) -> tuple[int, int]:
    row = await Team.select(Team.contest, Team.university.region.as_alias("region")).where(Team.id == team_id).first()
    if row is None:
        raise NotFound("No such team.")
    return int(row["contest"]), int(row["region"])


async def advised_teams(teacher_id: int) -> list[dict[str, Any]]:
    """The teams a teacher advises or is asked to advise, newest first."""
    return (
        await TeamAdvisor.select(
            TeamAdvisor.team.as_alias("team_id"),
            TeamAdvisor.team._.name.as_alias("name"),
            TeamAdvisor.team._.status.as_alias("team_status"),
            TeamAdvisor.team._.contest._.name_zh.as_alias("contest"),
            TeamAdvisor.status,
        )
        .where((TeamAdvisor.user == teacher_id) & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES)))
        .order_by(TeamAdvisor.id, ascending=False)
    )
