"""Reading a university list (CSV or XLSX) into rows, with a report of every refused row.

Pure: bytes in, plain data out. Columns (first row, Chinese or English headers):
name_zh / 名称, name_en / 英文名, province / 省份, region / 赛区 (code or name; needed when there is
no province, i.e. overseas), email_domains / 邮箱域名 (space, comma or semicolon separated).

The file is untrusted: the service runs `parse_universities` in a bounded child process
(`storage.sandbox.run_bounded`), a workbook passes `storage.xlsx_guard` before openpyxl sees it, and
rows are read one at a time, so a file stops being read as soon as it has too many.
"""

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec
from openpyxl import load_workbook

from contest.lib.errors import Msg
from storage.xlsx_guard import XlsxLimits, guard_xlsx_bytes

HEADERS = {
    "name_zh": ("name_zh", "名称", "学校", "学校名称", "university"),
    "name_en": ("name_en", "英文名", "英文名称"),
    "province": ("province", "province_zh", "省份", "省"),
    "region": ("region", "赛区"),
    "email_domains": ("email_domains", "domains", "邮箱域名", "域名"),
}
DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](-?[a-z0-9])*\.)+[a-z]{2,}$")
MAX_ROWS = 5000
# A cell of a university list is a name or a few domains; Excel's own cap is 32,767 characters.
MAX_CELL_CHARS = 32_767
# Columns read from a workbook (the list has five; a few more for notes are harmless).
MAX_COLUMNS = 64


class UniversityLine(msgspec.Struct, frozen=True):
    line: int
    name_zh: str
    name_en: str
    province: str
    region: str
    email_domains: str


class ImportRefused(ValueError):
    """The file as a whole cannot be read: an English template (the catalog's msgid) and its
    parameters, shown to the organizer. Picklable, so it comes back from the bounded child."""

    def __init__(self, text: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(text, params or {})

    @property
    def msg(self) -> Msg:
        return Msg(self.args[0], self.args[1])

    def __str__(self) -> str:
        return self.msg.render()


class RowError(msgspec.Struct, frozen=True):
    """Why a row is refused: an English template (the catalog's msgid) with its parameters."""

    line: int
    message: str
    params: dict[str, str] = {}

    @property
    def msg(self) -> Msg:
        return Msg(self.message, self.params)


class ParsedFile(msgspec.Struct):
    rows: list[UniversityLine]
    errors: list[RowError]


def _workbook_rows(content: bytes, max_rows: int) -> Iterator[list[str]]:
    # Hostile structure (a huge declared sheet, one endless comment, entity tricks, a zip bomb) is
    # refused here, in time linear in the file's size, before openpyxl allocates anything for it.
    guard_xlsx_bytes(content, XlsxLimits(max_rows=max(2 * max_rows, max_rows + 1000), max_cols=MAX_COLUMNS))
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield ["" if c is None else str(c).strip() for c in row]
    except Exception:
        raise ImportRefused("not a readable XLSX file") from None


def _text_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")  # Excel on Chinese Windows saves CSV in GBK
        except UnicodeDecodeError:
            raise ImportRefused("the file is neither a workbook nor text in UTF-8 or GBK") from None
    if "\x00" in text:
        raise ImportRefused("the file holds NUL characters; it is not a CSV file")
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            if any(len(c) > MAX_CELL_CHARS for c in row):
                raise ImportRefused(
                    "line {line} holds a cell longer than {max} characters",
                    {"line": reader.line_num, "max": MAX_CELL_CHARS},
                )
            yield [c.strip() for c in row]
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own cap, 131,072 characters
            raise ImportRefused(
                "line {line} holds a cell longer than {max} characters",
                {"line": reader.line_num, "max": MAX_CELL_CHARS},
            ) from None
        raise ImportRefused("line {line} cannot be read as CSV", {"line": reader.line_num}) from None


def _cells(content: bytes, filename: str, max_rows: int) -> list[list[str]]:
    """The header and at most `max_rows` + 1 rows after it (one more tells that there are too many)."""
    rows = _workbook_rows(content, max_rows) if filename.lower().endswith(".xlsx") else _text_rows(content)
    return list(itertools.islice(rows, max_rows + 2))


def _columns(header: Iterable[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, title in enumerate(header):
        for field, names in HEADERS.items():
            if title.strip().lower() in names:
                index.setdefault(field, position)
    return index


def parse_universities(content: bytes, filename: str, max_rows: int = MAX_ROWS) -> ParsedFile:
    """Rows that look right, and an error per row that does not (line numbers as a spreadsheet shows them)."""
    table = _cells(content, filename, max_rows)
    if not table:
        raise ImportRefused("the file is empty")
    columns = _columns(table[0])
    if "name_zh" not in columns:
        raise ImportRefused("the first row must name the columns; a name_zh (名称) column is required")
    if len(table) - 1 > max_rows:
        raise ImportRefused("at most {max} rows per file", {"max": max_rows})
    rows: list[UniversityLine] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for line, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        value = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
        name = value.get("name_zh", "")
        domains = " ".join(d.lower() for d in re.split(r"[\s,;，；]+", value.get("email_domains", "")) if d)
        if not name:
            errors.append(RowError(line, "the name is missing"))
        elif len(name) > 100:
            errors.append(RowError(line, "the name is longer than 100 characters"))
        elif name in seen:
            errors.append(RowError(line, "this university appears twice in the file"))
        elif not value.get("province") and not value.get("region"):
            errors.append(RowError(line, "give a province, or a region for universities outside them"))
        elif any(not DOMAIN.match(d) for d in domains.split()):
            errors.append(RowError(line, "not an e-mail domain: {domains}", {"domains": domains}))
        else:
            seen.add(name)
            rows.append(
                UniversityLine(
                    line, name, value.get("name_en", ""), value.get("province", ""), value.get("region", ""), domains
                )
            )
    return ParsedFile(rows, errors)
