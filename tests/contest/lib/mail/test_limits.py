"""Mail one person can make the platform send: per recipient (its canonical address) and per
requester (account, organizer, or client address), on every mail-sending action, with the same
answer whether or not the address has an account."""

import pytest

from contest.lib.mail.limits import TOO_MANY_FOR_RECIPIENT, TOO_MANY_FROM_REQUESTER
from contest.lib.mail.tables import MailMessage
from contest.lib.principal import Role
from tests import factories as f
from tests.conftest import replace

RECIPIENT, ACCOUNT, ADDRESS, ORGANIZER = 3, 5, 8, 4


@pytest.fixture
def app_settings(app_settings):
    """Small allowances, so a test reaches them in a few requests."""
    return replace(
        app_settings,
        mail_limit_per_recipient_hour=RECIPIENT,
        mail_limit_per_account_hour=ACCOUNT,
        mail_limit_per_address_hour=ADDRESS,
        mail_limit_per_organizer_hour=ORGANIZER,
    )


async def mails_to(address: str, template: str) -> int:
    return await MailMessage.count().where((MailMessage.recipient == address) & (MailMessage.template == template))


async def test_reset_links_are_limited_per_recipient_and_answer_alike_whether_or_not_the_address_exists(world, clock):
    await f.user(clock, email="li@u.edu.cn")
    stranger = world.person("anyone")
    answers = {}
    for address, spellings in (
        ("li@u.edu.cn", ["li@u.edu.cn", "ＬＩ@u.edu.cn", "li＠ｕ.edu.cn", "Li@U.EDU.CN"]),
        ("ghost@u.edu.cn", ["ghost@u.edu.cn", "ＧＨＯＳＴ@u.edu.cn", "ghost＠ｕ.edu.cn", "Ghost@U.EDU.CN"]),
    ):
        replies = [await stranger.http.post("/api/v1/auth/password-reset", json={"email": s}) for s in spellings]
        answers[address] = [(r.status_code, r.json()) for r in replies]
    # Every spelling is one recipient; the fourth link is refused, for the account and for nobody alike.
    assert answers["li@u.edu.cn"] == answers["ghost@u.edu.cn"]
    assert [status for status, _ in answers["li@u.edu.cn"]] == [202] * RECIPIENT + [429]
    assert answers["li@u.edu.cn"][-1][1]["message"] == TOO_MANY_FOR_RECIPIENT
    assert await mails_to("li@u.edu.cn", "reset_password") == RECIPIENT
    assert await mails_to("ghost@u.edu.cn", "reset_password") == 0


async def test_an_anonymous_client_is_limited_across_recipients(world):
    client = world.person("anyone")
    statuses = [
        (await client.http.post("/api/v1/auth/password-reset", json={"email": f"p{n}@u.edu.cn"})).status_code
        for n in range(ADDRESS + 1)
    ]
    assert statuses == [202] * ADDRESS + [429]
    refused = await client.http.post("/api/v1/auth/password-reset", json={"email": "fresh@u.edu.cn"})
    assert refused.json()["message"] == TOO_MANY_FROM_REQUESTER


async def test_a_refused_page_action_says_why_in_the_visitors_language(world, clock):
    await f.user(clock, email="han@u.edu.cn")
    visitor = world.person("anyone")
    visitor.http.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
    await visitor.http.get("/forgot")
    visitor.csrf = visitor.http.cookies["csrf"]
    for _ in range(RECIPIENT):
        sent = await visitor.http.post("/forgot", data={"_csrf": visitor.csrf, "email": "han@u.edu.cn"})
        assert sent.status_code == 200
    posted, shown = await visitor.submit("/forgot", email="han@u.edu.cn")
    assert posted.headers["location"] == "/forgot"
    assert "这个邮箱地址近期已收到较多邮件，请一小时后再试。" in shown.text
    assert 'value="han@u.edu.cn"' in shown.text  # the input is kept
    assert await mails_to("han@u.edu.cn", "reset_password") == RECIPIENT


async def test_verification_links_are_limited_for_an_address_nobody_verified(world):
    person = await world.signup("late@u.edu.cn", verify=False)
    statuses = [(await person.call("POST", "/api/v1/auth/resend-verification")).status_code for _ in range(RECIPIENT)]
    # The sign-up's own mail was the first of the hour.
    assert statuses == [202] * (RECIPIENT - 1) + [429]
    assert await mails_to("late@u.edu.cn", "verify_email") == RECIPIENT


async def team_of(world, clock, leader_email: str, university_id: int | None = None):
    contest_id, track_id = await f.contest(clock)
    leader = await world.signup(leader_email, university_id=university_id)
    team = await leader.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "限流队", "track_id": track_id}
    )
    assert team.status_code == 201, team.text
    return leader, team.json()["id"]


async def test_revoking_and_inviting_again_does_not_bomb_an_address(world, clock):
    leader, team_id = await team_of(world, clock, "leader@u.edu.cn")
    statuses = []
    for _ in range(RECIPIENT + 1):
        invited = await leader.call("POST", f"/api/v1/teams/{team_id}/invitations", json={"email": "Ｔarget@u.edu.cn"})
        statuses.append(invited.status_code)
        if invited.status_code == 201:
            revoked = await leader.call("POST", f"/api/v1/teams/{team_id}/invitations/{invited.json()['id']}/revoke")
            assert revoked.status_code == 200
    assert statuses == [201] * RECIPIENT + [429]
    assert await mails_to("target@u.edu.cn", "team_invitation") == RECIPIENT


async def test_removing_and_naming_an_advisor_again_does_not_bomb_the_teacher(world, clock):
    university = await f.university(domains="teach.edu.cn")
    await world.signup("mentor@teach.edu.cn", kind="teacher", university_id=university)
    leader, team_id = await team_of(world, clock, "lead@teach.edu.cn", university)
    statuses = []
    for _ in range(RECIPIENT):
        named = await leader.call("POST", f"/api/v1/teams/{team_id}/advisor", json={"email": "mentor@teach.edu.cn"})
        statuses.append(named.status_code)
        await leader.call("POST", f"/api/v1/teams/{team_id}/advisor/remove")
    assert statuses == [201] * (RECIPIENT - 1) + [429]  # the sign-up mail counts too
    assert await mails_to("mentor@teach.edu.cn", "advisor_request") == RECIPIENT - 1


async def test_a_person_is_limited_across_recipients(world, clock):
    leader, team_id = await team_of(world, clock, "busy@u.edu.cn")
    statuses = [
        (
            await leader.call("POST", f"/api/v1/teams/{team_id}/invitations", json={"email": f"m{n}@u.edu.cn"})
        ).status_code
        for n in range(ACCOUNT + 1)
    ]
    # The sign-up's verification mail was asked from the client address, not by the account.
    assert statuses == [201] * ACCOUNT + [429]


async def test_organizers_have_their_own_allowance_and_do_not_use_up_recipients(world, clock):
    contest_id, _ = await f.contest(clock)
    organizer = await world.staff("chief@contest.cn", Role.ORGANIZER, contest_id)
    invite = {"email": "judge@expert.cn", "role": "judge"}
    statuses = [
        (await organizer.call("POST", f"/api/v1/contests/{contest_id}/staff-invitations", json=invite)).status_code
        for _ in range(ORGANIZER + 1)
    ]
    # More mails to one address than a person may ask for, and then the organizer's own limit.
    assert ORGANIZER > RECIPIENT and statuses == [201] * ORGANIZER + [429]


async def test_sending_undelivered_mail_again_counts_against_the_organizers_allowance(world, clock):
    national = await world.staff("national@contest.cn", Role.ORGANIZER, None)
    failed = [await f.failed_mail(clock, f"p{n}@u.edu.cn") for n in range(ORGANIZER + 1)]
    answers = [(await national.call("POST", f"/api/v1/mail/{m}/resend")).status_code for m in failed]
    assert answers == [200] * ORGANIZER + [429]
    last = await MailMessage.select(MailMessage.status).where(MailMessage.id == failed[-1]).first()
    assert last == {"status": "failed"}  # refused: nothing changed
