"""Results through the API: computed by the worker, published, read by the public; exports opened
and checked; an appeal with an attachment; the live board reaching a viewer of another app process."""

import asyncio
import csv
import io

import msgspec
import openpyxl

from contest.shell.app import create_app
from judging.results import live
from judging.results.schemas import LiveBoardOut
from tests import factories as f
from tests.conftest import running
from tests.judging import scoring

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def signed_in(world, principal):
    person = world.person(await f.email_of(principal.user_id))
    assert (await person.login()).status_code == 200
    return person


async def scored(world, teams=4, judges=2, round_index=0):
    s = await scoring.scene(world.clock, teams=teams, judges=judges, round_index=round_index)
    for index, team in enumerate(s.teams):
        for person in s.judges:
            await scoring.score(world.clock, s, person, team, scoring.scaled(0.9 - 0.1 * index))
    return s


async def test_organizers_compute_publish_and_export_what_the_public_then_sees(world):
    s = await scored(world)
    organizer = await signed_in(world, s.organizer)
    public = world.person("anyone@example.com")
    assert (await public.call("GET", f"/api/v1/rounds/{s.round.id}/results/public")).json()["views"] == []

    queued = await organizer.call("POST", f"/api/v1/rounds/{s.round.id}/results/runs")
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    await world.deliver_mail()  # relays the outbox and runs the worker
    run_id = queued.json()["id"]
    found = (await organizer.call("GET", f"/api/v1/results/runs/{run_id}")).json()
    assert found["run"]["status"] == "ready"
    assert [t["rank"] for t in found["snapshot"]["teams"]] == [1, 2, 3, 4]

    published = await organizer.call("POST", f"/api/v1/results/runs/{run_id}/publish", json={})
    assert published.status_code == 200 and published.json()["status"] == "published"
    shown = (await public.call("GET", f"/api/v1/rounds/{s.round.id}/results/public")).json()
    national = shown["views"][0]
    assert national["key"] == "national" and [r["team"] for r in national["rows"]] == [
        "队伍1",
        "队伍2",
        "队伍3",
        "队伍4",
    ]
    page = await public.http.get(f"/results/rounds/{s.round.id}")
    assert page.status_code == 200 and "队伍1" in page.text

    exported = await organizer.call("GET", f"/api/v1/results/runs/{run_id}/export.csv?view=national")
    assert exported.status_code == 200 and exported.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["排名", "队伍", "学校"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("1", "队伍1"), ("2", "队伍2"), ("3", "队伍3"), ("4", "队伍4")]
    workbook = openpyxl.load_workbook(
        io.BytesIO((await organizer.call("GET", f"/api/v1/results/runs/{run_id}/export.xlsx")).content)
    )
    assert workbook.sheetnames[0] == "全国" and "获奖名单" in workbook.sheetnames
    sheet = workbook["全国"]
    assert [c.value for c in sheet[1]][:2] == ["排名", "队伍"]
    assert [(row[0], row[1]) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        (1, "队伍1"),
        (2, "队伍2"),
        (3, "队伍3"),
        (4, "队伍4"),
    ]
    assert len(workbook.sheetnames) == 1 + 3 + 1 + 1  # national, three regions, one track, awards


async def test_a_team_appeals_with_an_attachment_during_the_notice_period(world):
    s = await scored(world, teams=3, judges=1)
    organizer = await signed_in(world, s.organizer)
    run = (await organizer.call("POST", f"/api/v1/rounds/{s.round.id}/results/runs")).json()
    await world.deliver_mail()
    await organizer.call("POST", f"/api/v1/results/runs/{run['id']}/publish", json={})
    member = await signed_in(world, await scoring.leader(s.teams[2]))

    mine = (await member.call("GET", f"/api/v1/rounds/{s.round.id}/results/mine")).json()
    assert mine["can_appeal"] and mine["standing"]["team"] == "队伍3"
    refused = await member.call(
        "POST",
        f"/api/v1/rounds/{s.round.id}/results/appeals",
        data={"reason": "附件格式不对"},
        files={"attachment": ("evil.html", b"<script>alert(1)</script>", "text/html")},
    )
    assert refused.status_code == 400 and "attachment" in refused.json()["fields"]
    filed = await member.call(
        "POST",
        f"/api/v1/rounds/{s.round.id}/results/appeals",
        data={"reason": "评分有误，请复核技术实现一项"},
        files={"attachment": ("复核说明.pdf", PDF, "application/pdf")},
    )
    assert filed.status_code == 201, filed.text
    appeal = filed.json()
    assert appeal["attachment_name"] == "复核说明.pdf" and appeal["status"] == "open"
    link = await member.call("GET", f"/api/v1/appeals/{appeal['id']}/attachment")
    assert link.status_code == 200 and "appeal-" in link.json()["url"]
    listed = (await organizer.call("GET", f"/api/v1/rounds/{s.round.id}/results/appeals")).json()
    assert [a["id"] for a in listed] == [appeal["id"]]
    answered = await organizer.call(
        "POST", f"/api/v1/appeals/{appeal['id']}/answer", json={"decision": "dismissed", "answer": "复核后维持原结果"}
    )
    assert answered.json()["status"] == "dismissed"


async def test_a_submitted_sheet_reaches_a_viewer_of_another_app_process(world, app_settings):
    s = await scoring.scene(world.clock, teams=2, judges=2, round_index=2)  # the on-site final
    other = create_app(app_settings, clock=world.clock)
    async with running(other):
        rt = other.state.runtime
        stream = live.stream(rt, None, s.round.id)
        first = msgspec.json.decode((await anext(stream)).data, type=LiveBoardOut)
        assert [row.sheets for row in first.rows] == [0, 0]

        judge = await signed_in(world, s.judges[0])  # scores through the first app
        code = s.codes[s.teams[1]]
        base = f"/api/v1/judging/rounds/{s.round.id}/entries/{code}/sheet"
        saved = await judge.call("POST", f"{base}/submit", json={"scores": scoring.ALL_TENS, "version": 0})
        assert saved.status_code == 200, saved.text

        update = await asyncio.wait_for(anext(stream), timeout=10)  # a hang guard, not a timing check
        board = msgspec.json.decode(update.data, type=LiveBoardOut)
        assert board.version > first.version
        assert [(row.team, row.score, row.sheets) for row in board.rows] == [("队伍2", 78.0, 1), ("队伍1", None, 0)]
        await stream.aclose()


async def test_organizers_preview_a_sheets_file_and_a_malformed_one_is_refused(world):
    s = await scoring.scene(world.clock, teams=1, judges=1)
    organizer = await signed_in(world, s.organizer)
    sheets = b'{"criteria": [{"id": "idea", "weight": 1, "max": 10}], "sheets": [{"entry": "A", "judge": "j", "scores": {"idea": 7}}]}'
    ranked = await organizer.call(
        "POST", "/api/v1/ranking/preview", files={"file": ("sheets.json", sheets, "application/json")}
    )
    assert ranked.status_code == 200 and ranked.json()["entries"][0]["rank"] == 1
    organizer.http.cookies.set("lang", "zh-CN")
    broken = await organizer.call(
        "POST", "/api/v1/ranking/preview", files={"file": ("sheets.json", b'{"criteria": 3}', "application/json")}
    )
    assert broken.status_code == 400 and broken.json()["message"].startswith("评分表输入无效")
