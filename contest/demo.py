"""The demo contest: a small but realistic national contest to explore the system with.

Grows with every capability. Seeding is idempotent: it runs only on a database with no contest.
"""

import secrets
from pathlib import Path

import msgspec

from contest.accounts import service as accounts
from contest.accounts.passwords import hasher_for
from contest.accounts.tables import AccountKind, Role
from contest.clock import Clock
from contest.contests import service as contests
from contest.contests.tables import Contest
from contest.regions import service as regions
from contest.settings import Settings

DEMO_SLUG = "mp2027"
ORGANIZER_EMAIL = "organizer@demo.contest.cn"


class DemoLogin(msgspec.Struct):
    email: str
    password: str


def _login_file(settings: Settings) -> Path:
    return settings.var_path / "demo-login.json"


def saved_login(settings: Settings) -> DemoLogin | None:
    path = _login_file(settings)
    return msgspec.json.decode(path.read_bytes(), type=DemoLogin) if path.exists() else None


async def seed_demo(settings: Settings, clock: Clock) -> DemoLogin | None:
    """Seed the demo contest on an empty database; returns the organizer log-in (None if seeded)."""
    if await Contest.exists().where(Contest.slug == DEMO_SLUG):
        return None
    await regions.ensure_regions()
    await regions.add_universities(regions.reference_universities())
    contest_id = await contests.create_contest(
        clock,
        slug=DEMO_SLUG,
        name_zh="2027年全国大学生小程序应用开发大赛",
        name_en="2027 National College Mini-Program Application Development Contest",
        actor_id=None,
    )
    login = DemoLogin(ORGANIZER_EMAIL, secrets.token_urlsafe(12))
    organizer = await accounts.create_user(
        clock,
        hasher_for(settings),
        email=login.email,
        name="大赛组委会",
        kind=AccountKind.STAFF,
        password=login.password,
    )
    await accounts.grant(clock, user_id=organizer, role=Role.ORGANIZER, contest_id=contest_id)
    path = _login_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msgspec.json.encode(login))
    path.chmod(0o600)
    return login
