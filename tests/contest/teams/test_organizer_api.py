"""Organizer views through the API: universities import and search, team lists, CSV export, status."""

import csv
import io

from contest.accounts.tables import Role
from tests import factories as f


async def test_university_import_is_all_or_nothing_and_searchable(world, clock):
    organizer = await world.staff("org@contest.cn", Role.ORGANIZER, None)
    bad = "name_zh,province,email_domains\n测试甲大学,北京,a.edu.cn\n测试乙大学,火星,b.edu.cn\n".encode()
    refused = await organizer.call("POST", "/api/v1/universities/import", files={"file": ("u.csv", bad, "text/csv")})
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"line 3": "unknown province: 火星"}
    assert (await organizer.call("GET", "/api/v1/universities", params={"q": "测试甲"})).json() == []
    good = "name_zh,name_en,province,email_domains\n测试甲大学,Test A,北京,a.edu.cn\n测试丙大学,,,\n".encode()
    missing_region = await organizer.call(
        "POST", "/api/v1/universities/import", files={"file": ("u.csv", good, "text/csv")}
    )
    assert missing_region.status_code == 400
    good = "name_zh,name_en,province,email_domains\n测试甲大学,Test A,北京,a.edu.cn\n".encode()
    imported = await organizer.call("POST", "/api/v1/universities/import", files={"file": ("u.csv", good, "text/csv")})
    assert imported.status_code == 201 and imported.json()["created"] == 1
    found = (await organizer.call("GET", "/api/v1/universities", params={"q": "Test A"})).json()
    assert [(u["name_zh"], u["region_code"], u["province"]) for u in found] == [("测试甲大学", "NC", "北京")]
    assert (await organizer.call("GET", "/api/v1/universities", params={"q": "test a"})).json() == found
    assert (await organizer.call("GET", "/api/v1/universities", params={"q": "Test_A"})).json() == []
    student = await world.signup("s@a.edu.cn")
    upload = await student.call("POST", "/api/v1/universities/import", files={"file": ("u.csv", good, "text/csv")})
    assert upload.status_code == 403
    contest_id, _ = await f.contest(clock)
    regional = await world.staff("ec@contest.cn", Role.ORGANIZER, contest_id, region="EC")
    other = "name_zh,province\n测试丁大学,上海\n".encode()
    refused = await regional.call("POST", "/api/v1/universities/import", files={"file": ("u.csv", other, "text/csv")})
    assert refused.status_code == 403 and "national" in refused.json()["message"]
    assert (await organizer.call("GET", "/api/v1/universities", params={"q": "测试丁"})).json() == []


async def test_team_list_filters_counts_and_export(world, clock):
    north = await f.university(province="北京")
    south = await f.university(province="广东")
    contest_id, track_id = await f.contest(clock)
    organizer = await world.staff("org@contest.cn", Role.ORGANIZER, contest_id)
    for email, uni, name in (
        ("a@n.edu.cn", north, "北方队"),
        ("b@s.edu.cn", south, "南方队"),
        ("c@s.edu.cn", south, "岭南队"),
    ):
        leader = await world.signup(email, university_id=uni)
        created = await leader.call(
            "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": name, "track_id": track_id}
        )
        assert created.status_code == 201
    everything = (await organizer.call("GET", f"/api/v1/contests/{contest_id}/teams")).json()
    assert everything["total"] == 3 and everything["by_region"] == {"NC": 1, "SC": 2}
    team_id = next(t["id"] for t in everything["teams"] if t["name"] == "岭南队")
    status = await organizer.call(
        "POST", f"/api/v1/teams/{team_id}/status", json={"disqualify": True, "reason": "代码抄袭"}
    )
    assert status.status_code == 200 and status.json()["status"] == "disqualified"
    active = (
        await organizer.call("GET", f"/api/v1/contests/{contest_id}/teams", params={"status": "active", "q": "南"})
    ).json()
    assert [t["name"] for t in active["teams"]] == ["南方队"]
    export = await organizer.call("GET", f"/api/v1/contests/{contest_id}/teams.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert {r["team"]: r["status"] for r in rows} == {"北方队": "active", "南方队": "active", "岭南队": "disqualified"}
    assert rows[0]["leader_email"] == "a@n.edu.cn"


async def test_export_defuses_spreadsheet_formulas(world, clock):
    uni = await f.university()
    contest_id, track_id = await f.contest(clock)
    organizer = await world.staff("org@contest.cn", Role.ORGANIZER, contest_id)
    leader = await world.signup("a@n.edu.cn", university_id=uni, name="@SUM(A1)")
    name = '=HYPERLINK("http://evil.example","点我")'
    created = await leader.call(
        "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": name, "track_id": track_id}
    )
    assert created.status_code == 201
    export = await organizer.call("GET", f"/api/v1/contests/{contest_id}/teams.csv")
    [row] = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert row["team"] == "'" + name and row["leader"] == "'@SUM(A1)"
    listed = (await organizer.call("GET", f"/api/v1/contests/{contest_id}/teams")).json()
    assert listed["teams"][0]["name"] == name  # only the spreadsheet copy is changed


async def test_regional_organizers_see_their_region_only(world, clock):
    north = await f.university(province="北京")
    south = await f.university(province="广东")
    contest_id, track_id = await f.contest(clock)
    ids = {}
    for email, uni, name in (("a@n.edu.cn", north, "北方队"), ("b@s.edu.cn", south, "南方队")):
        leader = await world.signup(email, university_id=uni)
        created = await leader.call(
            "POST", f"/api/v1/contests/{contest_id}/teams", json={"name": name, "track_id": track_id}
        )
        ids[name] = created.json()["id"]
    regional = await world.staff("sc@contest.cn", Role.ORGANIZER, contest_id, region="SC")
    listed = (await regional.call("GET", f"/api/v1/contests/{contest_id}/teams")).json()
    assert [t["name"] for t in listed["teams"]] == ["南方队"]
    north_team = (await regional.call("GET", f"/api/v1/contests/{contest_id}/teams.csv")).text
    assert "北方队" not in north_team
    assert (await regional.call("GET", f"/api/v1/teams/{ids['北方队']}")).status_code == 403
    assert (await regional.call("GET", f"/api/v1/teams/{ids['南方队']}")).status_code == 200
