"""Change requests: the only way to alter a roster after the registration deadline. A member asks,
every current member approves (an organizer may answer for a silent one, with a reason), then an
organizer accepts (which applies the change) or rejects."""

from collections.abc import Awaitable, Callable
from typing import Any

from contest.accounts import service as accounts
from contest.lib.audit import service as audit
from contest.lib.db import json_value, write_transaction
from contest.lib.emails import normalise_email
from contest.lib.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from contest.lib.mail import limits as mail_limits
from contest.lib.mail import service as mail
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.teams import access
from contest.teams.advisors import ask_advisor, check_advisor, drop_advisors, teacher_by_email
from contest.teams.common import add_member, check_joiner, contest_rules, load_team, member_ids, require_active
from contest.teams.rules import roster_locked
from contest.teams.schemas import ChangeAnswerIn, ChangeIn, ChangeKind, DecisionIn, IdOut
from contest.teams.tables import ChangeApproval, ChangeRequest, ChangeStatus, Team, TeamMember


def _change_of(data: ChangeIn, members: list[int]) -> dict[str, Any]:
    """The stored form of a requested change, once it names its subject the way its kind needs."""
    change: dict[str, Any] = {"op": data.op.value}
    if data.op.names_by == "email":
        if data.email is None:
            raise InvalidInput("Give the e-mail address of the person.", {"email": "required"})
        change["email"] = normalise_email(data.email)
    elif data.op.names_by == "user_id":
        if data.user_id is None:
            raise InvalidInput("Say which member.", {"user_id": "required"})
        if data.user_id not in members:
            raise InvalidInput("This person is not in the team.", {"user_id": "not a member"})
        change["user_id"] = data.user_id
    return change


async def request_change(rt: Runtime, actor: Principal, team_id: int, data: ChangeIn) -> IdOut:
    """A member asks for a roster change after the lock. Their own approval is recorded at once."""
    async with write_transaction():
        team = await load_team(team_id)
        members = await member_ids(team_id)
        access.require_member(actor, members)
        require_active(team)
        _, rules = await contest_rules(team["contest"])
        if not roster_locked(rules, rt.clock.now()):
            raise InvalidState("The roster is still open; change it directly.")
        change = _change_of(data, members)
        if await ChangeRequest.exists().where(
            (ChangeRequest.team == team_id) & (ChangeRequest.status == ChangeStatus.PENDING.value)
        ):
            raise Conflict("The team already has a pending change request.")
        now = rt.clock.now()
        rows = await ChangeRequest.insert(
            ChangeRequest(team=team_id, requested_by=actor.user_id, change=change, reason=data.reason, created_at=now)
        )
        request_id = int(rows[0]["id"])
        await ChangeApproval.insert(ChangeApproval(request=request_id, member=actor.user_id, approved=True, at=now))
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="change.request",
            object_type="team",
            object_id=team_id,
            after={"request": request_id, "change": change},
            reason=data.reason,
        )
    return IdOut(request_id)


async def _pending(request_id: int) -> dict[str, Any]:
    row = await ChangeRequest.select().where(ChangeRequest.id == request_id).first()
    if row is None:
        raise NotFound("No such change request.")
    if row["status"] != ChangeStatus.PENDING.value:
        raise InvalidState("This change request is already decided.")
    row["change"] = json_value(row["change"])
    return row


async def answer_change(rt: Runtime, actor: Principal, request_id: int, data: ChangeAnswerIn) -> None:
    """A member approves or refuses; an organizer of the team may stand in for an unresponsive member
    (with a reason). A refusal by any member rejects the request."""
    async with write_transaction():
        request = await _pending(request_id)
        team = await load_team(request["team"])
        members = await member_ids(team["id"])
        member = data.member_id if data.member_id is not None else actor.user_id
        overridden = member != actor.user_id
        if overridden:
            access.require_organizer(actor, team)
            if not data.reason.strip():
                raise InvalidInput("Say why you answer for this member.", {"reason": "required"})
        if member not in members:
            raise Forbidden("Only current members answer a change request.")
        if await ChangeApproval.exists().where(
            (ChangeApproval.request == request_id) & (ChangeApproval.member == member)
        ):
            raise Conflict("This member has already answered.")
        now = rt.clock.now()
        await ChangeApproval.insert(
            ChangeApproval(
                request=request_id,
                member=member,
                approved=data.approve,
                overridden_by=actor.user_id if overridden else None,
                reason=data.reason,
                at=now,
            )
        )
        if not data.approve:
            await ChangeRequest.update(
                {
                    ChangeRequest.status: ChangeStatus.REJECTED.value,
                    ChangeRequest.decided_at: now,
                    ChangeRequest.decision_reason: "refused by a member",
                }
            ).where(ChangeRequest.id == request_id)
        await audit.record(
            rt.clock,
            actor_id=actor.user_id,
            action="change.approve" if data.approve else "change.refuse",
            object_type="team",
            object_id=team["id"],
            after={"request": request_id, "member": member, "override": overridden},
            reason=data.reason,
        )


async def decide_change(rt: Runtime, actor: Principal, request_id: int, data: DecisionIn) -> None:
    """An organizer of the team accepts (once every current member approved) or rejects; acceptance
    applies the change (a new advisor is asked to confirm by a mailed link)."""
    async with write_transaction():
        request = await _pending(request_id)
        team = await load_team(request["team"])
        access.require_organizer(actor, team)
        # Everyone on the roster when the decision is taken hears of it, including a removed member.
        recipients = await member_ids(team["id"])
        if data.accept:
            approved = {
                r["member"]
                for r in await ChangeApproval.select(ChangeApproval.member).where(
                    (ChangeApproval.request == request_id) & (ChangeApproval.approved == True)  # noqa: E712
                )
            }
            waiting = set(recipients) - approved
            if waiting:
                raise InvalidState("Some members have not approved yet.", {"waiting": str(len(waiting))})
            await APPLY[ChangeKind(request["change"]["op"])](rt, team, request["change"], audit_id(actor))
        status = ChangeStatus.ACCEPTED if data.accept else ChangeStatus.REJECTED
        await ChangeRequest.update(
            {
                ChangeRequest.status: status.value,
                ChangeRequest.decided_by: actor.user_id or None,
                ChangeRequest.decided_at: rt.clock.now(),
                ChangeRequest.decision_reason: data.reason,
            }
        ).where(ChangeRequest.id == request_id)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action=f"change.{status.value}",
            object_type="team",
            object_id=team["id"],
            after={"request": request_id, "change": request["change"]},
            reason=data.reason,
        )
        for person in (await accounts.accounts(recipients)).values():
            await mail.send(
                rt.clock,
                requester=mail_limits.organizer(rt, audit_id(actor)),
                to=person.email,
                language=person.language,
                template="change_decided",
                user_id=person.id,
                context={"team": team["name"], "decision": status.value, "reason": data.reason},
            )


# Applying an accepted change: the lock is lifted for it; every other rule still holds.
Apply = Callable[[Runtime, dict[str, Any], dict[str, Any], int | None], Awaitable[None]]


async def _add_member(rt: Runtime, team: dict[str, Any], change: dict[str, Any], actor_id: int | None) -> None:
    person = await accounts.account_by_email(change["email"])
    if person is None:
        raise InvalidState("The new member has no account yet.")
    _, rules = await contest_rules(team["contest"])
    await check_joiner(rules, team, person, len(await member_ids(team["id"])))
    await add_member(rt.clock, team, person.id, actor_id, "change_request")


async def _remove_member(rt: Runtime, team: dict[str, Any], change: dict[str, Any], actor_id: int | None) -> None:
    if change["user_id"] == team["leader"]:
        raise InvalidState("Transfer the leadership before removing the leader.")
    await TeamMember.delete().where((TeamMember.team == team["id"]) & (TeamMember.user == change["user_id"]))


async def _transfer_leader(rt: Runtime, team: dict[str, Any], change: dict[str, Any], actor_id: int | None) -> None:
    await Team.update({Team.leader: change["user_id"]}).where(Team.id == team["id"])


async def _remove_advisor(rt: Runtime, team: dict[str, Any], change: dict[str, Any], actor_id: int | None) -> None:
    await drop_advisors(rt.clock, team["id"])


async def _set_advisor(rt: Runtime, team: dict[str, Any], change: dict[str, Any], actor_id: int | None) -> None:
    # The new advisor still confirms by the mailed link: nobody is named an advisor unasked.
    teacher = await teacher_by_email(change["email"])
    await drop_advisors(rt.clock, team["id"])
    _, rules = await contest_rules(team["contest"])
    await check_advisor(rules, team, teacher)
    await ask_advisor(rt.clock, rt.base_url, mail_limits.organizer(rt, actor_id), team, teacher)


APPLY: dict[ChangeKind, Apply] = {
    ChangeKind.ADD_MEMBER: _add_member,
    ChangeKind.REMOVE_MEMBER: _remove_member,
    ChangeKind.TRANSFER_LEADER: _transfer_leader,
    ChangeKind.REMOVE_ADVISOR: _remove_advisor,
    ChangeKind.SET_ADVISOR: _set_advisor,
}
