"""Reading a judge list: Chinese or English headers, list cells, and a reason for every refused row."""

import io

import pytest
from openpyxl import Workbook

from contest.lib.spreadsheets import UnreadableFile
from judging.judges.importer import parse_judges


def test_rows_are_read_with_lists_and_loads():
    text = "name,email,university,region,tags,tracks,min_load,max_load\n王一,Wang@Example.org,浙江大学,EC,AI; 教育、游戏,app game,2,10\n"
    parsed = parse_judges(text.encode(), "judges.csv")
    assert parsed.problems == []
    [row] = parsed.rows
    assert (row.email, row.university, row.region, row.min_load, row.max_load) == (
        "wang@example.org",
        "浙江大学",
        "EC",
        2,
        10,
    )
    assert row.tags == ["ai", "教育", "游戏"] and row.tracks == ["app", "game"]


def test_every_bad_row_gets_a_reason():
    text = (
        "姓名,邮箱,最少评审数,最多评审数\n"
        "甲,,1,2\n"
        "乙,not-an-address,,\n"
        "丙,c@example.org,x,\n"
        "丁,d@example.org,5,3\n"
        "戊,e@example.org,,\n"
        ",,,\n"
        "己,E@example.org,,\n"
    )
    parsed = parse_judges(text.encode("gb18030"), "judges.csv")  # Excel's CSV on Chinese Windows
    assert [(p.line, p.text) for p in parsed.problems] == [
        (2, "the e-mail address is missing"),
        (3, "not an e-mail address: {email}"),
        (4, "a load must be a whole number from 0 to {max}: {value}"),
        (5, "the minimum load {min} is above the maximum {max}"),
        (8, "this address is also on line {line}"),
    ]
    assert [(r.line, r.name) for r in parsed.rows] == [(6, "戊")]


def test_a_workbook_is_read_like_a_csv_file():
    book = Workbook()
    sheet = book.active
    sheet.append(["email", "name", "max_load"])
    sheet.append(["x@example.org", "评委", 7])
    buffer = io.BytesIO()
    book.save(buffer)
    [row] = parse_judges(buffer.getvalue(), "judges.xlsx").rows
    assert (row.email, row.name, row.max_load) == ("x@example.org", "评委", 7)


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"", "j.csv", "the file is empty"),
        (b"name,university\nx,y\n", "j.csv", "an email"),
        (b"PK\x03\x04 broken", "j.xlsx", ""),
        (b"email\n" + b"a@b.org\n" * 20, "j.csv", "at most"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(content, name, reason):
    with pytest.raises(Exception) as refused:
        parse_judges(content, name, max_rows=10)
    assert reason in str(refused.value.args[0] if isinstance(refused.value, UnreadableFile) else refused.value)
