"""Accounts: registration, e-mail verification, log-in, password reset, profile, grants."""

import re
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from email_validator import EmailNotValidError, validate_email

from contest.accounts.passwords import hash_password, verify
from contest.accounts.sessions import close_all_sessions
from contest.accounts.tables import AccountKind, EmailToken, Grant, Role, TeacherStatus, TokenPurpose, User
from contest.accounts.tokens import digest, new_secret
from contest.audit import service as audit
from contest.clock import Clock
from contest.db import one, write_transaction
from contest.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound, Unauthorized
from contest.mail import service as mail
from contest.regions.tables import Region, University

VERIFY_TTL = timedelta(hours=48)
RESET_TTL = timedelta(hours=2)
MIN_PASSWORD = 10
# The most common passwords people type; a longer list buys little over the length rule.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "password123",
        "qwertyuiop",
        "1qaz2wsx3edc",
        "abcd123456",
        "a123456789",
        "woaini1314",
        "qwerty123456",
        "password1234",
        "iloveyou123",
        "1q2w3e4r5t",
    }
)
BAD_CREDENTIALS = "Wrong e-mail address or password."


def normalise_email(email: str) -> str:
    """Validated, lower-cased e-mail address; raises InvalidInput naming the field."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidInput("This is not a valid e-mail address.", {"email": "invalid"}) from None


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why a password is too weak, or None. Length first; then variety and obvious guesses."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if len(password) > 200:
        return "Use at most 200 characters."
    classes = sum(bool(re.search(p, password)) for p in (r"[a-zA-Z]", r"[0-9]", r"[^a-zA-Z0-9]"))
    if classes < 2 and len(password) < 16:
        return "Mix letters with digits or symbols, or use 16 characters or more."
    lowered = password.lower()
    local = email.split("@")[0].lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4 or (len(local) >= 4 and local in lowered):
        return "This password is too easy to guess."
    if name and len(name) >= 3 and name.lower().replace(" ", "") in lowered:
        return "This password is too easy to guess."
    return None


def check_password(password: str, email: str = "", name: str = "") -> None:
    problem = password_problem(password, email, name)
    if problem:
        raise InvalidInput(problem, {"password": problem})


async def _issue_token(clock: Clock, user_id: int, purpose: TokenPurpose, ttl: timedelta) -> str:
    secret = new_secret()
    now = clock.now()
    await EmailToken.insert(
        EmailToken(token_hash=digest(secret), purpose=purpose.value, user=user_id, created_at=now, expires_at=now + ttl)
    )
    return secret


async def _use_token(clock: Clock, secret: str, purpose: TokenPurpose) -> int:
    """Spend a single-use token; returns its user. Expired or used tokens are refused alike."""
    row = (
        await EmailToken.select()
        .where((EmailToken.token_hash == digest(secret)) & (EmailToken.purpose == purpose.value))
        .first()
    )
    if row is None or row["used_at"] is not None or row["expires_at"] <= clock.now():
        raise InvalidInput("This link is invalid, expired or already used.", {"token": "invalid"})
    await EmailToken.update({EmailToken.used_at: clock.now()}).where(EmailToken.id == row["id"])
    return int(row["user"])


async def _domain_matches(university_id: int | None, email: str) -> bool:
    if university_id is None:
        return False
    row = await University.select(University.email_domains).where(University.id == university_id).first()
    domain = email.rsplit("@", 1)[1]
    return row is not None and any(domain == d or domain.endswith("." + d) for d in row["email_domains"].split())


async def create_user(
    clock: Clock,
    hasher: PasswordHasher,
    *,
    email: str,
    name: str,
    kind: AccountKind,
    password: str | None,
    actor_id: int | None = None,
    language: str = "zh-CN",
    university_id: int | None = None,
    verified: bool = False,
    **profile: Any,
) -> int:
    """Create an account (one per e-mail address, whatever its case)."""
    email = normalise_email(email)
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("Please give your name (at most 100 characters).", {"name": "required"})
    if university_id is not None and not await University.exists().where(University.id == university_id):
        raise InvalidInput("Unknown university.", {"university_id": "unknown"})
    teacher_status = TeacherStatus.NOT_TEACHER
    if kind == AccountKind.TEACHER:
        confirmed = await _domain_matches(university_id, email)
        teacher_status = TeacherStatus.CONFIRMED if confirmed else TeacherStatus.PENDING
    # Hash before taking the write lock: Argon2 is deliberately slow.
    password_hash = await hash_password(hasher, password) if password else None
    async with write_transaction():
        if await User.exists().where(User.email == email):
            raise Conflict("An account with this e-mail address already exists.", {"email": "already registered"})
        now = clock.now()
        rows = await User.insert(
            User(
                email=email,
                name=name,
                kind=kind.value,
                language=language,
                created_at=now,
                password_hash=password_hash,
                university=university_id,
                teacher_status=teacher_status.value,
                email_verified_at=now if verified else None,
                **profile,
            )
        )
        user_id: int = rows[0]["id"]
        await audit.record(
            clock,
            actor_id=actor_id,
            action="user.create",
            object_type="user",
            object_id=user_id,
            after={"email": email, "kind": kind.value, "teacher_status": teacher_status.value},
        )
    return user_id


async def register(
    clock: Clock,
    hasher: PasswordHasher,
    base_url: str,
    *,
    email: str,
    name: str,
    password: str,
    kind: AccountKind,
    consent: bool,
    language: str,
    university_id: int | None,
    **profile: Any,
) -> int:
    """Self sign-up of a student or teacher; sends the verification mail in the same transaction."""
    if kind not in (AccountKind.STUDENT, AccountKind.TEACHER):
        raise InvalidInput("Sign up as a student or a teacher.", {"kind": "invalid"})
    if not consent:
        raise InvalidInput("Please accept the personal-data notice.", {"consent": "required"})
    email = normalise_email(email)
    check_password(password, email, name)
    async with write_transaction():
        user_id = await create_user(
            clock,
            hasher,
            email=email,
            name=name,
            kind=kind,
            password=password,
            language=language,
            university_id=university_id,
            actor_id=None,
            consent_at=clock.now(),
            **profile,
        )
        await _send_verification(clock, base_url, user_id, email, name, language)
    return user_id


async def _send_verification(clock: Clock, base_url: str, user_id: int, email: str, name: str, language: str) -> None:
    secret = await _issue_token(clock, user_id, TokenPurpose.VERIFY_EMAIL, VERIFY_TTL)
    await mail.send(
        clock,
        to=email,
        language=language,
        template="verify_email",
        user_id=user_id,
        context={"name": name, "link": f"{base_url}/verify?token={secret}"},
    )


async def resend_verification(clock: Clock, base_url: str, user_id: int) -> None:
    user = await User.select().where(User.id == user_id).first()
    if user is None:
        raise NotFound("No such account.")
    if user["email_verified_at"] is not None:
        raise InvalidState("Your e-mail address is already verified.")
    async with write_transaction():
        await _send_verification(clock, base_url, user_id, user["email"], user["name"], user["language"])


async def verify_email(clock: Clock, token: str) -> int:
    async with write_transaction():
        user_id = await _use_token(clock, token, TokenPurpose.VERIFY_EMAIL)
        await User.update({User.email_verified_at: clock.now()}).where(User.id == user_id)
        await audit.record(clock, actor_id=user_id, action="user.verify_email", object_type="user", object_id=user_id)
    return user_id


async def authenticate(hasher: PasswordHasher, email: str, password: str) -> int:
    """The account for these credentials; one message for every failure (no hint which part)."""
    try:
        email = normalise_email(email)
    except InvalidInput:
        raise Unauthorized(BAD_CREDENTIALS) from None
    row = await User.select(User.id, User.password_hash, User.is_active).where(User.email == email).first()
    if row is None:
        # Spend the same time as a real check so timing does not reveal which addresses exist.
        await verify(hasher, _DUMMY_HASHES.setdefault(id(hasher), hasher.hash("dummy-password")), password)
        raise Unauthorized(BAD_CREDENTIALS)
    if not row["is_active"] or not await verify(hasher, row["password_hash"], password):
        raise Unauthorized(BAD_CREDENTIALS)
    return int(row["id"])


_DUMMY_HASHES: dict[int, str] = {}


async def request_password_reset(clock: Clock, base_url: str, email: str) -> None:
    """Mail a reset link when the account exists; the caller says the same either way."""
    try:
        email = normalise_email(email)
    except InvalidInput:
        return
    user = await User.select(User.id, User.name, User.language).where(User.email == email).first()
    if user is None:
        return
    async with write_transaction():
        secret = await _issue_token(clock, user["id"], TokenPurpose.RESET_PASSWORD, RESET_TTL)
        await mail.send(
            clock,
            to=email,
            language=user["language"],
            template="reset_password",
            user_id=user["id"],
            context={"name": user["name"], "link": f"{base_url}/reset?token={secret}"},
        )


async def reset_password(clock: Clock, hasher: PasswordHasher, token: str, password: str) -> int:
    """Set a new password with a reset link; signs out every session. A reset also proves the address."""
    check_password(password)  # the cheap rules before the slow hash; the personal ones below
    password_hash = await hash_password(hasher, password)
    async with write_transaction():
        user_id = await _use_token(clock, token, TokenPurpose.RESET_PASSWORD)
        user = await one(
            User.select(User.email, User.name, User.email_verified_at).where(User.id == user_id).first(),
            "No such account.",
        )
        check_password(password, user["email"], user["name"])
        await User.update(
            {User.password_hash: password_hash, User.email_verified_at: user["email_verified_at"] or clock.now()}
        ).where(User.id == user_id)
        await close_all_sessions(user_id)
        await audit.record(clock, actor_id=user_id, action="user.reset_password", object_type="user", object_id=user_id)
    return user_id


PROFILE_FIELDS = ("name", "student_number", "college", "major", "year", "phone", "language", "university")


async def get_profile(user_id: int) -> dict[str, Any]:
    user = (
        await User.select(
            User.id,
            User.email,
            User.name,
            User.kind,
            User.language,
            User.email_verified_at,
            User.university,
            User.university.name_zh.as_alias("university_name"),
            User.student_number,
            User.college,
            User.major,
            User.year,
            User.phone,
            User.consent_at,
            User.teacher_status,
        )
        .where(User.id == user_id)
        .first()
    )
    if user is None:
        raise NotFound("No such account.")
    user["grants"] = await Grant.select(Grant.role, Grant.contest, Grant.region).where(Grant.user == user_id)
    return user


async def update_profile(clock: Clock, user_id: int, changes: dict[str, object]) -> None:
    """Change one's own profile fields. The university of a member of a team is fixed by the team."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput("These fields cannot be changed here.", {f: "not editable" for f in unknown})
    if "name" in changes and not str(changes["name"]).strip():
        raise InvalidInput("Please give your name.", {"name": "required"})
    if not changes:
        return
    async with write_transaction():
        before = await User.select(*[getattr(User, f) for f in changes]).where(User.id == user_id).first()
        if before is None:
            raise NotFound("No such account.")
        if "university" in changes and changes["university"] != before.get("university"):
            from contest.teams.tables import TeamMember

            if await TeamMember.exists().where(TeamMember.user == user_id):
                raise InvalidState("Leave your team before changing university.", {"university": "in a team"})
            if changes["university"] is not None and not await University.exists().where(
                University.id == changes["university"]
            ):
                raise InvalidInput("Unknown university.", {"university": "unknown"})
        await User.update({getattr(User, f): v for f, v in changes.items()}).where(User.id == user_id)
        await audit.record(
            clock,
            actor_id=user_id,
            action="user.update_profile",
            object_type="user",
            object_id=user_id,
            before=before,
            after=changes,
        )


async def grant(
    clock: Clock,
    *,
    user_id: int,
    role: Role,
    contest_id: int | None = None,
    region_id: int | None = None,
    actor_id: int | None = None,
) -> bool:
    """Give a right; returns False when it was already held."""
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


async def invite_staff(
    clock: Clock,
    hasher: PasswordHasher,
    base_url: str,
    *,
    actor_id: int,
    contest_id: int,
    email: str,
    name: str,
    role: Role,
    region_id: int | None,
    inviter_regions: frozenset[int] | None = None,
    language: str = "zh-CN",
) -> int:
    """Invite a judge or organizer. An existing account gets the grant; a new one is created without
    a password and mailed a link to set it.

    `inviter_regions` are the regions a regional organizer oversees (None: a national organizer):
    they grant rights inside those regions only, never national ones. `language` is a new
    account's (its mail's) language; an existing account keeps its own.
    """
    if role not in (Role.JUDGE, Role.ORGANIZER):
        raise InvalidInput("Only judges and organizers are invited.", {"role": "invalid"})
    if inviter_regions is not None and region_id not in inviter_regions:
        raise Forbidden("You may invite judges and organizers of your own region only.", {"region_id": "outside"})
    email = normalise_email(email)
    async with write_transaction():
        if region_id is not None and not await Region.exists().where(Region.id == region_id):
            raise InvalidInput("Unknown region.", {"region_id": "unknown"})
        user = await User.select(User.id, User.language).where(User.email == email).first()
        if user is None:
            user_id = await create_user(
                clock,
                hasher,
                email=email,
                name=name or email.split("@")[0],
                kind=AccountKind.STAFF,
                password=None,
                actor_id=actor_id,
                language=language,
            )
            link_token = await _issue_token(clock, user_id, TokenPurpose.RESET_PASSWORD, VERIFY_TTL)
            link = f"{base_url}/reset?token={link_token}"
        else:
            user_id, language, link = user["id"], user["language"], f"{base_url}/login"
        await grant(clock, user_id=user_id, role=role, contest_id=contest_id, region_id=region_id, actor_id=actor_id)
        from contest.contests.tables import Contest

        contest = await Contest.select(Contest.name_zh, Contest.name_en).where(Contest.id == contest_id).first()
        if contest is None:
            raise NotFound("No such contest.")
        await mail.send(
            clock,
            to=email,
            language=language,
            template="staff_invitation",
            user_id=user_id,
            context={
                "role": role.value,
                "contest": contest["name_en"] if language == "en" else contest["name_zh"],
                "link": link,
            },
        )
    return user_id


async def staff_of(contest_id: int, region_ids: frozenset[int] | None = None) -> list[dict[str, Any]]:
    """Judges and organizers of a contest (grants for it or for every contest), by role then name;
    a regional organizer (`region_ids`) sees those of their regions only."""
    where = Grant.role.is_in([Role.JUDGE.value, Role.ORGANIZER.value]) & (
        (Grant.contest == contest_id) | Grant.contest.is_null()
    )
    if region_ids is not None:
        where &= Grant.region.is_in(list(region_ids) or [0])
    return (
        await Grant.select(
            Grant.id,
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


async def decide_teacher(
    clock: Clock,
    actor_id: int,
    user_id: int,
    approve: bool,
    reason: str = "",
    region_ids: frozenset[int] | None = None,
) -> None:
    """An organizer confirms (or refuses) a teacher whose address is not on the university's domains;
    a regional organizer (`region_ids`) only teachers of universities in their regions."""
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
        status = TeacherStatus.CONFIRMED if approve else TeacherStatus.REJECTED
        await User.update({User.teacher_status: status.value}).where(User.id == user_id)
        await audit.record(
            clock,
            actor_id=actor_id,
            action="teacher.decide",
            object_type="user",
            object_id=user_id,
            before={"teacher_status": user["teacher_status"]},
            after={"teacher_status": status.value},
            reason=reason,
        )
        if approve:
            await mail.send(
                clock,
                to=user["email"],
                language=user["language"],
                template="teacher_approved",
                user_id=user_id,
                context={"name": user["name"]},
            )


async def pending_teachers(region_ids: frozenset[int] | None = None) -> list[dict[str, Any]]:
    """Teachers waiting for an organizer, in `region_ids` when given (a regional organizer's view)."""
    where = (User.kind == AccountKind.TEACHER.value) & (User.teacher_status == TeacherStatus.PENDING.value)
    if region_ids is not None:
        where &= User.university.region.is_in(list(region_ids) or [0])
    return (
        await User.select(
            User.id, User.name, User.email, User.university.name_zh.as_alias("university_name"), User.created_at
        )
        .where(where)
        .order_by(User.id)
    )
