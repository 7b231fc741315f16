"""Team rules through the services of roster, advisors and change requests, on the real database
(each test rolled back)."""

from datetime import timedelta

import pytest

from contest.accounts.tables import AccountKind
from contest.lib.audit.service import entries_for
from contest.lib.errors import Conflict, Forbidden, InvalidInput, InvalidState
from contest.teams import advisors, changes, queries, roster
from contest.teams.schemas import (
    ChangeAnswerIn,
    ChangeIn,
    ChangeKind,
    DecisionIn,
    InvitationIn,
    JoinCodeIn,
    MemberIn,
    ReasonIn,
    StatusIn,
    TeamIn,
)
from contest.teams.tables import ChangeRequest, ChangeStatus, TeamMember, TeamStatus
from tests import factories as f
from tests.mailbox import link_token

BASE = "http://contest.test"


class Teams:
    """The team services as these tests speak of them: people by user id. Each call acts as that
    person (their Principal) through the real service and returns what the old tests looked at."""

    INVITATION_TTL = roster.INVITATION_TTL

    @staticmethod
    async def create_team(clock, *, actor_id, contest_id, name, track_id):
        team = await roster.create_team(
            f.runtime(clock), await f.principal(actor_id), contest_id, TeamIn(name, track_id)
        )
        return team.id

    @staticmethod
    async def invite_member(clock, base, *, actor_id, team_id, email):
        return (
            await roster.invite_member(f.runtime(clock), await f.principal(actor_id), team_id, InvitationIn(email))
        ).id

    @staticmethod
    async def accept_invitation(clock, *, user_id, token):
        return (await roster.accept_invitation(f.runtime(clock), await f.principal(user_id), token)).team_id

    @staticmethod
    async def rotate_join_code(clock, *, actor_id, team_id, enabled=True):
        return (await roster.set_join_code(f.runtime(clock), await f.principal(actor_id), team_id, enabled)).code

    @staticmethod
    async def join_by_code(clock, *, user_id, contest_id, code):
        return (
            await roster.join_by_code(f.runtime(clock), await f.principal(user_id), contest_id, JoinCodeIn(code))
        ).team_id

    @staticmethod
    async def remove_member(clock, *, actor_id, team_id, member_id):
        await roster.remove_member(f.runtime(clock), await f.principal(actor_id), team_id, MemberIn(member_id))

    @staticmethod
    async def leave_team(clock, *, user_id, team_id):
        await roster.leave_team(f.runtime(clock), await f.principal(user_id), team_id)

    @staticmethod
    async def transfer_leadership(clock, *, actor_id, team_id, member_id):
        await roster.transfer_leadership(f.runtime(clock), await f.principal(actor_id), team_id, MemberIn(member_id))

    @staticmethod
    async def withdraw_team(clock, *, actor_id, team_id, reason):
        await roster.withdraw_team(f.runtime(clock), await f.principal(actor_id), team_id, ReasonIn(reason))

    @staticmethod
    async def set_status_by_organizer(clock, *, actor_id, team_id, disqualify, reason):
        await roster.set_status(f.runtime(clock), await f.principal(actor_id), team_id, StatusIn(disqualify, reason))

    @staticmethod
    async def invite_advisor(clock, base, *, actor_id, team_id, email):
        return (
            await advisors.invite_advisor(f.runtime(clock), await f.principal(actor_id), team_id, InvitationIn(email))
        ).id

    @staticmethod
    async def answer_advisor_request(clock, *, user_id, token, accept):
        return (
            await advisors.answer_request(f.runtime(clock), await f.principal(user_id), token, DecisionIn(accept))
        ).team_id

    @staticmethod
    async def request_change(clock, *, actor_id, team_id, change, reason):
        data = ChangeIn(
            op=ChangeKind(change["op"]), email=change.get("email"), user_id=change.get("user_id"), reason=reason
        )
        return (await changes.request_change(f.runtime(clock), await f.principal(actor_id), team_id, data)).id

    @staticmethod
    async def answer_change(clock, *, actor_id, request_id, approve, member_id=None, reason=""):
        data = ChangeAnswerIn(approve=approve, member_id=member_id, reason=reason)
        await changes.answer_change(f.runtime(clock), await f.principal(actor_id), request_id, data)

    @staticmethod
    async def decide_change(clock, base, *, actor_id, request_id, accept, reason=""):
        await changes.decide_change(
            f.runtime(clock), await f.principal(actor_id), request_id, DecisionIn(accept, reason)
        )

    @staticmethod
    async def team_detail(clock, team_id):
        return await queries._detail(f.runtime(clock), team_id, 0)


teams = Teams()


async def members_of(team_id: int) -> set[int]:
    return {r["user"] for r in await TeamMember.select(TeamMember.user).where(TeamMember.team == team_id)}


@pytest.fixture
async def world(service_db, clock):
    uni = await f.university()
    other_uni = await f.university()
    contest_id, track_id = await f.contest(clock)
    leader = await f.user(clock, university_id=uni)
    return {"uni": uni, "other_uni": other_uni, "contest": contest_id, "track": track_id, "leader": leader}


async def make_team(clock, world) -> int:
    return await teams.create_team(
        clock, actor_id=world["leader"], contest_id=world["contest"], name="星火队", track_id=world["track"]
    )


async def invite_and_accept(clock, team_id, leader, student) -> None:
    email = await f.email_of(student)
    await teams.invite_member(clock, BASE, actor_id=leader, team_id=team_id, email=email)
    token = await link_token(email, "/invitations/")
    await teams.accept_invitation(clock, user_id=student, token=token)


async def test_a_student_creates_a_team_and_leads_it(clock, world):
    team_id = await make_team(clock, world)
    assert await members_of(team_id) == {world["leader"]}
    detail = await teams.team_detail(clock, team_id)
    assert detail.leader_id == world["leader"] and detail.university_id == world["uni"]
    assert [e["action"] for e in await entries_for("team", team_id)] == ["team.create", "team.member_add.create"]


async def test_invitation_is_single_use_and_for_its_address(clock, world):
    team_id = await make_team(clock, world)
    student = await f.user(clock, university_id=world["uni"])
    stranger = await f.user(clock, university_id=world["uni"])
    email = await f.email_of(student)
    await teams.invite_member(clock, BASE, actor_id=world["leader"], team_id=team_id, email=email)
    token = await link_token(email, "/invitations/")
    with pytest.raises(Forbidden):
        await teams.accept_invitation(clock, user_id=stranger, token=token)
    assert await teams.accept_invitation(clock, user_id=student, token=token) == team_id
    with pytest.raises(InvalidInput):
        await teams.accept_invitation(clock, user_id=student, token=token)
    assert await members_of(team_id) == {world["leader"], student}


async def test_an_expired_invitation_is_refused(clock, world):
    team_id = await make_team(clock, world)
    student = await f.user(clock, university_id=world["uni"])
    email = await f.email_of(student)
    await teams.invite_member(clock, BASE, actor_id=world["leader"], team_id=team_id, email=email)
    token = await link_token(email, "/invitations/")
    clock.advance(teams.INVITATION_TTL + timedelta(seconds=1))
    with pytest.raises(InvalidInput, match="expired"):
        await teams.accept_invitation(clock, user_id=student, token=token)


async def test_a_full_team_refuses_more(clock, world):
    team_id = await make_team(clock, world)
    for _ in range(2):
        await invite_and_accept(clock, team_id, world["leader"], await f.user(clock, university_id=world["uni"]))
    with pytest.raises(Conflict, match="full"):
        await teams.invite_member(clock, BASE, actor_id=world["leader"], team_id=team_id, email="x@example.edu.cn")
    code = await teams.rotate_join_code(clock, actor_id=world["leader"], team_id=team_id)
    fourth = await f.user(clock, university_id=world["uni"])
    with pytest.raises(Conflict, match="full"):
        await teams.join_by_code(clock, user_id=fourth, contest_id=world["contest"], code=code or "")


async def test_members_come_from_the_team_university(clock, world):
    team_id = await make_team(clock, world)
    outsider = await f.user(clock, university_id=world["other_uni"])
    with pytest.raises(Conflict, match="university"):
        await invite_and_accept(clock, team_id, world["leader"], outsider)


async def test_one_team_per_student_per_contest(clock, world):
    team_id = await make_team(clock, world)
    with pytest.raises(Conflict, match="already in a team"):
        await teams.create_team(
            clock, actor_id=world["leader"], contest_id=world["contest"], name="第二队", track_id=world["track"]
        )
    other_leader = await f.user(clock, university_id=world["uni"])
    other = await teams.create_team(
        clock, actor_id=other_leader, contest_id=world["contest"], name="第二队", track_id=world["track"]
    )
    with pytest.raises(Conflict, match="already in a team"):
        await invite_and_accept(clock, team_id, world["leader"], other_leader)
    assert await members_of(other) == {other_leader}


async def test_join_code_can_be_rotated_and_disabled(clock, world):
    team_id = await make_team(clock, world)
    first = await teams.rotate_join_code(clock, actor_id=world["leader"], team_id=team_id)
    second = await teams.rotate_join_code(clock, actor_id=world["leader"], team_id=team_id)
    assert first and second and first != second
    joiner = await f.user(clock, university_id=world["uni"])
    with pytest.raises(InvalidInput):
        await teams.join_by_code(clock, user_id=joiner, contest_id=world["contest"], code=first)
    assert await teams.join_by_code(clock, user_id=joiner, contest_id=world["contest"], code=second.lower()) == team_id
    await teams.rotate_join_code(clock, actor_id=world["leader"], team_id=team_id, enabled=False)
    late = await f.user(clock, university_id=world["uni"])
    with pytest.raises(InvalidInput):
        await teams.join_by_code(clock, user_id=late, contest_id=world["contest"], code=second)


async def test_unverified_students_and_teachers_cannot_join(clock, world):
    team_id = await make_team(clock, world)
    code = await teams.rotate_join_code(clock, actor_id=world["leader"], team_id=team_id) or ""
    unverified = await f.user(clock, university_id=world["uni"], verified=False)
    teacher = await f.user(clock, kind=AccountKind.TEACHER, university_id=world["uni"])
    with pytest.raises(Conflict, match="Verify"):
        await teams.join_by_code(clock, user_id=unverified, contest_id=world["contest"], code=code)
    with pytest.raises(Conflict, match="Only students"):
        await teams.join_by_code(clock, user_id=teacher, contest_id=world["contest"], code=code)


async def test_only_the_leader_manages_the_roster(clock, world):
    team_id = await make_team(clock, world)
    member = await f.user(clock, university_id=world["uni"])
    await invite_and_accept(clock, team_id, world["leader"], member)
    with pytest.raises(Forbidden):
        await teams.invite_member(clock, BASE, actor_id=member, team_id=team_id, email="y@example.edu.cn")
    with pytest.raises(Forbidden):
        await teams.remove_member(clock, actor_id=member, team_id=team_id, member_id=world["leader"])
    with pytest.raises(InvalidState, match="Hand the leadership"):
        await teams.leave_team(clock, user_id=world["leader"], team_id=team_id)
    await teams.transfer_leadership(clock, actor_id=world["leader"], team_id=team_id, member_id=member)
    await teams.leave_team(clock, user_id=world["leader"], team_id=team_id)
    assert await members_of(team_id) == {member}


async def test_advisor_is_a_confirmed_teacher_of_the_same_university(clock, world):
    team_id = await make_team(clock, world)
    student = await f.user(clock, university_id=world["uni"])
    foreign_teacher = await f.user(clock, kind=AccountKind.TEACHER, university_id=world["other_uni"])
    pending_teacher = await f.user(clock, kind=AccountKind.TEACHER, university_id=world["uni"], confirmed_teacher=False)
    teacher = await f.user(clock, kind=AccountKind.TEACHER, university_id=world["uni"])
    for refused, message in (
        (student, "must be a teacher"),
        (foreign_teacher, "university"),
        (pending_teacher, "not yet confirmed"),
    ):
        with pytest.raises(Conflict, match=message):
            await teams.invite_advisor(
                clock, BASE, actor_id=world["leader"], team_id=team_id, email=await f.email_of(refused)
            )
    email = await f.email_of(teacher)
    await teams.invite_advisor(clock, BASE, actor_id=world["leader"], team_id=team_id, email=email)
    token = await link_token(email, "/advisor/")
    with pytest.raises(Forbidden):
        await teams.answer_advisor_request(clock, user_id=student, token=token, accept=True)
    await teams.answer_advisor_request(clock, user_id=teacher, token=token, accept=True)
    detail = await teams.team_detail(clock, team_id)
    assert [(a.user_id, a.status) for a in detail.advisors] == [(teacher, "confirmed")]
    second = await f.user(clock, kind=AccountKind.TEACHER, university_id=world["uni"])
    with pytest.raises(Conflict, match="at most 1"):
        await teams.invite_advisor(
            clock, BASE, actor_id=world["leader"], team_id=team_id, email=await f.email_of(second)
        )


async def test_the_deadline_locks_every_roster_change(clock, world):
    team_id = await make_team(clock, world)
    member = await f.user(clock, university_id=world["uni"])
    await invite_and_accept(clock, team_id, world["leader"], member)
    late = await f.user(clock, university_id=world["uni"])
    email = await f.email_of(late)
    clock.advance(timedelta(days=6))
    await teams.invite_member(clock, BASE, actor_id=world["leader"], team_id=team_id, email=email)
    token = await link_token(email, "/invitations/")
    clock.advance(timedelta(days=1))  # exactly the deadline: now >= deadline locks
    attempts = [
        lambda: teams.accept_invitation(clock, user_id=late, token=token),
        lambda: teams.invite_member(clock, BASE, actor_id=world["leader"], team_id=team_id, email="z@example.edu.cn"),
        lambda: teams.remove_member(clock, actor_id=world["leader"], team_id=team_id, member_id=member),
        lambda: teams.leave_team(clock, user_id=member, team_id=team_id),
        lambda: teams.transfer_leadership(clock, actor_id=world["leader"], team_id=team_id, member_id=member),
        lambda: teams.rotate_join_code(clock, actor_id=world["leader"], team_id=team_id),
        lambda: teams.create_team(
            clock, actor_id=late, contest_id=world["contest"], name="迟到队", track_id=world["track"]
        ),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidState, match="locked"):
            await attempt()
    assert await members_of(team_id) == {world["leader"], member}


async def test_a_change_request_needs_every_member_then_an_organizer(clock, world):
    team_id = await make_team(clock, world)
    member = await f.user(clock, university_id=world["uni"])
    await invite_and_accept(clock, team_id, world["leader"], member)
    newcomer = await f.user(clock, university_id=world["uni"])
    organizer = (await f.organizer(clock, world["contest"])).user_id
    with pytest.raises(InvalidState, match="still open"):
        await teams.request_change(
            clock, actor_id=member, team_id=team_id, change={"op": "add_member", "email": "a@b.cn"}, reason=""
        )
    clock.advance(timedelta(days=8))
    request_id = await teams.request_change(
        clock,
        actor_id=world["leader"],
        team_id=team_id,
        change={"op": "add_member", "email": await f.email_of(newcomer)},
        reason="新成员加入",
    )
    with pytest.raises(InvalidState, match="not approved"):
        await teams.decide_change(clock, BASE, actor_id=organizer, request_id=request_id, accept=True)
    with pytest.raises(Forbidden):
        await teams.answer_change(clock, actor_id=newcomer, request_id=request_id, approve=True)
    await teams.answer_change(clock, actor_id=member, request_id=request_id, approve=True)
    await teams.decide_change(clock, BASE, actor_id=organizer, request_id=request_id, accept=True, reason="ok")
    assert await members_of(team_id) == {world["leader"], member, newcomer}
    actions = [e["action"] for e in await entries_for("team", team_id)]
    assert actions[-4:] == ["change.request", "change.approve", "team.member_add.change_request", "change.accepted"]


async def test_an_organizer_may_answer_for_an_unresponsive_member_with_a_reason(clock, world):
    team_id = await make_team(clock, world)
    member = await f.user(clock, university_id=world["uni"])
    await invite_and_accept(clock, team_id, world["leader"], member)
    organizer = (await f.organizer(clock, world["contest"])).user_id
    clock.advance(timedelta(days=8))
    request_id = await teams.request_change(
        clock,
        actor_id=world["leader"],
        team_id=team_id,
        change={"op": "remove_member", "user_id": member},
        reason="成员退出",
    )
    with pytest.raises(InvalidInput, match="why"):
        await teams.answer_change(clock, actor_id=organizer, request_id=request_id, approve=True, member_id=member)
    await teams.answer_change(
        clock,
        actor_id=organizer,
        request_id=request_id,
        approve=True,
        member_id=member,
        reason="member unreachable for two weeks",
    )
    await teams.decide_change(clock, BASE, actor_id=organizer, request_id=request_id, accept=True)
    assert await members_of(team_id) == {world["leader"]}


async def test_a_new_advisor_by_change_request_still_confirms_by_link(clock, world):
    team_id = await make_team(clock, world)
    old_teacher = await f.user(clock, kind=AccountKind.TEACHER, university_id=world["uni"])
    clock.advance(timedelta(days=6))  # asked the day before the deadline, unanswered when it passes
    await teams.invite_advisor(
        clock, BASE, actor_id=world["leader"], team_id=team_id, email=await f.email_of(old_teacher)
    )
    late_token = await link_token(await f.email_of(old_teacher), "/advisor/")
    new_teacher = await f.user(clock, kind=AccountKind.TEACHER, university_id=world["uni"])
    organizer = (await f.organizer(clock, world["contest"])).user_id
    clock.advance(timedelta(days=2))
    with pytest.raises(InvalidState, match="locked"):  # a request from before the lock stays unanswered
        await teams.answer_advisor_request(clock, user_id=old_teacher, token=late_token, accept=True)
    email = await f.email_of(new_teacher)
    request_id = await teams.request_change(
        clock, actor_id=world["leader"], team_id=team_id, change={"op": "set_advisor", "email": email}, reason="换老师"
    )
    await teams.decide_change(clock, BASE, actor_id=organizer, request_id=request_id, accept=True)
    detail = await teams.team_detail(clock, team_id)
    assert [(a.user_id, a.status) for a in detail.advisors] == [(new_teacher, "pending")]
    token = await link_token(email, "/advisor/")
    await teams.answer_advisor_request(clock, user_id=new_teacher, token=token, accept=True)
    detail = await teams.team_detail(clock, team_id)
    assert [(a.user_id, a.status) for a in detail.advisors] == [(new_teacher, "confirmed")]


async def test_a_member_refusal_rejects_the_request(clock, world):
    team_id = await make_team(clock, world)
    member = await f.user(clock, university_id=world["uni"])
    await invite_and_accept(clock, team_id, world["leader"], member)
    clock.advance(timedelta(days=8))
    request_id = await teams.request_change(
        clock,
        actor_id=world["leader"],
        team_id=team_id,
        change={"op": "transfer_leader", "user_id": member},
        reason="",
    )
    await teams.answer_change(clock, actor_id=member, request_id=request_id, approve=False)
    row = await ChangeRequest.select(ChangeRequest.status).where(ChangeRequest.id == request_id).first()
    assert row["status"] == ChangeStatus.REJECTED.value


async def test_withdraw_and_organizer_status_changes(clock, world):
    team_id = await make_team(clock, world)
    organizer = (await f.organizer(clock, world["contest"])).user_id
    with pytest.raises(InvalidInput):
        await teams.set_status_by_organizer(clock, actor_id=organizer, team_id=team_id, disqualify=True, reason=" ")
    await teams.set_status_by_organizer(clock, actor_id=organizer, team_id=team_id, disqualify=True, reason="抄袭")
    with pytest.raises(InvalidState):
        await teams.rotate_join_code(clock, actor_id=world["leader"], team_id=team_id)
    await teams.set_status_by_organizer(clock, actor_id=organizer, team_id=team_id, disqualify=False, reason="申诉成功")
    clock.advance(timedelta(days=30))
    await teams.withdraw_team(clock, actor_id=world["leader"], team_id=team_id, reason="时间冲突")
    detail = await teams.team_detail(clock, team_id)
    assert detail.status == TeamStatus.WITHDRAWN.value
    reasons = [e["reason"] for e in await entries_for("team", team_id) if e["reason"]]
    assert reasons == ["抄袭", "申诉成功", "时间冲突"]
