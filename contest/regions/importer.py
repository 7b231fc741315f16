"""Reading a university list (CSV or XLSX) into rows, with a report of every refused row.

Pure: bytes in, plain data out. Columns (first row, Chinese or English headers):
name_zh / 名称, name_en / 英文名, province / 省份, region / 赛区 (code or name; needed when there is
no province, i.e. overseas), email_domains / 邮箱域名 (space, comma or semicolon separated).

The file is untrusted: the service runs `parse_universities` in a bounded child process
(`contest.lib.spreadsheets.parse_bounded`), which reads rows as `contest.lib.spreadsheets.table` does.
"""

import re

import msgspec

from contest.lib import spreadsheets
from contest.lib.errors import Msg
from contest.lib.spreadsheets import UnreadableFile

HEADERS = {
    "name_zh": ("name_zh", "名称", "学校", "学校名称", "university"),
    "name_en": ("name_en", "英文名", "英文名称"),
    "province": ("province", "province_zh", "省份", "省"),
    "region": ("region", "赛区"),
    "email_domains": ("email_domains", "domains", "邮箱域名", "域名"),
}
DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](-?[a-z0-9])*\.)+[a-z]{2,}$")
MAX_ROWS = 5000
# Columns read from a workbook (the list has five; a few more for notes are harmless).
MAX_COLUMNS = 64


class UniversityLine(msgspec.Struct, frozen=True):
    line: int
    name_zh: str
    name_en: str
    province: str
    region: str
    email_domains: str


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


def parse_universities(content: bytes, filename: str, max_rows: int = MAX_ROWS) -> ParsedFile:
    """Rows that look right, and an error per row that does not (line numbers as a spreadsheet shows them)."""
    rows_in = spreadsheets.table(content, filename, max_rows=max_rows, max_columns=MAX_COLUMNS)
    columns = spreadsheets.columns(rows_in[0], HEADERS)
    if "name_zh" not in columns:
        raise UnreadableFile("the first row must name the columns; a name_zh (名称) column is required")
    if len(rows_in) - 1 > max_rows:
        raise UnreadableFile("at most {max} rows per file", {"max": max_rows})
    rows: list[UniversityLine] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for line, cells in enumerate(rows_in[1:], start=2):
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
