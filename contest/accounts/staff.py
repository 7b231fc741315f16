"""Rights and the people who hold them: grants, staff invitations, teachers awaiting confirmation."""

from contest.accounts import access
from contest.accounts.schemas import DecisionIn, StaffInviteIn, StaffOut, TeacherOut
from contest.accounts.service import VERIFY_TTL, create_user, issue_token
from contest.accounts.tables import AccountKind, Grant, TeacherStatus, TokenPurpose, User
from contest.contests import service as contests
from contest.lib.audit import service as audit
from contest.lib.clock import Clock
from contest.lib.db import write_transaction
from contest.lib.emails import normalise_email
from contest.lib.errors import Forbidden, InvalidInput, NotFound
from contest.lib.mail import limits as mail_limits
from contest.lib.mail import service as mail
from contest.lib.principal import Principal, Role, audit_id
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.regions import service as regions


async def grant(
    clock: Clock,
    *,
    user_id: int,
    role: Role,
    contest_id: int | None = None,
    region_id: int | None = None,
    actor_id: int | None = None,
) -> bool:
    """Give a right (the platform's own entry point; people invite through `invite_staff`).
    Returns False when it was already held."""
    async with write_transaction():
        exists = await Grant.exists().where(
            (Grant.user == user_id)
            & (Grant.role == role.value)
            & (Grant.contest.is_null() if contest_id is None else Grant.contest == contest_id)
            & (Grant.region.is_null() if region_id is None else Grant.region == region_id)
        )
        if exists:
            return False
        await Grant.insert(
            Grant(user=user_id, role=role.value, contest=contest_id, region=region_id, created_at=clock.now())
        )
        await audit.record(
            clock,
            actor_id=actor_id,
            action="grant.add",
            object_type="user",
            object_id=user_id,
            after={"role": role.value, "contest": contest_id, "region": region_id},
        )
    return True


async def invite_staff(rt: Runtime, actor: Principal, contest_id: int, data: StaffInviteIn) -> int:
    """Invite a judge or organizer. An existing account gets the grant; a new one is created without
    a password and mailed a link to set it. A regional organizer grants rights inside their regions
    only. `data.language` is a new account's (and its mail's) language; an account keeps its own."""
    role = Role(data.role)
    access.require_inviter(actor, contest_id, data.region_id)
    email = normalise_email(data.email)
    contest = await contests.contest(contest_id)
    clock, region_id, language = rt.clock, data.region_id, data.language
    async with write_transaction():
        if region_id is not None and not await regions.region_exists(region_id):
            raise InvalidInput("Unknown region.", {"region_id": "unknown"})
        user = await User.select(User.id, User.language).where(User.email == email).first()
        if user is None:
            user_id = await create_user(
                clock,
                rt.hasher,
                email=email,
                name=data.name or email.split("@")[0],
                kind=AccountKind.STAFF,
                password=None,
                actor_id=audit_id(actor),
                language=language,
            )
            link_token = await issue_token(clock, user_id, TokenPurpose.RESET_PASSWORD, VERIFY_TTL)
            link = f"{rt.base_url}/reset?token={link_token}"
        else:
            user_id, language, link = user["id"], user["language"], f"{rt.base_url}/login"
        await grant(
            clock, user_id=user_id, role=role, contest_id=contest_id, region_id=region_id, actor_id=audit_id(actor)
        )
        await mail.send(
            clock,
            requester=mail_limits.organizer(rt, audit_id(actor)),
            to=email,
            language=language,
            template="staff_invitation",
            user_id=user_id,
            context={
                "role": role.value,
                "contest": Name(contest.name_zh, contest.name_en).pick(language),
                "link": link,
            },
        )
    return int(user_id)


async def staff_of(actor: Principal, contest_id: int) -> list[StaffOut]:
    """Judges and organizers of a contest (grants for it or for every contest), by role then name;
    a regional organizer sees those of their regions only."""
    region_ids = access.organizer_regions(actor, contest_id)
    where = Grant.role.is_in([Role.JUDGE.value, Role.ORGANIZER.value]) & (
        (Grant.contest == contest_id) | Grant.contest.is_null()
    )
    if region_ids is not None:
        where &= Grant.region.is_in(list(region_ids) or [0])
    rows = (
        await Grant.select(
            Grant.user.as_alias("user_id"),
            Grant.user.name.as_alias("name"),
            Grant.user.email.as_alias("email"),
            Grant.role,
            Grant.region.as_alias("region_id"),
            Grant.region.name_zh.as_alias("region_zh"),
            Grant.region.name_en.as_alias("region_en"),
            Grant.created_at,
        )
        .where(where)
        .order_by(Grant.role)
        .order_by(Grant.user.name)
    )
    return [
        StaffOut(
            user_id=r["user_id"],
            name=r["name"],
            email=r["email"],
            role=r["role"],
            region_id=r["region_id"],
            region=Name(r["region_zh"], r["region_en"]) if r["region_id"] else None,
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def decide_teacher(rt: Runtime, actor: Principal, contest_id: int, user_id: int, data: DecisionIn) -> None:
    """An organizer confirms (or refuses) a teacher whose address is not on the university's domains;
    a regional organizer only teachers of universities in their regions."""
    region_ids = access.organizer_regions(actor, contest_id)
    async with write_transaction():
        user = (
            await User.select(
                User.kind,
                User.teacher_status,
                User.name,
                User.email,
                User.language,
                User.university.region.as_alias("region"),
            )
            .where(User.id == user_id)
            .first()
        )
        if user is None or user["kind"] != AccountKind.TEACHER.value:
            raise NotFound("No such teacher.")
        if region_ids is not None and user["region"] not in region_ids:
            raise Forbidden("This teacher's university is outside your region.")
        status = TeacherStatus.CONFIRMED if data.approve else TeacherStatus.REJECTED
        await User.update({User.teacher_status: status.value}).where(User.id == user_id)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="teacher.decide",
            object_type="user",
            object_id=user_id,
            before={"teacher_status": user["teacher_status"]},
            after={"teacher_status": status.value},
            reason=data.reason,
        )
        if data.approve:
            await mail.send(
                rt.clock,
                requester=mail_limits.organizer(rt, audit_id(actor)),
                to=user["email"],
                language=user["language"],
                template="teacher_approved",
                user_id=user_id,
                context={"name": user["name"]},
            )


async def pending_teachers(actor: Principal, contest_id: int) -> list[TeacherOut]:
    """Teachers waiting for an organizer, of the organizer's regions."""
    region_ids = access.organizer_regions(actor, contest_id)
    where = (User.kind == AccountKind.TEACHER.value) & (User.teacher_status == TeacherStatus.PENDING.value)
    if region_ids is not None:
        where &= User.university.region.is_in(list(region_ids) or [0])
    rows = (
        await User.select(
            User.id,
            User.name,
            User.email,
            User.university.name_zh.as_alias("university_zh"),
            User.university.name_en.as_alias("university_en"),
            User.created_at,
        )
        .where(where)
        .order_by(User.id)
    )
    return [
        TeacherOut(
            id=r["id"],
            name=r["name"],
            email=r["email"],
            university_name=r["university_zh"],
            university=Name(r["university_zh"], r["university_en"] or "") if r["university_zh"] else None,
            created_at=r["created_at"],
        )
        for r in rows
    ]
