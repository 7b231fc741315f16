"""Uploaded lists read into rows (the university and judge imports share this)."""

import pytest

from contest.lib.spreadsheets import UnreadableFile, columns, table


def test_a_gbk_csv_reads_as_rows_and_titles_name_columns():
    rows = table("名称,省份\n浙江大学,浙江\n".encode("gb18030"), "list.csv", max_rows=10, max_columns=8)
    assert rows == [["名称", "省份"], ["浙江大学", "浙江"]]
    assert columns(rows[0], {"name": ("name", "名称"), "province": ("省份",)}) == {"name": 0, "province": 1}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"a\x00b\n", "NUL"),
        ("名称\n" + "长" * 40 + "\n", "longer than 32 characters"),
        (b"\xff\xfe\xfd\xfc" * 3, "UTF-8 or GBK"),
    ],
)
def test_a_list_that_cannot_be_read_says_why(content, reason):
    data = content.encode() if isinstance(content, str) else content
    with pytest.raises(UnreadableFile) as refused:
        table(data, "list.csv", max_rows=10, max_columns=8, max_cell_chars=32)
    assert reason in str(refused.value)


def test_reading_stops_one_row_past_the_limit():
    content = "\n".join(f"row{i}" for i in range(1000)).encode()
    assert len(table(content, "list.csv", max_rows=5, max_columns=8)) == 7  # header, 5 rows, one more
