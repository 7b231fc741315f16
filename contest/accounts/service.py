"""Accounts and grants."""

from argon2 import PasswordHasher

from contest.accounts.tables import AccountKind, Grant, Role, User
from contest.audit import service as audit
from contest.clock import Clock
from contest.db import write_transaction
from contest.errors import Conflict, InvalidInput


def normalise_email(email: str) -> str:
    return email.strip().lower()


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
) -> int:
    """Create an account; e-mail addresses are unique regardless of case."""
    email = normalise_email(email)
    if "@" not in email or not name.strip():
        raise InvalidInput("An e-mail address and a name are required.")
    async with write_transaction():
        if await User.exists().where(User.email == email):
            raise Conflict("An account with this e-mail address already exists.", {"email": "already registered"})
        rows = await User.insert(
            User(
                email=email,
                name=name.strip(),
                kind=kind.value,
                password_hash=hasher.hash(password) if password else None,
                language=language,
                created_at=clock.now(),
            )
        )
        user_id: int = rows[0]["id"]
        await audit.record(
            clock, actor_id=actor_id, action="user.create", object_type="user", object_id=user_id,
            after={"email": email, "kind": kind.value},
        )
    return user_id


async def grant(
    clock: Clock,
    *,
    user_id: int,
    role: Role,
    contest_id: int | None = None,
    region_id: int | None = None,
    actor_id: int | None = None,
) -> None:
    """Give a right (idempotent)."""
    async with write_transaction():
        exists = await Grant.exists().where(
            (Grant.user == user_id)
            & (Grant.role == role.value)
            & (Grant.contest.is_null() if contest_id is None else Grant.contest == contest_id)
            & (Grant.region.is_null() if region_id is None else Grant.region == region_id)
        )
        if exists:
            return
        await Grant.insert(
            Grant(user=user_id, role=role.value, contest=contest_id, region=region_id, created_at=clock.now())
        )
        await audit.record(
            clock, actor_id=actor_id, action="grant.add", object_type="user", object_id=user_id,
            after={"role": role.value, "contest": contest_id, "region": region_id},
        )
