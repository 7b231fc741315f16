"""The assignment through the running app: judges imported from a CSV file, a run solved by the real
worker, the draft previewed and adjusted, publication, and the judge's blind view of their entries."""

from contest.accounts.tables import User
from contest.lib.principal import SYSTEM, Role
from contest.rounds import service as rounds
from contest.teams import roster
from contest.teams.schemas import TeamIn
from tests import factories as f


async def contest_with_teams(clock):
    contest_id, track_id = await f.contest(clock)
    rt = f.runtime(clock)
    first = (await rounds.add_default_rounds(rt, SYSTEM, contest_id))[0]
    universities = [await f.university(name=f"参赛大学{n}", province="上海") for n in range(3)]
    teams = []
    for n in range(4):
        leader = await f.principal(await f.user(clock, university_id=universities[n % 3]))
        teams.append((await roster.create_team(rt, leader, contest_id, TeamIn(f"星火{n}队", track_id))).id)
    return contest_id, first.id, universities, teams


JUDGES_CSV = (
    "姓名,邮箱,学校,赛区,专长,赛道,最多评审数\n"
    "王评委,wang@judges.example.org,参赛大学0,EC,AI；教育,app,4\n"
    "李评委,li@judges.example.org,评委大学甲,华东,game,,4\n"
    "张评委,zhang@judges.example.org,评委大学乙,EC,,app,4\n"
    "赵评委,zhao@judges.example.org,评委大学丙,华东,,,4\n"
)


async def test_judges_are_imported_assigned_by_the_worker_and_see_codes_only(world, clock):
    contest_id, round_id, _, teams = await contest_with_teams(clock)
    for name in ("评委大学甲", "评委大学乙", "评委大学丙"):
        await f.university(name=name, province="江苏")
    organizer = await world.staff("org@contest.example.org", Role.ORGANIZER, contest_id)

    bad = JUDGES_CSV.replace("评委大学乙", "不存在大学").replace("zhao@judges.example.org", "not-an-address")
    refused = await organizer.call(
        "POST", f"/api/v1/contests/{contest_id}/judges/import", files={"file": ("judges.csv", bad.encode(), "text/csv")}
    )
    assert refused.status_code == 400
    body = refused.json()
    assert set(body["fields"]) == {"line 4", "line 5"} and "nothing was imported" in body["message"]
    assert (await organizer.call("GET", f"/api/v1/contests/{contest_id}/judges")).json() == []

    imported = await organizer.call(
        "POST",
        f"/api/v1/contests/{contest_id}/judges/import",
        files={"file": ("judges.csv", JUDGES_CSV.encode(), "text/csv")},
    )
    assert imported.status_code == 201, imported.text
    assert imported.json()["created"] == 4 and [r["line"] for r in imported.json()["rows"]] == [2, 3, 4, 5]
    judges = {j["email"]: j for j in (await organizer.call("GET", f"/api/v1/contests/{contest_id}/judges")).json()}
    assert judges["wang@judges.example.org"]["expertise"] == ["ai", "教育"]
    assert judges["wang@judges.example.org"]["track_codes"] == ["app"]
    assert judges["li@judges.example.org"]["region_code"] == "EC"

    started = await organizer.call("POST", f"/api/v1/rounds/{round_id}/assignment/runs", json={})
    assert started.status_code == 201 and started.json()["status"] == "queued"
    await world.deliver_mail()  # relays the outbox: the worker runs the job (and mails the invitations)
    run = (await organizer.call("GET", f"/api/v1/assignment-runs/{started.json()['id']}")).json()
    assert run["status"] == "draft" and run["progress"] == 100 and run["figures"]["reviews"] == 12
    draft = (await organizer.call("GET", f"/api/v1/assignment-runs/{run['id']}/draft")).json()
    assert draft["total"] == 4 and all(len(e["judges"]) == 3 for e in draft["entries"])

    # Pinning 王 (of 参赛大学0) on a team of 参赛大学0 is refused with the reason, in words.
    wang = judges["wang@judges.example.org"]["user_id"]
    pinned = await organizer.call(
        "POST", f"/api/v1/assignment-runs/{run['id']}/pins", json={"team_id": teams[0], "judge_id": wang}
    )
    assert pinned.status_code == 409
    assert any("星火0队" in str(v) and "own university" in str(v) for v in pinned.json()["fields"].values())

    published = await organizer.call("POST", f"/api/v1/assignment-runs/{run['id']}/publish")
    assert published.status_code == 200 and published.json()["added"] == 12

    await User.update({User.password_hash: f.CHEAP_HASHER.hash(f.PASSWORD)}).where(
        User.email == "li@judges.example.org"
    )
    judge = world.person("li@judges.example.org")
    assert (await judge.login()).status_code == 200
    mine = (await judge.call("GET", f"/api/v1/contests/{contest_id}/my/assignments")).json()
    [shown] = mine["rounds"]
    assert shown["blind"] and len(shown["entries"]) == 3
    assert all(e["team"] is None and e["university"] is None and len(e["code"]) == 6 for e in shown["entries"])
    assert mine["notices"][0]["params"]["count"] == 3
    # Judges do not reach the organizers' side.
    assert (await judge.call("GET", f"/api/v1/rounds/{round_id}/assignment/runs")).status_code == 403
