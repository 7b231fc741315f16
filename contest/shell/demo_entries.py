"""The demo's rounds and entries: the default three rounds (the preliminary open now), and small
generated files for a few teams sent through the real flow (addresses from the app, bytes straight
to the object store, finalise, verification), some of them failing their checks to show how."""

import logging
from datetime import timedelta

import httpx

from contest.accounts import sessions
from contest.lib.clock import Clock, FixedClock
from contest.lib.principal import SYSTEM, Principal
from contest.lib.runtime import Runtime
from contest.lib.settings import Settings
from contest.rounds import service as rounds
from contest.rounds.schemas import RoundOut, RoundPatch
from contest.shell.store import store_for
from contest.shell.wiring import runtime_for
from contest.submissions import entries, pinning, uploads, verification
from contest.submissions.schemas import TextIn, UploadIn
from contest.teams import queries as teams
from contest.teams.queries import TeamFilter
from storage import ObjectStore, StorageError, samples

log = logging.getLogger(__name__)
TEAMS_WITH_FILES = 8
DOCUMENT = (
    "{team} 设计文档\n\n"
    "一、作品简介：一款帮助同学预约自习座位的小程序。\n"
    "二、需求分析：高峰期座位紧张，线下占座争议多。\n"
    "三、技术实现：云开发，实时座位状态，扫码签到。"
)
# Past the close, its grace and the life of every upload address handed out before it.
PINNED_AFTER = timedelta(days=1)
LAYOUTS: tuple[samples.Layout, ...] = ("plain", "taro", "uniapp", "folder")


async def _schedule(rt: Runtime, contest_id: int) -> list[RoundOut]:
    """The default rounds: the preliminary closed three weeks ago and reviewed, the semi-final opening
    in five days, the on-site final after it (its defence days in its review window)."""
    now = rt.clock.now()
    created = await rounds.add_default_rounds(rt, SYSTEM, contest_id)
    windows = [(-45, -20), (5, 25), (45, 52)]
    for round_, (opens, closes) in zip(created, windows, strict=True):
        await rounds.update_round(
            rt,
            SYSTEM,
            round_.id,
            RoundPatch(
                opens_at=now + timedelta(days=opens),
                closes_at=now + timedelta(days=closes),
                grace_minutes=30,
                review_opens_at=now + timedelta(days=closes + 1),
                review_closes_at=now + timedelta(days=closes + 12),
            ),
        )
    return await rounds.rounds_of(rt, contest_id)


def _files(number: int, team: str) -> dict[str, tuple[bytes, str] | str]:
    """A team's files: good ones, except one kind of fault per team for the first few."""
    layout = LAYOUTS[number % len(LAYOUTS)]
    files: dict[str, tuple[bytes, str] | str] = {
        "design_document": (samples.pdf_bytes(DOCUMENT.format(team="作品").split("\n\n")), "设计文档.pdf"),
        "demo_video": (samples.mp4_bytes(95 + number), "演示视频.mp4"),
        "code_package": (samples.miniprogram_zip(layout, project_name="seat"), "code.zip"),
        "code_image": (
            samples.qr_png(f"https://mp.weixin.qq.com/a/demo{number}") if number % 2 else samples.sun_code_png(),
            "code.png",
        ),
        "appid": f"wx{number:016x}",
    }
    faults: dict[int, tuple[str, tuple[bytes, str]]] = {
        1: ("demo_video", (samples.mp4_bytes(240), "演示视频-4分钟.mp4")),
        2: ("design_document", (samples.pdf_bytes(["内部资料"], user_password="123456"), "设计文档-加密.pdf")),
        3: ("code_package", (samples.miniprogram_zip("plain", project_name="seat")[:400], "code-broken.zip")),
        4: ("design_document", (samples.pdf_bytes(DOCUMENT.format(team=team).split("\n\n")), f"{team}-设计文档.pdf")),
        5: ("code_image", (samples.pdf_bytes(["不是图片"]), "code.png")),
    }
    if number in faults:
        slot, content = faults[number]
        files[slot] = content
    return files


async def _hand_in(
    rt: Runtime, store: ObjectStore, leader: Principal, round_: RoundOut, number: int, team: str
) -> None:
    slots = {s.code: s.id for s in round_.slots}
    async with httpx.AsyncClient(timeout=60) as s3:
        for code, content in _files(number, team).items():
            if isinstance(content, str):
                await uploads.add_text(rt, leader, round_.id, slots[code], TextIn(content))
                continue
            data, name = content
            ticket = await uploads.issue_upload(
                rt, store, leader, round_.id, slots[code], UploadIn(filename=name, size=len(data))
            )
            if ticket.post is None:
                continue  # demo files are small; parts are for the browser
            sent = await s3.post(ticket.post.url, data=ticket.post.fields, files={"file": (name, data)})
            sent.raise_for_status()
            done = await uploads.finalise_upload(rt, store, leader, ticket.upload.id)
            await verification.verify_upload(rt, store, done.id)
    entry = await entries.my_entry(rt, leader, round_.id)
    if entry.can_submit and number != 6:  # one team has chosen its files but forgot to submit
        await entries.submit_entry(rt, leader, round_.id)


async def hand_in_files(
    settings: Settings, rt: Runtime, leader: Principal, round_: RoundOut, number: int, team: str
) -> bool:
    """The `number`-th demo team's files through the real flow; False when no object store runs or it
    failed (the demo works without files too)."""
    if not settings.s3_endpoint:
        return False
    try:
        await _hand_in(rt, store_for(settings), leader, round_, number, team)
    except (StorageError, httpx.HTTPError) as exc:
        log.warning("demo entries not uploaded: %s", exc)
        return False
    return True


async def seed_entries(settings: Settings, clock: Clock, contest_id: int) -> None:
    """The rounds, and entries for the first teams when an object store is running (`contest serve
    --demo`; `contest demo` alone seeds the rounds)."""
    preliminary = (await _schedule(runtime_for(settings, clock), contest_id))[0]
    if not settings.s3_endpoint or preliminary.opens_at is None or preliminary.closes_at is None:
        return
    # Handed in while the preliminary was open, pinned once it had closed (and every upload address
    # handed out before the close had expired).
    rt = runtime_for(settings, FixedClock(preliminary.opens_at + (preliminary.closes_at - preliminary.opens_at) / 2))
    listed = await teams.list_teams(SYSTEM, contest_id, TeamFilter(), per_page=TEAMS_WITH_FILES)
    for number, row in enumerate(listed.teams):
        team = await teams.team_for(rt, SYSTEM, row.id)
        leader = await sessions.principal_for(team.leader_id)
        if leader is not None and not await hand_in_files(settings, rt, leader, preliminary, number, team.name):
            return
    rt = runtime_for(settings, FixedClock(preliminary.closes_at + PINNED_AFTER))
    try:
        await pinning.pin_due_entries(rt, store_for(settings))
    except (StorageError, httpx.HTTPError) as exc:
        log.warning("demo entries not pinned: %s", exc)
