"""The workbook guard: hostile XLSX files generated here are refused before openpyxl sees them, in
one linear pass; ordinary workbooks pass and then parse under run_bounded."""

import io
import random
import re
import zipfile

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.checks import FileRefused
from storage.sandbox import run_bounded
from storage.xlsx_guard import DEFAULT_LIMITS, XlsxLimits, _XmlScan, guard_xlsx, guard_xlsx_bytes

MIB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


def workbook(rows: int = 50) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["名称", "英文名", "省份", "邮箱域名"])
    for row in range(1, rows):
        sheet.write_row(row, 0, [f"大学{row}", f"University {row}", "浙江", f"u{row}.edu.cn"])
    book.close()
    return buffer.getvalue()


def rewritten(content: bytes, edit=None, add: dict[str, bytes] | None = None) -> bytes:
    """The workbook with its sheet XML passed through `edit` and entries added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == SHEET and edit is not None:
                data = edit(data)
            out.writestr(info.filename, data)
        for name, data in (add or {}).items():
            out.writestr(name, data)
    return buffer.getvalue()


def refusal(content: bytes, limits: XlsxLimits = DEFAULT_LIMITS) -> tuple[str, dict]:
    with pytest.raises(FileRefused) as refused:
        guard_xlsx_bytes(content, limits)
    return refused.value.problem.id, refused.value.problem.params


def read_rows(content: bytes) -> list[tuple]:
    """What an import does, in the child: guard first, then openpyxl."""
    guard_xlsx_bytes(content)
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_an_ordinary_workbook_passes_with_its_extent():
    facts = guard_xlsx(io.BytesIO(workbook(300)))
    assert (facts.max_row, facts.max_col) == (300, 4)
    assert facts.entry_count >= 5 and facts.uncompressed_size > 0


def test_workbooks_from_openpyxl_and_with_a_whole_sheet_selection_pass():
    book = openpyxl.Workbook()
    book.active.append(["名称", "省份"])
    book.active.append(["清华大学", "北京"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert guard_xlsx_bytes(buffer.getvalue()).max_row == 2
    selected = rewritten(
        workbook(),
        lambda xml: xml.replace(
            b'<sheetView tabSelected="1" workbookViewId="0"/>',
            b'<sheetView tabSelected="1" workbookViewId="0"><selection activeCell="A1" sqref="A1:XFD1048576"/>'
            b"</sheetView>",
        ),
    )
    assert b"sqref" in zipfile.ZipFile(io.BytesIO(selected)).read(SHEET)
    assert guard_xlsx_bytes(selected).max_row == 50  # a selection allocates nothing in openpyxl


async def test_a_guarded_workbook_then_parses_under_run_bounded():
    rows = await run_bounded(read_rows, workbook(20), timeout_s=30, memory_mb=512)
    assert rows[0] == ("名称", "英文名", "省份", "邮箱域名") and len(rows) == 20


async def test_a_refusal_in_the_child_reaches_the_caller():
    hostile = rewritten(
        workbook(), lambda xml: xml.replace(b'<dimension ref="A1:D50"/>', b'<dimension ref="A1:XFD1048576"/>')
    )
    with pytest.raises(FileRefused) as refused:
        await run_bounded(read_rows, hostile, timeout_s=30, memory_mb=512)
    assert refused.value.problem.id == "xlsx_sheet_too_large"


def with_comment(body: bytes) -> bytes:
    return rewritten(workbook(), lambda xml: xml.replace(b"<sheetData>", b"<sheetData><!--" + body + b"-->"))


def test_one_long_comment_is_refused():
    # The incident's file: a few kilobytes that would keep expat busy for minutes. Its ratio gives it away.
    tiny = with_comment(b"x" * (32 * MIB))
    assert len(tiny) < 200_000
    assert refusal(tiny)[0] == "zip_entry_ratio"
    # Under the ratio floor, or incompressible, the comment's length itself refuses it.
    assert refusal(with_comment(b"x" * 900_000)) == ("xlsx_token_too_long", {"part": SHEET, "max_kb": 256})
    assert refusal(with_comment(random.randbytes(2 * MIB).hex().encode()))[0] == "xlsx_token_too_long"


def test_one_long_text_node_is_refused():
    text = random.randbytes(MIB).hex().encode()
    hostile = rewritten(workbook(), add={"xl/sharedStrings2.xml": b"<sst><si><t>" + text + b"</t></si></sst>"})
    assert refusal(hostile)[0] == "xlsx_token_too_long"


def test_a_huge_declared_dimension_is_refused():
    hostile = rewritten(
        workbook(), lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    )
    assert len(hostile) < 10_000
    assert refusal(hostile) == (
        "xlsx_sheet_too_large",
        {"part": SHEET, "rows": 1_048_576, "cols": 16_384, "max_rows": 100_000, "max_cols": 256},
    )


@pytest.mark.parametrize(
    "element",
    [
        b'<c r="XFD1048576"><v>1</v></c>',
        b'<c s="0" r="A2000000"><v>1</v></c>',
        b"<c foo=\"r='A1\" r='IV1'><v>1</v></c>",  # a decoy inside another attribute's value
    ],
)
def test_a_cell_far_away_is_refused(element):
    hostile = rewritten(
        workbook(), lambda xml: xml.replace(b"</row></sheetData>", b"</row><row>" + element + b"</row></sheetData>")
    )
    assert refusal(hostile, XlsxLimits(max_cols=200))[0] == "xlsx_sheet_too_large"


def test_a_merged_range_over_a_million_rows_is_refused():
    merge = b'<mergeCells count="1"><mergeCell ref="A1:B1048576"/></mergeCells>'
    hostile = rewritten(workbook(), lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + merge))
    assert refusal(hostile)[0] == "xlsx_sheet_too_large"


def test_billion_laughs_is_refused():
    entities = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))) for i in range(1, 10)
    )
    doctype = b'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">' + entities + b"]>"
    hostile = rewritten(workbook(), lambda xml: xml.replace(b"?>\n", b"?>\n" + doctype, 1))
    assert refusal(hostile) == ("xlsx_declaration", {"part": SHEET})


def test_utf16_xml_is_refused():
    hostile = rewritten(workbook(), lambda xml: xml.decode().replace("UTF-8", "UTF-16").encode("utf-16"))
    assert refusal(hostile) == ("xlsx_encoding", {"part": SHEET})


def test_a_zip_bomb_is_refused_by_its_ratio_or_its_size():
    assert refusal(rewritten(workbook(), add={"xl/media/image1.png": bytes(32 * MIB)}))[0] == "zip_entry_ratio"
    assert refusal(rewritten(workbook(), add={"xl/media/image1.png": bytes(80 * MIB)}))[0] == "zip_declared_too_large"


def test_too_many_entries_are_refused():
    hostile = rewritten(workbook(), add={f"xl/media/{i}.bin": b"" for i in range(1200)})
    assert refusal(hostile)[0] == "zip_too_many_entries"


def test_other_files_are_not_workbooks():
    assert refusal("名称,省份\n清华大学,北京\n".encode())[0] == "xlsx_not_workbook"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as out:
        out.writestr("readme.txt", "hello")
    assert refusal(plain_zip.getvalue())[0] == "xlsx_not_workbook"


def test_markup_inside_a_comment_is_only_comment():
    harmless = rewritten(
        workbook(), lambda xml: xml.replace(b"<sheetData>", b"<sheetData><!-- <!DOCTYPE x> <c r='ZZZ9999999'> -->")
    )
    assert guard_xlsx_bytes(harmless).max_row == 50


class _Info:
    filename = SHEET


def scanned(chunks: list[bytes], limits: XlsxLimits) -> tuple[str | None, int, int]:
    scan = _XmlScan(_Info(), limits)  # type: ignore[arg-type]
    try:
        for chunk in chunks:
            scan.feed(chunk)
        scan.feed(b"", final=True)
    except FileRefused as refused:
        return refused.problem.id, 0, 0
    return None, scan.max_row, scan.max_col


@settings(max_examples=60, deadline=None)
@given(
    cuts=st.lists(st.integers(0, 4000), max_size=12),
    hostile=st.sampled_from(
        [b"", b"<!--" + b"z" * 3000 + b"-->", b"<!DOCTYPE x>", b'<c r="AB7000"/>', b"<![CDATA[" + b"q" * 100 + b"]]>"]
    ),
)
def test_the_verdict_does_not_depend_on_where_chunks_end(cuts, hostile):
    with zipfile.ZipFile(io.BytesIO(workbook(40))) as book:
        xml = book.read(SHEET).replace(b"<sheetData>", b"<sheetData>" + hostile)
    limits = XlsxLimits(max_token_bytes=2048, max_rows=5000)
    points = sorted({min(cut, len(xml)) for cut in cuts})
    chunks = [xml[a:b] for a, b in zip([0, *points], [*points, len(xml)], strict=True)]
    assert scanned(chunks, limits) == scanned([xml], limits)
