"""The demo contest: a small but realistic national contest to explore the system with.

Grows with every capability. Seeding is idempotent: it runs only on a database without the demo.
"""

import random
import secrets
from datetime import timedelta
from pathlib import Path

import msgspec
from argon2 import PasswordHasher

from contest.accounts import service as accounts
from contest.accounts import staff as staff_service
from contest.accounts.passwords import hash_password
from contest.accounts.tables import AccountKind, TeacherStatus, User
from contest.contests import service as contests
from contest.contests.schemas import ContestIn
from contest.contests.tables import Contest
from contest.lib.clock import Clock, FixedClock
from contest.lib.db import write_transaction
from contest.lib.principal import SYSTEM, Role
from contest.lib.settings import Settings
from contest.regions import service as regions
from contest.regions.tables import University
from contest.shell.demo_entries import seed_entries
from contest.shell.demo_judging import seed_judging
from contest.shell.demo_open import create_open_contest, seed_open_teams
from contest.shell.demo_people import People, demo_account
from contest.shell.demo_results import seed_results
from contest.shell.wiring import runtime_for
from contest.teams import roster
from contest.teams.schemas import JoinCodeIn, TeamIn
from contest.teams.tables import AdvisorStatus, TeamAdvisor

DEMO_SLUG = "mp2027"
# How long ago the demo's teams formed (registration ran from 90 to 50 days ago).
REGISTERING = timedelta(days=60)
ANNOUNCEMENT_ZH = (
    "赛区初赛成绩已公示：参赛团队可在“我的成绩”中查看评审意见，公示期内如有异议请提交申诉。"
    "全国复赛作品提交通道将于五天后开放，晋级团队请留意本页通知。"
)
ANNOUNCEMENT_EN = (
    "The regional preliminary's results are published for public notice: teams find their judges' comments "
    "under My results and may appeal during the notice period. The national semi-final opens for entries in "
    "five days; advancing teams, watch this page."
)
ORGANIZER_EMAIL = "organizer@demo.contest.cn"
STUDENT_PASSWORD = "Demo-student-2027"
TEAMS = 120


# The reference list covers the seven domestic regions; the overseas region gets two of its own.
OVERSEAS = [
    regions.UniversityRow("新加坡国立大学", "National University of Singapore", ""),
    regions.UniversityRow("悉尼大学", "The University of Sydney", ""),
]


class DemoLogin(msgspec.Struct):
    email: str
    password: str
    student_email: str = ""
    student_password: str = ""


def _login_file(settings: Settings) -> Path:
    return settings.var_path / "demo-login.json"


def saved_login(settings: Settings) -> DemoLogin | None:
    path = _login_file(settings)
    return msgspec.json.decode(path.read_bytes(), type=DemoLogin) if path.exists() else None


def describe(login: DemoLogin) -> str:
    return (
        f"Demo organizer log-in: {login.email} / {login.password}\n"
        f"  Demo student log-in:   {login.student_email} / {login.student_password}\n"
        "  Judges (judge-ec@demo.contest.cn, judge-national1@demo.contest.cn, ...) and the East China\n"
        "  organizer (organizer-ec@demo.contest.cn) use the student password too."
    )


async def _seed_staff(clock: Clock, hasher: PasswordHasher, contest_id: int, password_hash: str) -> None:
    """A judge per region, two national judges and an organizer of the East China region, all
    with the demo password."""
    staff: list[tuple[str, str, Role, int | None]] = []
    for region in await regions.list_regions():
        code = region.code.lower()
        staff.append((f"judge-{code}@demo.contest.cn", f"{region.name_zh}评委", Role.JUDGE, region.id))
        if code == "ec":
            staff.append(("organizer-ec@demo.contest.cn", "华东赛区组委会", Role.ORGANIZER, region.id))
    staff += [(f"judge-national{n}@demo.contest.cn", f"全国评委{n}", Role.JUDGE, None) for n in (1, 2)]
    for email, name, role, region_id in staff:
        user_id = await demo_account(clock, hasher, password_hash, email=email, name=name, kind=AccountKind.STAFF)
        await staff_service.grant(clock, user_id=user_id, role=role, contest_id=contest_id, region_id=region_id)


async def seed_demo(settings: Settings, clock: Clock) -> DemoLogin | None:
    """Seed the demo contest; returns the log-ins to print (None if it was seeded before)."""
    if await Contest.exists().where(Contest.slug == DEMO_SLUG):
        return None
    rng = random.Random(2027)
    await regions.ensure_regions()
    await regions.add_universities([*regions.reference_universities(), *OVERSEAS])
    universities = await University.select(University.id, University.name_zh).order_by(University.id)
    async with write_transaction():
        for index, uni in enumerate(universities, start=1):
            await University.update({University.email_domains: f"demo{index}.edu.cn"}).where(University.id == uni["id"])
    # The demo stands a few days after the preliminary's results were published: registration has
    # closed, entries were handed in and pinned, judges were assigned and scored, the notice period
    # (公示) is open for appeals, and the semi-final opens soon. Each step runs on a clock set to the
    # day it happened, through the same services as people use.
    now = clock.now()
    rt = runtime_for(settings, FixedClock(now - REGISTERING))
    hasher = rt.hasher
    login = DemoLogin(ORGANIZER_EMAIL, secrets.token_urlsafe(12))
    organizer = await accounts.create_user(
        clock,
        hasher,
        email=login.email,
        name="大赛组委会",
        kind=AccountKind.STAFF,
        password=login.password,
        verified=True,
    )
    open_contest = await create_open_contest(settings, clock, organizer)
    contest = await contests.create_contest(
        rt,
        SYSTEM,
        ContestIn(
            slug=DEMO_SLUG,
            name_zh="2027年全国大学生小程序应用开发大赛",
            name_en="2027 National College Mini-Program Application Development Contest",
            registration_opens_at=now - timedelta(days=90),
            registration_deadline=now - timedelta(days=50),
            announcement_zh=ANNOUNCEMENT_ZH,
            announcement_en=ANNOUNCEMENT_EN,
        ),
    )
    contest_id = contest.id
    tracks = [t.id for t in contest.tracks]
    await staff_service.grant(clock, user_id=organizer, role=Role.ORGANIZER, contest_id=contest_id)
    shared_hash = await hash_password(hasher, STUDENT_PASSWORD)
    people = People(clock, hasher, shared_hash, universities, rng)

    first_student = ""
    for number in range(TEAMS):
        leader = await people.principal(AccountKind.STUDENT, number)
        first_student = first_student or people.email(AccountKind.STUDENT, people.serial, number)
        team = await roster.create_team(
            rt, leader, contest_id, TeamIn(people.team_name(number + 1), tracks[1 if number % 5 == 4 else 0])
        )
        team_id = team.id
        code = (await roster.set_join_code(rt, leader, team_id)).code or ""
        for _ in range(rng.choice((0, 1, 2, 2))):
            member = await people.principal(AccountKind.STUDENT, number)
            await roster.join_by_code(rt, member, contest_id, JoinCodeIn(code))
        if rng.random() < 0.7:
            teacher = await people.make(AccountKind.TEACHER, number)
            async with write_transaction():
                await User.update({User.teacher_status: TeacherStatus.CONFIRMED.value}).where(User.id == teacher)
                await TeamAdvisor.insert(
                    TeamAdvisor(
                        team=team_id,
                        user=teacher,
                        status=AdvisorStatus.CONFIRMED.value,
                        token_hash=secrets.token_hex(32),
                        created_at=now,
                        expires_at=now,
                        responded_at=now,
                    )
                )
    await _seed_staff(clock, hasher, contest_id, shared_hash)
    await seed_entries(settings, clock, contest_id)
    await seed_judging(settings, FixedClock(now - timedelta(days=19)), contest_id, shared_hash)
    await seed_results(settings, clock, contest_id)
    await seed_open_teams(settings, clock, open_contest, people)
    # Teachers whose address is not on their university's domains wait for an organizer.
    for index in (1, 2, 3):
        await demo_account(
            clock,
            hasher,
            shared_hash,
            email=f"teacher{index}@mail.demo.cn",
            name=people.name() + "老师",
            kind=AccountKind.TEACHER,
            university_id=int(universities[index * 7]["id"]),
            consent_at=now,
        )
    login.student_email, login.student_password = first_student, STUDENT_PASSWORD
    path = _login_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msgspec.json.encode(login))
    path.chmod(0o600)
    return login
