"""The university import is an untrusted file's parse: hostile workbooks and CSV files are refused
early with a message, and every parse runs off the event loop with bounded time and memory, so other
people's requests keep being answered meanwhile."""

import asyncio
import contextlib
import io
import re
import zipfile
from collections.abc import AsyncIterator

import pytest
import xlsxwriter

from contest.lib.principal import Role
from contest.regions import importer
from contest.shell.app import create_app
from tests.conftest import replace, running
from tests.contest.regions.runaway import hoard, spin
from tests.world import World

MIB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
IMPORT = "/api/v1/universities/import"


# --- Files made here ------------------------------------------------------------------------------


def workbook() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["名称", "英文名", "省份"])
    sheet.write_row(1, 0, ["浙江大学", "Zhejiang University", "浙江"])
    book.close()
    return buffer.getvalue()


def rewritten(edit) -> bytes:
    """The workbook with its sheet's XML passed through `edit`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook())) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info.filename, edit(data) if info.filename == SHEET else data)
    return buffer.getvalue()


def long_comment(size: int) -> bytes:
    """The probe's file: one XML comment in the sheet, which expat rescans on every chunk it is fed."""
    return rewritten(lambda xml: xml.replace(b"<sheetData>", b"<sheetData><!--" + b"x" * size + b"-->"))


def huge_dimension() -> bytes:
    """The probe's 1.5 KB file that grew the process by 2 GB: a sheet declaring every Excel cell."""
    return rewritten(lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml))


def billion_laughs() -> bytes:
    entities = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))) for i in range(1, 10)
    )
    doctype = b'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">' + entities + b"]>"
    return rewritten(lambda xml: xml.replace(b"?>\n", b"?>\n" + doctype, 1))


# --------------------------------------------------------------------------------------------------


@pytest.fixture
async def organizer(world):
    return await world.staff("import@contest.cn", Role.ORGANIZER, None)


async def refused(organizer, name: str, content: bytes) -> str:
    response = await organizer.call("POST", IMPORT, files={"file": (name, content)})
    assert response.status_code == 400, response.text[:300]
    body = response.json()
    assert body["message"] == "The file cannot be read." and body["fields"]["file"]
    return body["fields"]["file"]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("list.xlsx", long_comment(900_000), "single comment, text or tag longer than 256 KB"),
        ("list.xlsx", long_comment(32 * MIB), "grows"),  # a 17 KB file: its ratio gives it away
        ("list.xlsx", huge_dimension(), "reaches row 1048576 and column 16384"),
        ("list.xlsx", billion_laughs(), "entity declaration"),
        ("list.xlsx", workbook(), None),
        ("list.xlsx", b"PK\x03\x04 not really a zip", "cannot be opened as a ZIP archive"),
        ("list.csv", b"name_zh,province\n" + b"x" * 200_000 + b",\xe6\xb5\x99\xe6\xb1\x9f\n", "line 2 holds a cell"),
        ("list.csv", b'name_zh,province\n"' + b"x" * 200_000, "line 2"),  # an unterminated quote
        ("list.csv", b"name_zh\n\x00\x00\x00", "NUL characters"),
        ("list.csv", b"\xff\xfe\xfa\x80" * 10, "neither a workbook nor text"),
    ],
)
async def test_hostile_files_are_refused_with_a_message(organizer, name, content, says):
    if says is None:  # the control: an ordinary workbook is imported
        response = await organizer.call("POST", IMPORT, files={"file": (name, content)})
        assert response.status_code == 201 and response.json()["created"] == 1, response.text
        return
    assert says in await refused(organizer, name, content)


@contextlib.asynccontextmanager
async def started(app_settings, clock, **settings) -> AsyncIterator[World]:
    """The app started with other settings, and people to drive it."""
    app = create_app(replace(app_settings, **settings), clock=clock)
    async with running(app):
        world = World(app, app.state.settings, clock)
        try:
            yield world
        finally:
            await world.close()


async def test_the_row_and_size_limits_are_settings(app_settings, clock):
    rows = "name_zh,province\n" + "".join(f"大学{n},浙江\n" for n in range(6))
    async with started(app_settings, clock, import_max_rows=5, import_max_mb=1) as world:
        organizer = await world.staff("limits@contest.cn", Role.ORGANIZER, None)
        assert "at most 5 rows" in await refused(organizer, "list.csv", rows.encode())
        too_big = await organizer.call("POST", IMPORT, files={"file": ("list.csv", b"name_zh\n" + b"a\n" * MIB)})
        assert too_big.status_code == 400 and too_big.json()["message"] == "The file is larger than 1 MB."


async def test_a_parse_that_runs_away_is_stopped_while_other_requests_are_answered(app_settings, clock, monkeypatch):
    monkeypatch.setattr(importer, "parse_universities", spin)
    async with started(app_settings, clock, upload_parse_timeout_seconds=1) as world:
        organizer = await world.staff("runaway@contest.cn", Role.ORGANIZER, None)
        visitor = world.person("visitor@u.edu.cn")
        upload = asyncio.create_task(organizer.call("POST", IMPORT, files={"file": ("list.csv", b"name_zh\n")}))
        pending_when_answered = []
        while not upload.done():
            response = await visitor.call("GET", "/api/v1/regions")
            assert response.status_code == 200
            pending_when_answered.append(not upload.done())
        response = await upload
    assert response.status_code == 400, response.text
    assert response.json()["fields"]["file"] == "reading it took longer than 1 s"
    # Someone else was served while the parse ran: on the event loop it would have held every request
    # until it ended.
    assert pending_when_answered[0]


async def test_a_parse_that_needs_too_much_memory_is_stopped(app_settings, clock, monkeypatch):
    monkeypatch.setattr(importer, "parse_universities", hoard)
    async with started(app_settings, clock, upload_parse_memory_mb=64) as world:
        organizer = await world.staff("hoard@contest.cn", Role.ORGANIZER, None)
        response = await organizer.call(
            "POST", IMPORT, files={"file": ("list.csv", b"name_zh\n")}, headers={"Accept-Language": "zh-CN"}
        )
    assert response.status_code == 400 and response.json()["fields"]["file"] == "读取它需要超过 64 MB 内存"
