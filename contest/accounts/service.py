"""Accounts: registration, e-mail verification, log-in, password reset and profile."""

import re
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher

from contest.accounts import sessions
from contest.accounts.passwords import hash_password, verify
from contest.accounts.ratelimit import LoginLimiter
from contest.accounts.schemas import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    Account,
    GrantOut,
    LoggedIn,
    ProfilePatch,
    RegisteredOut,
    RegisterIn,
    UserOut,
)
from contest.accounts.tables import AccountKind, EmailToken, Grant, TeacherStatus, TokenPurpose, User
from contest.accounts.tokens import digest, new_secret
from contest.lib.audit import service as audit
from contest.lib.clock import Clock
from contest.lib.db import one, write_transaction
from contest.lib.emails import canonical_or_none, normalise_email
from contest.lib.errors import Conflict, InvalidInput, InvalidState, Unauthorized
from contest.lib.mail import limits as mail_limits
from contest.lib.mail import service as mail
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.regions import service as regions

VERIFY_TTL = timedelta(hours=48)
RESET_TTL = timedelta(hours=2)
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


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why a password is too weak, or None. Length first; then variety and obvious guesses."""
    if len(password) < MIN_PASSWORD:
        return "Use at least 10 characters."  # MIN_PASSWORD
    if len(password) > MAX_PASSWORD:
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


PHONE = re.compile(r"^(1[3-9]\d{9}|\+?[0-9][0-9 -]{5,18}[0-9])$")


async def issue_token(clock: Clock, user_id: int, purpose: TokenPurpose, ttl: timedelta) -> str:
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


def _profile_problems(kind: AccountKind, profile: dict[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    phone = str(profile.get("phone") or "").strip()
    if phone and not PHONE.match(phone):
        problems["phone"] = "not a phone number"
    if kind != AccountKind.STUDENT and (profile.get("student_number") or profile.get("year")):
        problems["student_number"] = "only students have a student number"
    return problems


async def _check_student_number(university_id: int | None, number: str, user_id: int | None = None) -> None:
    """A student number names one student of a university."""
    number = number.strip()
    if not number or university_id is None:
        return
    where = (User.university == university_id) & (User.student_number == number)
    if user_id is not None:
        where &= User.id != user_id
    if await User.exists().where(where):
        raise Conflict("Another account of this university has this student number.", {"student_number": "taken"})


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
    """Create an account (one per e-mail address, whatever its case or width). The platform's own
    entry point: sign-up, staff invitations, the CLI and the demo build on it."""
    email = normalise_email(email)
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise InvalidInput("Please give your name (at most 100 characters).", {"name": "required"})
    if university_id is not None and not await regions.university_exists(university_id):
        raise InvalidInput("Unknown university.", {"university_id": "unknown"})
    problems = _profile_problems(kind, profile)
    if problems:
        raise InvalidInput("Some fields are missing or invalid.", problems)
    teacher_status = TeacherStatus.NOT_TEACHER
    if kind == AccountKind.TEACHER:
        confirmed = await regions.email_domain_matches(university_id, email)
        teacher_status = TeacherStatus.CONFIRMED if confirmed else TeacherStatus.PENDING
    # Hash before taking the write lock: Argon2 is deliberately slow.
    password_hash = await hash_password(hasher, password) if password else None
    async with write_transaction():
        if await User.exists().where(User.email == email):
            raise Conflict("An account with this e-mail address already exists.", {"email": "already registered"})
        await _check_student_number(university_id, str(profile.get("student_number") or ""))
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


async def register(rt: Runtime, data: RegisterIn, *, address: str) -> RegisteredOut:
    """Self sign-up of a student (who names their university) or a teacher from client `address`;
    the verification mail is part of the same transaction (and counts against that address)."""
    kind = AccountKind(data.kind)
    if not data.consent:
        raise InvalidInput("Please accept the personal-data notice.", {"consent": "required"})
    email = normalise_email(data.email)
    if await User.exists().where(User.email == email):
        raise Conflict("An account with this e-mail address already exists.", {"email": "already registered"})
    problems: dict[str, str] = {}
    name = " ".join(data.name.split())
    if not name:
        problems["name"] = "Please give your name."
    if kind == AccountKind.STUDENT and data.university_id is None:
        problems["university_id"] = "Choose your university."
    weak = password_problem(data.password, email, name)
    if weak:
        problems["password"] = weak
    if problems:
        raise InvalidInput(
            next(iter(problems.values())) if len(problems) == 1 else "Some fields are missing or invalid.", problems
        )
    profile: dict[str, Any] = {"student_number": data.student_number, "college": data.college, "major": data.major}
    profile |= {"year": data.year, "phone": data.phone.strip()}
    async with write_transaction():
        user_id = await create_user(
            rt.clock,
            rt.hasher,
            email=email,
            name=data.name,
            kind=kind,
            password=data.password,
            language=data.language,
            university_id=data.university_id,
            consent_at=rt.clock.now(),
            **profile,
        )
        await _send_verification(rt, mail_limits.client(rt, address), user_id, email, data.name, data.language)
    return RegisteredOut(user_id, email, "Check your mailbox to verify your address.")


async def _send_verification(
    rt: Runtime, requester: mail_limits.Requester, user_id: int, email: str, name: str, language: str
) -> None:
    secret = await issue_token(rt.clock, user_id, TokenPurpose.VERIFY_EMAIL, VERIFY_TTL)
    await mail.send(
        rt.clock,
        requester=requester,
        to=email,
        language=language,
        template="verify_email",
        user_id=user_id,
        context={"name": name, "link": f"{rt.base_url}/verify?token={secret}"},
    )


async def resend_verification(rt: Runtime, actor: Principal) -> None:
    async with write_transaction():
        user = await one(User.select().where(User.id == actor.user_id).first(), "No such account.")
        if user["email_verified_at"] is not None:
            raise InvalidState("Your e-mail address is already verified.")
        await _send_verification(
            rt, mail_limits.person(rt, actor), actor.user_id, user["email"], user["name"], user["language"]
        )


async def verify_email(rt: Runtime, token: str) -> int:
    async with write_transaction():
        user_id = await _use_token(rt.clock, token, TokenPurpose.VERIFY_EMAIL)
        await User.update({User.email_verified_at: rt.clock.now()}).where(User.id == user_id)
        await audit.record(
            rt.clock, actor_id=user_id, action="user.verify_email", object_type="user", object_id=user_id
        )
    return user_id


async def authenticate(hasher: PasswordHasher, email: str, password: str) -> int:
    """The account for these credentials; one message for every failure (no hint which part)."""
    canonical = canonical_or_none(email)
    row = None
    if canonical is not None:
        row = await User.select(User.id, User.password_hash, User.is_active).where(User.email == canonical).first()
    if row is None:
        # Spend the same time as a real check so timing does not reveal which addresses exist.
        await verify(hasher, _DUMMY_HASHES.setdefault(id(hasher), hasher.hash("dummy-password")), password)
        raise Unauthorized(BAD_CREDENTIALS)
    if not row["is_active"] or not await verify(hasher, row["password_hash"], password):
        raise Unauthorized(BAD_CREDENTIALS)
    return int(row["id"])


_DUMMY_HASHES: dict[int, str] = {}


async def log_in(rt: Runtime, email: str, password: str, *, address: str, old_session: str = "") -> LoggedIn:
    """Rate-limited log-in (per account, by its canonical address, and per client address); a fresh
    session id every time (no fixation)."""
    limiter = LoginLimiter(rt.redis, rt.settings)
    key = canonical_or_none(email) or email.strip().lower()
    await limiter.hit(key, address)
    user_id = await authenticate(rt.hasher, email, password)
    await limiter.reset_account(key)
    if old_session:
        await sessions.close_session(old_session)
    secret, csrf = await sessions.open_session(rt.clock, user_id, rt.settings.session_days)
    return LoggedIn(user_id, secret, csrf)


async def request_password_reset(rt: Runtime, email: str, *, address: str) -> None:
    """Mail a reset link when the account exists; the caller says the same either way. The request
    counts against the address and the client `address` before anyone looks the account up, so a
    refusal (429) does not tell either whether it exists."""
    canonical = canonical_or_none(email)
    if canonical is None:
        return
    requester = mail_limits.client(rt, address)
    user = await User.select(User.id, User.name, User.language).where(User.email == canonical).first()
    if user is None:
        await requester.take(canonical)
        return
    async with write_transaction():
        secret = await issue_token(rt.clock, user["id"], TokenPurpose.RESET_PASSWORD, RESET_TTL)
        await mail.send(
            rt.clock,
            requester=requester,
            to=canonical,
            language=user["language"],
            template="reset_password",
            user_id=user["id"],
            context={"name": user["name"], "link": f"{rt.base_url}/reset?token={secret}"},
        )


async def reset_password(rt: Runtime, token: str, password: str) -> int:
    """Set a new password with a reset link. It ends every session, API token and other reset link
    of the account; a reset also proves the address."""
    check_password(password)  # the cheap rules before the slow hash; the personal ones below
    password_hash = await hash_password(rt.hasher, password)
    async with write_transaction():
        user_id = await _use_token(rt.clock, token, TokenPurpose.RESET_PASSWORD)
        user = await one(
            User.select(User.email, User.name, User.email_verified_at).where(User.id == user_id).first(),
            "No such account.",
        )
        check_password(password, user["email"], user["name"])
        await User.update(
            {User.password_hash: password_hash, User.email_verified_at: user["email_verified_at"] or rt.clock.now()}
        ).where(User.id == user_id)
        await EmailToken.update({EmailToken.used_at: rt.clock.now()}).where(
            (EmailToken.user == user_id)
            & (EmailToken.purpose == TokenPurpose.RESET_PASSWORD.value)
            & EmailToken.used_at.is_null()
        )
        await sessions.end_all_credentials(rt.clock, user_id)
        await audit.record(
            rt.clock, actor_id=user_id, action="user.reset_password", object_type="user", object_id=user_id
        )
    return user_id


PROFILE_FIELDS = ("name", "student_number", "college", "major", "year", "phone", "language", "university")


async def profile(user_id: int) -> UserOut:
    """An account with its profile and grants."""
    user = await one(
        User.select(
            *User.all_columns(exclude=[User.password_hash]),
            User.university._.name_zh.as_alias("university_zh"),
            User.university._.name_en.as_alias("university_en"),
        )
        .where(User.id == user_id)
        .first(),
        "No such account.",
    )
    grants = await Grant.select(Grant.role, Grant.contest, Grant.region).where(Grant.user == user_id)
    return UserOut(
        id=user["id"],
        email=user["email"],
        name=user["name"],
        kind=user["kind"],
        language=user["language"],
        email_verified=user["email_verified_at"] is not None,
        university_id=user["university"],
        university_name=user["university_zh"],
        university=Name(user["university_zh"], user["university_en"] or "") if user["university"] else None,
        student_number=user["student_number"],
        college=user["college"],
        major=user["major"],
        year=user["year"],
        phone=user["phone"],
        teacher_status=user["teacher_status"],
        grants=[GrantOut(g["role"], g["contest"], g["region"]) for g in grants],
    )


async def update_profile(rt: Runtime, actor: Principal, patch: ProfilePatch) -> UserOut:
    """Change one's own profile; only the fields given change. A team member's university is fixed
    by the team; a teacher who changes university stops advising at the old one, and is confirmed
    anew (by the new university's mail domain, or else by its organizers)."""
    changes = patch.changes()
    if "university_id" in changes:
        changes["university"] = changes.pop("university_id")
    if "name" in changes:
        changes["name"] = " ".join(str(changes["name"]).split())
        if not changes["name"]:
            raise InvalidInput("Please give your name.", {"name": "required"})
    async with write_transaction():
        before = await one(User.select().where(User.id == actor.user_id).first(), "No such account.")
        problems = _profile_problems(AccountKind(before["kind"]), {**before, **changes})
        if problems:
            raise InvalidInput("Some fields are missing or invalid.", problems)
        if "university" in changes and changes["university"] != before["university"]:
            if changes["university"] is not None and not await regions.university_exists(changes["university"]):
                raise InvalidInput("Unknown university.", {"university_id": "unknown"})
            await rt.teams.university_changes(rt.clock, actor.user_id)
            if before["kind"] == AccountKind.TEACHER.value:
                # A confirmation vouches for one university: at another, its mail domain confirms the
                # teacher again, or its organizers do.
                confirmed = await regions.email_domain_matches(changes["university"], before["email"])
                status = TeacherStatus.CONFIRMED if confirmed else TeacherStatus.PENDING
                changes["teacher_status"] = status.value
        if "student_number" in changes or "university" in changes:
            await _check_student_number(
                changes.get("university", before["university"]),
                str(changes.get("student_number", before["student_number"])),
                actor.user_id,
            )
        await audit.update_audited(
            rt.clock,
            User,
            actor.user_id,
            before,
            changes,
            actor_id=actor.user_id,
            action="user.update_profile",
            object_type="user",
            object_id=actor.user_id,
        )
    return await profile(actor.user_id)


def _account(row: dict[str, Any]) -> Account:
    return Account(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        kind=row["kind"],
        language=row["language"],
        university_id=row["university"],
        verified=row["email_verified_at"] is not None,
        teacher_confirmed=row["teacher_status"] == TeacherStatus.CONFIRMED.value,
    )


async def account(user_id: int) -> Account:
    """An account as other domains need it (teams: who joins, who advises)."""
    return _account(await one(User.select().where(User.id == user_id).first(), "No such account."))


async def account_by_email(email: str) -> Account | None:
    row = await User.select().where(User.email == normalise_email(email)).first()
    return None if row is None else _account(row)


async def accounts(user_ids: list[int]) -> dict[int, Account]:
    rows = await User.select().where(User.id.is_in(user_ids or [0]))
    return {r["id"]: _account(r) for r in rows}
