"""Registration tried as a new user would: each defect found that way, now a test."""

from contest.accounts.tables import User
from contest.contests.tables import Contest, Track
from contest.lib.principal import Role
from contest.regions.tables import University
from tests import factories as f


async def team_of_two(world, clock):
    uni = await f.university(name="浙江大学", domains="zju.edu.cn")
    await University.update({University.name_en: "Zhejiang University"}).where(University.id == uni)
    contest_id, track_id = await f.contest(clock, max_team_size=2)
    await Track.update({Track.name_en: "Mini-program application"}).where(Track.id == track_id)
    leader = await world.signup("lead@zju.edu.cn", university_id=uni)
    mate = await world.signup("mate@zju.edu.cn", university_id=uni)
    await leader.submit("/my/team/create", name="求是队", track_id=str(track_id))
    return contest_id, uni, leader, mate


async def test_an_empty_drop_down_means_all(world, clock):
    contest_id, *_ = await team_of_two(world, clock)
    organizer = await world.staff("org@contest.cn", Role.ORGANIZER, contest_id)
    listing = await organizer.http.get("/console/teams?region_id=&track_id=&status=&q=")
    assert listing.status_code == 200 and "求是队" in listing.text
    narrowed = await organizer.http.get("/console/teams?region_id=&track_id=&status=withdrawn&q=")
    assert "求是队" not in narrowed.text


async def test_names_in_the_readers_language_and_beijing_time_said_once(world, clock):
    _, _, leader, _ = await team_of_two(world, clock)
    chinese = (await leader.http.get("/my/team")).text
    assert "浙江大学" in chinese and "小程序应用" in chinese and "(Asia/Shanghai)" not in chinese
    english = (await leader.http.get("/my/team", cookies={"lang": "en"})).text
    assert "Zhejiang University" in english and "Mini-program application" in english
    assert "浙江大学" not in english


async def test_a_success_says_so_and_a_full_team_offers_no_invitation(world, clock):
    _, _, leader, mate = await team_of_two(world, clock)
    sent, page = await leader.submit("/my/team/invite", email="mate@zju.edu.cn")
    assert sent.headers["location"] == "/my/team" and "邀请已发送" in page.text
    await world.deliver_mail()
    token = world.link("mate@zju.edu.cn", r"/invitations/([\w\-]+)")
    _, joined = await mate.submit(f"/invitations/{token}", accept="yes")
    assert "你已加入团队" in joined.text
    full = (await leader.http.get("/my/team")).text
    assert "团队已满" in full and 'action="/my/team/invite"' not in full and "成员（2 / 2）" in full


async def test_a_refused_form_comes_back_with_its_input_and_a_chinese_reason(world, clock):
    anonymous = world.person("new@zju.edu.cn")
    await anonymous.http.get("/register")  # the visitor's browser holds the form's pre-session token
    posted = await anonymous.http.post(
        "/register",
        data={
            "_csrf": anonymous.http.cookies["csrf"],
            "kind": "student",
            "name": "新同学",
            "email": "new@zju.edu.cn",
            "password": "short",
            "consent": "yes",
            "phone": "12",
        },
    )
    assert posted.status_code == 303 and posted.headers["location"] == "/register"
    shown = (await anonymous.http.get("/register")).text
    assert 'value="新同学"' in shown and 'value="new@zju.edu.cn"' in shown  # kept, the password not
    assert "请选择你的学校" in shown and "至少" in shown  # every problem, in Chinese
    assert not await User.exists().where(User.email == "new@zju.edu.cn")
    again = await anonymous.http.get("/register")
    assert "请选择你的学校" not in again.text  # shown once, not on every later visit


async def test_error_pages_know_who_is_signed_in(world, clock):
    _, _, leader, _ = await team_of_two(world, clock)
    for response in (await leader.http.get("/no/such/page"), await leader.http.delete("/my/team")):
        assert response.status_code in (404, 405)
        assert "退出登录" in response.text and "登录</a>" not in response.text
        assert "Not found" not in response.text and "not allowed" not in response.text.lower()


async def test_home_says_what_to_do_next(world, clock):
    contest_id, *_ = await team_of_two(world, clock)
    await Contest.update({Contest.announcement_zh: "作品提交将于五月开放。"}).where(Contest.id == contest_id)
    newcomer = await world.signup("fresh@zju.edu.cn", verify=False)
    home = (await newcomer.http.get("/")).text
    assert "测试大赛" in home and "作品提交将于五月开放。" in home
    assert "你的邮箱尚未验证" in home and "/me/resend-verification" in home  # a banner at once
    assert "创建团队，或用队长分享的加入码加入团队" in home
    resent, page = await newcomer.submit("/me/resend-verification", next="/")
    assert resent.headers["location"] == "/" and "新的验证链接已发出" in page.text


async def test_forms_fit_the_role(world, clock):
    uni = await f.university()
    teacher = await world.signup("prof@u.edu.cn", kind="teacher", university_id=uni)
    student = await world.signup("pupil@u.edu.cn", university_id=uni)
    to_teams = await teacher.http.get("/my/team")
    assert to_teams.status_code == 303 and to_teams.headers["location"] == "/my/advised"
    assert (await student.http.get("/my/advised")).status_code == 403
    profile = (await teacher.http.get("/me")).text
    assert 'name="student_number"' not in profile
    register = (await world.person("x@u.edu.cn").http.get("/register")).text
    assert 'data-for-kinds="student"' in register and 'name="student_number"' in register


async def test_every_page_has_its_own_title(client):
    titles = set()
    for path in ("/", "/login", "/register", "/forgot", "/privacy", "/api-reference"):
        page = (await client.get(path)).text
        titles.add(page.split("<title>")[1].split("</title>")[0])
    assert len(titles) == 6


async def test_people_waiting_for_a_confirmation_are_told_who_gives_it(world, clock):
    uni = await f.university(domains="u.edu.cn")
    _, track_id = await f.contest(clock)
    pending = await world.signup("prof@gmail.com", kind="teacher", university_id=uni)
    assert "等待所在赛区组委会确认" in (await pending.http.get("/me")).text
    assert "由你所在赛区的组委会确认你的教师账号" in (await pending.http.get("/")).text
    await world.signup("wang@u.edu.cn", kind="teacher", university_id=uni, name="王老师")
    leader = await world.signup("lead@u.edu.cn", university_id=uni)
    await leader.submit("/my/team/create", name="等待队", track_id=str(track_id))
    _, page = await leader.submit("/my/team/advisor", email="wang@u.edu.cn")
    assert "王老师 需通过我们发送的邮件链接确认，邀请 7 天内有效" in page.text
