"""The demo's second contest, open now: its registration runs and its one round takes entries, so a
visitor to `make run` can sign up, form a team and hand in files (the main demo contest stands after
its preliminary, with registration closed). A few teams have formed; two handed in their entries
through the real upload flow."""

from datetime import timedelta

from contest.accounts import staff as staff_service
from contest.accounts.tables import AccountKind
from contest.contests import service as contests
from contest.contests.schemas import ContestIn, ContestOut
from contest.lib.clock import Clock, FixedClock
from contest.lib.principal import SYSTEM, Role
from contest.lib.settings import Settings
from contest.rounds import service as rounds
from contest.rounds.schemas import RoundIn
from contest.shell.demo_entries import hand_in_files
from contest.shell.demo_people import People
from contest.shell.wiring import runtime_for
from contest.teams import roster
from contest.teams.schemas import JoinCodeIn, TeamIn

OPEN_SLUG = "mp2027-challenge"
OPEN_TEAMS = 6
TEAMS_HANDED_IN = 2
# The open contest began a week ago; registration and entries run for another month.
BEGAN = timedelta(days=7)
ANNOUNCEMENT_ZH = (
    "报名进行中：注册并组队后，即可在“我的作品”中上传设计文档、演示视频、代码包、小程序码和 AppID；"
    "截止前可反复上传，选定版本后提交即可。"
)
ANNOUNCEMENT_EN = (
    "Registration is open: sign up, form a team, then hand in your design document, demo video, code "
    "package, mini-program code and AppID under My entry. Upload as often as you like before the "
    "deadline; choose your versions and submit."
)


async def create_open_contest(settings: Settings, clock: Clock, organizer_id: int) -> ContestOut:
    """The open contest and its round, organized by the demo's national organizer. Created before the
    main demo contest, so the portal shows that one first (the newest) and this one a switch away."""
    now = clock.now()
    rt = runtime_for(settings, FixedClock(now - BEGAN))
    contest = await contests.create_contest(
        rt,
        SYSTEM,
        ContestIn(
            slug=OPEN_SLUG,
            name_zh="2027年高校小程序创新挑战赛",
            name_en="2027 University Mini-Program Innovation Challenge",
            registration_opens_at=now - BEGAN,
            registration_deadline=now + timedelta(days=30),
            announcement_zh=ANNOUNCEMENT_ZH,
            announcement_en=ANNOUNCEMENT_EN,
        ),
    )
    await staff_service.grant(clock, user_id=organizer_id, role=Role.ORGANIZER, contest_id=contest.id)
    await rounds.create_round(
        rt,
        SYSTEM,
        contest.id,
        RoundIn(
            name_zh="作品提交",
            name_en="Entries",
            opens_at=now - BEGAN,
            closes_at=now + timedelta(days=35),
            grace_minutes=30,
            review_opens_at=now + timedelta(days=36),
            review_closes_at=now + timedelta(days=50),
            all_teams=True,
        ),
    )
    return contest


async def seed_open_teams(settings: Settings, clock: Clock, contest: ContestOut, people: People) -> None:
    """A few teams of new students; the first ones handed in their entries yesterday."""
    rt = runtime_for(settings, FixedClock(clock.now() - timedelta(days=3)))
    tracks = [t.id for t in contest.tracks]
    leaders = []
    for number in range(OPEN_TEAMS):
        leader = await people.principal(AccountKind.STUDENT, number * 5)
        team = await roster.create_team(
            rt, leader, contest.id, TeamIn(people.team_name(number + 1), tracks[number % len(tracks)])
        )
        if number % 2 == 0:
            code = (await roster.set_join_code(rt, leader, team.id)).code or ""
            member = await people.principal(AccountKind.STUDENT, number * 5)
            await roster.join_by_code(rt, member, contest.id, JoinCodeIn(code))
        leaders.append((leader, team.name))
    round_ = (await rounds.rounds_of(rt, contest.id))[0]
    yesterday = runtime_for(settings, FixedClock(clock.now() - timedelta(days=1)))
    for number, (leader, name) in enumerate(leaders[:TEAMS_HANDED_IN]):
        await hand_in_files(settings, yesterday, leader, round_, number * 7, name)
