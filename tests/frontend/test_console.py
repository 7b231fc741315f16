"""The organizer console: change requests on the team page, judges and organizers, regional limits."""

from datetime import timedelta

from contest.accounts.tables import Grant, Role, User
from contest.teams.tables import TeamMember
from tests import factories as f


async def locked_team_with_a_pending_removal(world, clock):
    """A two-member team after the deadline whose leader asks to remove the other member."""
    uni = await f.university(province="广东")
    contest_id, track_id = await f.contest(clock)
    leader = await world.signup("lead@s.edu.cn", university_id=uni)
    member = await world.signup("mate@s.edu.cn", university_id=uni)
    team_id = (
        await leader.call("POST", f"/api/v1/contests/{contest_id}/teams", json={"name": "珠江队", "track_id": track_id})
    ).json()["id"]
    await leader.call("POST", f"/api/v1/teams/{team_id}/invitations", json={"email": "mate@s.edu.cn"})
    await world.deliver_mail()
    token = world.link("mate@s.edu.cn", r"/invitations/([\w\-]+)")
    assert (await member.call("POST", f"/api/v1/invitations/{token}/accept")).status_code == 200
    clock.advance(timedelta(days=8))
    requested = await leader.call(
        "POST",
        f"/api/v1/teams/{team_id}/change-requests",
        json={"op": "remove_member", "user_id": member.id, "reason": "转学"},
    )
    assert requested.status_code == 201, requested.text
    return contest_id, team_id, requested.json()["id"], member


async def form(person, url, **fields):
    return await person.http.post(url, data={"_csrf": person.csrf, **fields})


async def test_an_organizer_answers_for_a_silent_member_then_accepts_on_the_team_page(world, clock):
    contest_id, team_id, request_id, member = await locked_team_with_a_pending_removal(world, clock)
    organizer = await world.staff("org@contest.cn", Role.ORGANIZER, contest_id)

    listing = await organizer.http.get("/console/teams")
    assert "待审核的成员变更申请" in listing.text and "移除成员 · 测试mate" in listing.text
    assert "1 / 2" in listing.text and "华南" in listing.text
    page = await organizer.http.get(f"/console/teams/{team_id}")
    assert "尚未答复" in page.text and "代该成员同意" in page.text

    # A refusal comes back on the team page (post, redirect, get) with the reason in Chinese.
    too_early, shown = await organizer.submit(f"/console/change-requests/{request_id}", accept="yes")
    assert too_early.headers["location"] == f"/console/teams/{team_id}" and "尚未同意" in shown.text
    _, shown = await organizer.submit(
        f"/console/change-requests/{request_id}/answer", member_id=str(member.id), approve="yes"
    )
    assert "请说明代替该成员答复的原因" in shown.text
    stood_in = await form(
        organizer,
        f"/console/change-requests/{request_id}/answer",
        member_id=str(member.id),
        approve="yes",
        reason="两周联系不上",
    )
    assert stood_in.status_code == 303 and stood_in.headers["location"] == f"/console/teams/{team_id}"
    accepted = await form(organizer, f"/console/change-requests/{request_id}", accept="yes", reason="同意")
    assert accepted.status_code == 303
    roster = await TeamMember.select(TeamMember.user.email.as_alias("email")).where(TeamMember.team == team_id)
    assert [m["email"] for m in roster] == ["lead@s.edu.cn"]

    history = (await organizer.http.get(f"/console/teams/{team_id}")).text
    for action in ("提交变更申请", "同意变更", "组委会通过变更", "两周联系不上"):
        assert action in history
    assert "change." not in history and "team.member" not in history  # codes are translated
    english = (await organizer.http.get(f"/console/teams/{team_id}", cookies={"lang": "en"})).text
    assert "change accepted by the organizers" in english and "remove a member" in english


async def test_a_regional_organizer_sees_and_decides_only_their_region(world, clock):
    contest_id, team_id, request_id, _ = await locked_team_with_a_pending_removal(world, clock)
    east = await world.staff("ec@contest.cn", Role.ORGANIZER, contest_id, region="EC")
    assert "珠江队" not in (await east.http.get("/console/teams")).text
    assert (await east.http.get(f"/console/teams/{team_id}")).status_code == 403
    refused = await form(east, f"/console/change-requests/{request_id}", accept="no")
    assert refused.status_code == 403

    # Neither address is on its university's domains, so both wait for an organizer.
    await world.signup("prof@east.edu.cn", kind="teacher", university_id=await f.university(province="江苏"))
    await world.signup("prof@nowhere.cn", kind="teacher", university_id=await f.university(province="广东"))
    pending = (await east.call("GET", f"/api/v1/contests/{contest_id}/teachers/pending")).json()
    assert [t["email"] for t in pending] == ["prof@east.edu.cn"]
    south_teacher = (await User.select(User.id).where(User.email == "prof@nowhere.cn").first())["id"]
    decided = await east.call(
        "POST", f"/api/v1/contests/{contest_id}/teachers/{south_teacher}/decision", json={"approve": True}
    )
    assert decided.status_code == 403
    status = await User.select(User.teacher_status).where(User.id == south_teacher).first()
    assert status["teacher_status"] == "pending"


async def test_the_staff_page_invites_judges_within_the_organizers_reach(world, clock):
    contest_id, _ = await f.contest(clock)
    national = await world.staff("org@contest.cn", Role.ORGANIZER, contest_id)
    _, invited = await national.submit(
        "/console/staff", email="Judge@Example.cn", name="李评委", role="judge", region_id=""
    )
    assert "邀请已发送" in invited.text and "judge@example.cn" in invited.text
    await world.deliver_mail()
    assert world.link("judge@example.cn", r"/reset\?token=([\w\-]+)")
    listed = (await national.call("GET", f"/api/v1/contests/{contest_id}/staff")).json()
    assert {(s["email"], s["role"], s["region_id"]) for s in listed} == {
        ("org@contest.cn", "organizer", None),
        ("judge@example.cn", "judge", None),
    }

    east = await world.staff("ec@contest.cn", Role.ORGANIZER, contest_id, region="EC")
    page = (await east.http.get("/console/staff")).text
    assert "全国（所有赛区）" not in page and "华东" in page and "华南" not in page
    assert "judge@example.cn" not in page  # a national judge is not theirs to see
    before = await Grant.count()
    for region in ("", str(await f.region_id("SC"))):
        refused = await form(east, "/console/staff", email="x@example.cn", role="organizer", region_id=region)
        assert refused.status_code == 403 and "本赛区" in refused.text
    api = await east.call(
        "POST", f"/api/v1/contests/{contest_id}/staff-invitations", json={"email": "y@example.cn", "role": "organizer"}
    )
    assert api.status_code == 403
    assert await Grant.count() == before and not await User.exists().where(
        User.email.is_in(["x@example.cn", "y@example.cn"])
    )
    ec = await f.region_id("EC")
    _, done = await east.submit(
        "/console/staff", email="ecjudge@example.cn", role="judge", region_id=str(ec), language="en"
    )
    assert "ecjudge@example.cn" in done.text
    await world.deliver_mail()
    assert world.link("ecjudge@example.cn", r"(invites you to be a judge)")  # in the language chosen for them
    assert (await User.select(User.language).where(User.email == "ecjudge@example.cn").first())["language"] == "en"
    unknown = await national.call(
        "POST",
        f"/api/v1/contests/{contest_id}/staff-invitations",
        json={"email": "z@example.cn", "role": "judge", "region_id": 99999},
    )
    assert unknown.status_code == 400 and unknown.json()["fields"] == {"region_id": "unknown"}


async def test_undelivered_mail_waits_on_the_home_page_and_is_sent_again_from_its_page(world, clock):
    contest_id, _ = await f.contest(clock)
    national = await world.staff("org@contest.cn", Role.ORGANIZER, contest_id)
    east = await world.staff("ec@contest.cn", Role.ORGANIZER, contest_id, region="EC")
    message_id = await f.failed_mail(clock, "gone@u.edu.cn")
    home = (await national.http.get("/")).text
    assert "未能送达的邮件：1 封。" in home and 'href="/console/mail"' in home
    assert "未能送达的邮件" not in (await east.http.get("/")).text  # not theirs to see
    assert "未送达的邮件" in (await national.http.get("/console/staff")).text

    page = (await national.http.get("/console/mail")).text
    assert "gone@u.edu.cn" in page and "教师账号确认" in page and "451 try later" in page and "重新发送" in page
    assert (await east.http.get("/console/mail")).status_code == 403
    refused = await form(east, f"/console/mail/{message_id}/resend")
    assert refused.status_code == 403
    _, after = await national.submit(f"/console/mail/{message_id}/resend")
    assert "邮件已重新加入发送队列。" in after.text and "所有邮件均已送达。" in after.text
    _, again = await national.submit(f"/console/mail/{message_id}/resend")  # a second click: already queued
    assert "并非未送达" in again.text
