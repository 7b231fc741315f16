"""Factories building realistic rows through the real services."""

import itertools
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher

from contest.accounts import service as accounts
from contest.accounts import sessions, staff
from contest.accounts.tables import AccountKind, TeacherStatus, User
from contest.contests import service as contests
from contest.contests.schemas import ContestIn
from contest.contests.tables import Contest, Track
from contest.lib import db
from contest.lib.clock import Clock
from contest.lib.mail import limits as mail_limits
from contest.lib.mail import service as mail
from contest.lib.mail.tables import MailMessage
from contest.lib.principal import SYSTEM, Principal, Role
from contest.lib.runtime import Runtime
from contest.lib.settings import load_settings
from contest.regions.search import search_keys
from contest.regions.tables import Province, Region, University
from contest.shell.wiring import runtime_for

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "Correct-horse-42"
_seq = itertools.count(1)


async def university(name: str = "", province: str = "北京", domains: str = "") -> int:
    n = next(_seq)
    row = await Province.select(Province.id, Province.region).where(Province.name_zh == province).first()
    assert row is not None
    name = name or f"测试大学{n}"
    pinyin, initials = search_keys(name)
    rows = await University.insert(
        University(
            name_zh=name,
            name_en=f"Test University {n}",
            region=row["region"],
            province=row["id"],
            email_domains=domains or f"u{n}.edu.cn",
            pinyin=pinyin,
            initials=initials,
        )
    )
    return int(rows[0]["id"])


def runtime(clock: Clock) -> Runtime:
    """What services need, for tests that call them directly (cheap Argon2, no Redis)."""
    return runtime_for(load_settings({}, contest_env="test", argon2_time_cost=1, argon2_memory_kib=1024), clock)


async def contest(clock: Clock, *, deadline: datetime | None = None, **rules: Any) -> tuple[int, int]:
    """A contest open for registration (deadline a week ahead by default) and its first track."""
    n = next(_seq)
    created = await contests.create_contest(
        runtime(clock), SYSTEM, ContestIn(slug=f"c{n}", name_zh=f"测试大赛{n}", name_en=f"Test contest {n}", tracks=[])
    )
    contest_id = created.id
    await Contest.update(
        {
            Contest.registration_deadline: deadline or clock.now() + timedelta(days=7),
            **{getattr(Contest, k): v for k, v in rules.items()},
        }
    ).where(Contest.id == contest_id)
    rows = await Track.insert(Track(contest=contest_id, code="app", name_zh="小程序应用", name_en="Application"))
    return contest_id, int(rows[0]["id"])


async def user(
    clock: Clock,
    *,
    kind: AccountKind = AccountKind.STUDENT,
    university_id: int | None = None,
    verified: bool = True,
    email: str = "",
    name: str = "",
    confirmed_teacher: bool = True,
) -> int:
    n = next(_seq)
    user_id = await accounts.create_user(
        clock,
        CHEAP_HASHER,
        email=email or f"person{n}@example.edu.cn",
        name=name or f"同学{n}",
        kind=kind,
        password=PASSWORD,
        university_id=university_id,
        verified=verified,
    )
    if kind == AccountKind.TEACHER and confirmed_teacher:
        await User.update({User.teacher_status: TeacherStatus.CONFIRMED.value}).where(User.id == user_id)
    return user_id


async def email_of(user_id: int) -> str:
    row = await User.select(User.email).where(User.id == user_id).first()
    assert row is not None
    return str(row["email"])


async def region_id(code: str) -> int:
    row = await Region.select(Region.id).where(Region.code == code).first()
    assert row is not None, f"no region {code}"
    return int(row["id"])


async def principal(user_id: int) -> Principal:
    """The person as the services see them when they act."""
    found = await sessions.principal_for(user_id)
    assert found is not None
    return found


async def organizer(clock: Clock, contest_id: int | None, region: str | None = None) -> Principal:
    """A staff account organizing `contest_id` (in one region, by its code, when given)."""
    user_id = await user(clock, kind=AccountKind.STAFF)
    await staff.grant(
        clock,
        user_id=user_id,
        role=Role.ORGANIZER,
        contest_id=contest_id,
        region_id=await region_id(region) if region else None,
    )
    return await principal(user_id)


async def queued_mail(
    clock: Clock,
    to: str = "li@u.edu.cn",
    language: str = "zh-CN",
    template: str = "teacher_approved",
    context: dict[str, str] | None = None,
) -> int:
    """A message recorded and queued by the platform (no one's allowance counted)."""
    async with db.write_transaction():
        return await mail.send(
            clock,
            requester=mail_limits.platform(),
            to=to,
            language=language,
            template=template,
            context=context or {"name": "李雷"},
        )


async def failed_mail(clock: Clock, to: str = "gone@u.edu.cn", error: str = "451 try later", **fields: Any) -> int:
    """A message the mail job gave up on (recorded as failed, as after its last retry)."""
    message_id = await queued_mail(clock, to, **fields)
    await MailMessage.update({MailMessage.status: "failed", MailMessage.error: error}).where(
        MailMessage.id == message_id
    )
    return message_id
