import io

import pytest
from openpyxl import Workbook

from contest.regions.importer import parse_universities
from storage.checks.messages import FileRefused


def test_csv_with_chinese_headers_and_row_errors():
    content = (
        "名称,英文名,省份,赛区,邮箱域名\n"
        "清华大学,Tsinghua University,北京,,tsinghua.edu.cn mails.tsinghua.edu.cn\n"
        ",No Name,北京,,\n"
        "新加坡国立大学,NUS,,海外,nus.edu.sg\n"
        "清华大学,dup,北京,,\n"
        "坏域名大学,,上海,,not a domain\n"
        "无省份大学,,,,\n"
    ).encode()
    parsed = parse_universities(content, "list.csv")
    assert [r.name_zh for r in parsed.rows] == ["清华大学", "新加坡国立大学"]
    assert parsed.rows[0].email_domains == "tsinghua.edu.cn mails.tsinghua.edu.cn"
    assert [(e.line, e.message.split()[0]) for e in parsed.errors] == [(3, "the"), (5, "this"), (6, "not"), (7, "give")]


def test_gbk_csv_from_excel_is_read():
    parsed = parse_universities("name_zh,province\n南京大学,江苏\n".encode("gb18030"), "x.csv")
    assert parsed.rows[0].name_zh == "南京大学" and parsed.rows[0].province == "江苏"


def test_xlsx():
    book = Workbook()
    sheet = book.active
    sheet.append(["name_zh", "name_en", "province", "email_domains"])
    sheet.append(["浙江大学", "Zhejiang University", "浙江", "zju.edu.cn"])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse_universities(buffer.getvalue(), "u.xlsx")
    assert [(r.name_zh, r.email_domains) for r in parsed.rows] == [("浙江大学", "zju.edu.cn")]


@pytest.mark.parametrize(("content", "name"), [(b"", "a.csv"), (b"foo,bar\n1,2\n", "a.csv"), (b"not xlsx", "a.xlsx")])
def test_unreadable_files_are_refused(content, name):
    with pytest.raises((ValueError, FileRefused)):
        parse_universities(content, name)
