"""Accounts through the service layer (each test rolled back)."""

from datetime import timedelta

import pytest

from contest.accounts import service as accounts
from contest.accounts import sessions, staff
from contest.accounts.schemas import ApiTokenIn, DecisionIn, RegisterIn, StaffInviteIn
from contest.accounts.tables import AccountKind, TeacherStatus, User
from contest.lib.errors import Conflict, InvalidInput, Unauthorized
from contest.lib.outbox.tables import OutboxJob
from contest.lib.principal import Role
from tests import factories as f
from tests.mailbox import link_token

BASE = "http://contest.test"
HASHER = f.CHEAP_HASHER


async def register(clock, email="li.lei@pku.edu.cn", kind=AccountKind.STUDENT, university_id=..., **extra):
    if university_id is ...:
        university_id = await f.university()
    values = dict(
        email=email,
        name="李雷",
        password=f.PASSWORD,
        kind=kind,
        consent=True,
        language="zh-CN",
        university_id=university_id,
    )
    values.update(extra)
    return (await accounts.register(f.runtime(clock), RegisterIn(**values), address="198.51.100.7")).id


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "at least"),
        ("abcdefghijkl", "Mix"),
        ("1234567890", "Mix"),
        ("password123", "easy"),
        ("aaaa1111aaaa", "easy"),
        ("li.lei-2027!", "easy"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    assert reason in (accounts.password_problem(password, "li.lei@pku.edu.cn", "Li Lei") or "")


def test_a_good_password_passes():
    assert accounts.password_problem("Correct-horse-42", "li.lei@pku.edu.cn", "Li Lei") is None
    assert accounts.password_problem("a long passphrase only letters") is None


async def test_registration_mails_a_verification_link_in_the_same_transaction(service_db, clock):
    user_id = await register(clock, email="  Li.Lei@PKU.edu.cn ")
    user = await User.select().where(User.id == user_id).first()
    assert user["email"] == "li.lei@pku.edu.cn" and user["email_verified_at"] is None and user["consent_at"]
    assert await OutboxJob.exists().where(OutboxJob.function == "send_mail")
    token = await link_token("li.lei@pku.edu.cn", "/verify?token=")
    await accounts.verify_email(f.runtime(clock), token)
    with pytest.raises(InvalidInput, match="already used"):
        await accounts.verify_email(f.runtime(clock), token)
    assert (await User.select(User.email_verified_at).where(User.id == user_id).first())["email_verified_at"]


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"email": "not-an-address"}, InvalidInput, "email"),
        ({"password": "weak"}, InvalidInput, "password"),
        ({"consent": False}, InvalidInput, "consent"),
        ({"name": "  "}, InvalidInput, "name"),
        ({"university_id": 999999}, InvalidInput, "university_id"),
        ({"university_id": None}, InvalidInput, "university_id"),
        ({"phone": "12"}, InvalidInput, "phone"),
    ],
)
async def test_bad_registrations_change_nothing(service_db, clock, changes, error, field):
    before = await User.count()
    with pytest.raises(error) as raised:
        await register(clock, **changes)
    assert field in raised.value.fields
    assert await User.count() == before


async def test_duplicate_email_is_refused_whatever_its_case(service_db, clock):
    await register(clock)
    with pytest.raises(Conflict):
        await register(clock, email="LI.LEI@pku.edu.cn")


async def test_expired_verification_link(service_db, clock):
    await register(clock)
    token = await link_token("li.lei@pku.edu.cn", "/verify?token=")
    clock.advance(accounts.VERIFY_TTL)
    with pytest.raises(InvalidInput, match="expired"):
        await accounts.verify_email(f.runtime(clock), token)


async def test_authentication_gives_no_hint(service_db, clock):
    user_id = await register(clock)
    assert await accounts.authenticate(HASHER, "LI.LEI@pku.edu.cn", f.PASSWORD) == user_id
    messages = set()
    for email, password in (
        ("li.lei@pku.edu.cn", "wrong-password-1"),
        ("nobody@pku.edu.cn", f.PASSWORD),
        ("garbage", f.PASSWORD),
    ):
        with pytest.raises(Unauthorized) as raised:
            await accounts.authenticate(HASHER, email, password)
        messages.add(raised.value.message)
    assert messages == {accounts.BAD_CREDENTIALS}


async def test_password_reset_changes_the_password_and_ends_sessions(service_db, clock):
    rt = f.runtime(clock)
    user_id = await register(clock)
    secret, _ = await sessions.open_session(clock, user_id, 14)
    await accounts.request_password_reset(rt, "li.lei@pku.edu.cn", address="198.51.100.7")
    await accounts.request_password_reset(rt, "nobody@pku.edu.cn", address="198.51.100.7")  # silently nothing
    token = await link_token("li.lei@pku.edu.cn", "/reset?token=")
    with pytest.raises(InvalidInput):
        await accounts.reset_password(rt, token, "weak")
    await accounts.reset_password(rt, token, "New-password-2027")
    assert await sessions.resolve_session(clock, secret, 14) is None
    assert await accounts.authenticate(HASHER, "li.lei@pku.edu.cn", "New-password-2027") == user_id
    with pytest.raises(InvalidInput):
        await accounts.reset_password(rt, token, "Another-password-2027")


async def test_sessions_expire_and_slide(service_db, clock):
    user_id = await f.user(clock)
    secret, csrf = await sessions.open_session(clock, user_id, 14)
    principal, token = await sessions.resolve_session(clock, secret, 14)
    assert principal.user_id == user_id and token == csrf
    clock.advance(timedelta(days=13))
    assert await sessions.resolve_session(clock, secret, 14) is not None  # touched: slides 14 days on
    clock.advance(timedelta(days=13))
    assert await sessions.resolve_session(clock, secret, 14) is not None
    clock.advance(timedelta(days=15))
    assert await sessions.resolve_session(clock, secret, 14) is None


async def test_api_tokens_resolve_until_revoked(service_db, clock):
    person = await f.principal(await f.user(clock))
    created = await sessions.create_api_token(f.runtime(clock), person, ApiTokenIn("script"))
    assert (await sessions.resolve_api_token(clock, created.token)).user_id == person.user_id
    await sessions.revoke_api_token(f.runtime(clock), person, created.id)
    secret = created.token
    assert await sessions.resolve_api_token(clock, secret) is None


async def test_teachers_are_confirmed_by_domain_or_by_an_organizer(service_db, clock):
    uni = await f.university(domains="pku.edu.cn")
    by_domain = await register(clock, email="wang@math.pku.edu.cn", kind=AccountKind.TEACHER, university_id=uni)
    by_hand = await register(clock, email="wang@gmail.com", kind=AccountKind.TEACHER, university_id=uni)
    statuses = {r["id"]: r["teacher_status"] for r in await User.select(User.id, User.teacher_status)}
    assert statuses[by_domain] == TeacherStatus.CONFIRMED.value
    assert statuses[by_hand] == TeacherStatus.PENDING.value
    contest_id, _ = await f.contest(clock)
    organizer = await f.organizer(clock, contest_id)
    assert [t.id for t in await staff.pending_teachers(organizer, contest_id)] == [by_hand]
    await staff.decide_teacher(f.runtime(clock), organizer, contest_id, by_hand, DecisionIn(approve=True))
    assert await staff.pending_teachers(organizer, contest_id) == []


async def test_inviting_staff_adds_a_grant_to_an_existing_account(service_db, clock):
    contest_id, _ = await f.contest(clock)
    organizer = await f.organizer(clock, contest_id)
    existing = await f.user(clock, kind=AccountKind.TEACHER)
    rt = f.runtime(clock)
    same = await staff.invite_staff(
        rt, organizer, contest_id, StaffInviteIn(email=await f.email_of(existing), role="judge")
    )
    assert same == existing
    new = await staff.invite_staff(
        rt, organizer, contest_id, StaffInviteIn(email="expert@tencent.com", name="专家", role="judge")
    )
    principal = await sessions.principal_for(new)
    assert principal.has_role(Role.JUDGE, contest_id) and not principal.has_role(Role.ORGANIZER, contest_id)
    token = await link_token("expert@tencent.com", "/reset?token=")
    await accounts.reset_password(rt, token, "Judge-password-2027")


async def test_a_student_number_names_one_student_of_a_university(service_db, clock):
    uni, other = await f.university(), await f.university()
    await register(clock, email="a@u.edu.cn", university_id=uni, student_number="2024001")
    with pytest.raises(Conflict) as raised:
        await register(clock, email="b@u.edu.cn", university_id=uni, student_number="2024001")
    assert raised.value.fields == {"student_number": "taken"}
    assert await register(clock, email="c@u.edu.cn", university_id=other, student_number="2024001")


async def test_a_teacher_is_not_asked_for_a_student_number(service_db, clock):
    with pytest.raises(InvalidInput) as raised:
        await register(clock, email="t@u.edu.cn", kind=AccountKind.TEACHER, student_number="2024001")
    assert "student_number" in raised.value.fields
