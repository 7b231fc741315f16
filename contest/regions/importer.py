"""Reading a university list (CSV or XLSX) into rows, with a report of every refused row.

Pure: bytes in, plain data out. Columns (first row, Chinese or English headers):
name_zh / 名称, name_en / 英文名, province / 省份, region / 赛区 (code or name; needed when there is
no province, i.e. overseas), email_domains / 邮箱域名 (space, comma or semicolon separated).
"""

import csv
import io
import re
from collections.abc import Iterable

import msgspec
from openpyxl import load_workbook

from contest.lib.errors import Msg

HEADERS = {
    "name_zh": ("name_zh", "名称", "学校", "学校名称", "university"),
    "name_en": ("name_en", "英文名", "英文名称"),
    "province": ("province", "province_zh", "省份", "省"),
    "region": ("region", "赛区"),
    "email_domains": ("email_domains", "domains", "邮箱域名", "域名"),
}
DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](-?[a-z0-9])*\.)+[a-z]{2,}$")
MAX_ROWS = 5000


class UniversityLine(msgspec.Struct, frozen=True):
    line: int
    name_zh: str
    name_en: str
    province: str
    region: str
    email_domains: str


class ImportRefused(ValueError):
    """The file as a whole cannot be read (its message is shown to the organizer)."""


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


def _cells(content: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception:
            raise ImportRefused("not a readable XLSX file") from None
        return [["" if c is None else str(c).strip() for c in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("gb18030")  # Excel on Chinese Windows saves CSV in GBK
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def _columns(header: Iterable[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, title in enumerate(header):
        for field, names in HEADERS.items():
            if title.strip().lower() in names:
                index.setdefault(field, position)
    return index


def parse_universities(content: bytes, filename: str) -> ParsedFile:
    """Rows that look right, and an error per row that does not (line numbers as a spreadsheet shows them)."""
    table = _cells(content, filename)
    if not table:
        raise ImportRefused("the file is empty")
    columns = _columns(table[0])
    if "name_zh" not in columns:
        raise ImportRefused("the first row must name the columns; a name_zh (名称) column is required")
    if len(table) - 1 > MAX_ROWS:
        raise ImportRefused("at most 5000 rows per file")
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
