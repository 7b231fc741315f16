"""Exports: CSV per view and one workbook with a sheet per view, Chinese intact, formulas defused."""

import csv
import io

import openpyxl

from contest.lib.schemas import Name
from judging.results.exports import award_view, defused, to_csv, to_xlsx
from judging.results.schemas import Snapshot, TeamStanding
from judging.results.service import views


def standing(team_id: int, name: str, rank: int, region: str, award: str | None) -> TeamStanding:
    return TeamStanding(
        team_id=team_id,
        team=name,
        university=Name("浙江大学", "Zhejiang University"),
        region=region,
        region_name=Name({"EC": "华东", "NC": "华北"}[region], {"EC": "East China", "NC": "North China"}[region]),
        track=Name("小程序应用", "Application"),
        status="submitted",
        score=90.0 - rank,
        rank=rank,
        region_rank=1 if team_id < 3 else 2,
        track_rank=rank,
        sheets=3,
        advanced=rank < 3,
        award=award,
    )


SNAPSHOT = Snapshot(
    method="mean",
    total_max=100,
    flag_threshold=0.2,
    teams=[
        standing(1, "星火队", 1, "EC", "一等奖"),
        standing(2, '=HYPERLINK("http://x","点我")', 2, "NC", "二等奖"),
        standing(3, "-1+2", 3, "EC", None),
    ],
    judges=[],
    tier_names=["一等奖", "二等奖"],
)


def test_formula_like_text_is_defused():
    assert [defused(v) for v in ("=1+1", "+x", "-1", "@a", "\tx", "正常", 5, -3)] == [
        "'=1+1",
        "'+x",
        "'-1",
        "'@a",
        "'\tx",
        "正常",
        5,
        -3,
    ]


def test_a_csv_view_keeps_chinese_and_ranks_in_the_view():
    [national, east, _north, _track] = views(SNAPSHOT)
    rows = list(csv.reader(io.StringIO(to_csv(east, "zh-CN").decode("utf-8-sig"))))
    assert rows[0] == ["排名", "队伍", "学校", "赛区", "赛道", "得分", "全国排名", "评分表数", "晋级", "奖项"]
    assert [(r[0], r[1], r[3], r[8], r[9]) for r in rows[1:]] == [
        ("1", "星火队", "华东", "是", "一等奖"),
        ("2", "'-1+2", "华东", "否", ""),
    ]
    english = list(csv.reader(io.StringIO(to_csv(national, "en").decode("utf-8-sig"))))
    assert (
        english[0][0] == "Rank"
        and english[2][1] == '\'=HYPERLINK("http://x","点我")'
        and english[1][2] == "Zhejiang University"
    )


def test_the_workbook_has_a_sheet_per_view_and_formulas_stay_text():
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx([*views(SNAPSHOT), award_view(SNAPSHOT)], "zh-CN")))
    assert workbook.sheetnames == ["全国", "华东", "华北", "小程序应用", "获奖名单"]
    national = [row for row in workbook["全国"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1]) for r in national] == [(1, "星火队"), (2, '=HYPERLINK("http://x","点我")'), (3, "-1+2")]
    cell = workbook["全国"]["B3"]
    assert cell.data_type == "s" and cell.quotePrefix
    awards = [(r[1], r[9]) for r in workbook["获奖名单"].iter_rows(min_row=2, values_only=True)]
    assert awards == [("星火队", "一等奖"), ('=HYPERLINK("http://x","点我")', "二等奖")]
