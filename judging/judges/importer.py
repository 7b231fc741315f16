"""Reading a judge list (CSV or XLSX) into rows, with a reason for every refused row.

Pure: bytes in, plain data out (the service resolves universities, regions and tracks). Columns, by
their first-row titles in English or Chinese:

    name / 姓名, email / 邮箱 (required), university / 学校, region / 赛区 (code or name; empty: a
    national judge), tags / 专长 (expertise), tracks / 赛道 (codes or names; empty: every track),
    min_load / 最少评审数, max_load / 最多评审数

Lists inside a cell are separated by commas, semicolons, 、 or spaces. The file is untrusted: the
service parses it in a bounded child process, and a workbook passes `storage.xlsx_guard` first.
"""

import re

import msgspec

from contest.lib import spreadsheets
from contest.lib.spreadsheets import UnreadableFile
from judging.judges.affinity import normalise_tag

HEADERS = {
    "name": ("name", "姓名", "名字"),
    "email": ("email", "e-mail", "邮箱", "电子邮箱", "邮件"),
    "university": ("university", "学校", "单位", "学校名称"),
    "region": ("region", "赛区"),
    "tags": ("tags", "expertise", "专长", "标签", "研究方向"),
    "tracks": ("tracks", "track", "赛道"),
    "min_load": ("min_load", "min", "最少评审数", "最少"),
    "max_load": ("max_load", "max", "最多评审数", "最多"),
}
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,253}\.[^@\s]{2,}$")
LIST_SEPARATORS = re.compile(r"[,;，；、\s]+")
MAX_ROWS = 2000
MAX_CELL_CHARS = 1000
MAX_COLUMNS = 32
MAX_LOAD = 1000
MAX_TAGS = 20
MAX_TAG_CHARS = 32


class RowProblem(msgspec.Struct, frozen=True):
    """Why a row is refused: an English template (the catalog's msgid) with its parameters."""

    line: int
    text: str
    params: dict[str, str] = {}


class JudgeLine(msgspec.Struct, frozen=True, kw_only=True):
    line: int
    name: str
    email: str
    university: str
    region: str
    tags: list[str]
    tracks: list[str]
    min_load: int
    max_load: int | None


class ParsedJudges(msgspec.Struct):
    rows: list[JudgeLine]
    problems: list[RowProblem]


def split_list(cell: str) -> list[str]:
    """The items of a list cell, in order, without repeats."""
    return list(dict.fromkeys(item for item in LIST_SEPARATORS.split(cell) if item))


def _load(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_LOAD:
        raise ValueError(value)
    return int(value)


def _row(line: int, value: dict[str, str]) -> JudgeLine | RowProblem:
    email = value.get("email", "").strip().lower()
    name = value.get("name", "").strip()
    if not email:
        return RowProblem(line, "the e-mail address is missing")
    if not EMAIL.match(email) or len(email) > 254:
        return RowProblem(line, "not an e-mail address: {email}", {"email": email})
    if len(name) > 100:
        return RowProblem(line, "the name is longer than 100 characters")
    if any(len(v) > MAX_CELL_CHARS for v in value.values()):
        return RowProblem(line, "a cell is longer than {max} characters", {"max": str(MAX_CELL_CHARS)})
    tags = [normalise_tag(t) for t in split_list(value.get("tags", ""))]
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG_CHARS for t in tags):
        return RowProblem(
            line,
            "at most {count} tags of {chars} characters each",
            {"count": str(MAX_TAGS), "chars": str(MAX_TAG_CHARS)},
        )
    try:
        low, high = _load(value.get("min_load", "")), _load(value.get("max_load", ""))
    except ValueError as bad:
        return RowProblem(
            line, "a load must be a whole number from 0 to {max}: {value}", {"max": str(MAX_LOAD), "value": str(bad)}
        )
    if low is not None and high is not None and low > high:
        return RowProblem(
            line, "the minimum load {min} is above the maximum {max}", {"min": str(low), "max": str(high)}
        )
    return JudgeLine(
        line=line,
        name=name,
        email=email,
        university=value.get("university", "").strip(),
        region=value.get("region", "").strip(),
        tags=tags,
        tracks=split_list(value.get("tracks", "")),
        min_load=low or 0,
        max_load=high,
    )


def parse_judges(content: bytes, filename: str, max_rows: int = MAX_ROWS) -> ParsedJudges:
    """Rows that look right and a problem for each that does not (line numbers as a spreadsheet shows
    them); raises UnreadableFile when the file as a whole cannot be read."""
    table = spreadsheets.table(
        content, filename, max_rows=max_rows, max_columns=MAX_COLUMNS, max_cell_chars=MAX_CELL_CHARS
    )
    columns = spreadsheets.columns(table[0], HEADERS)
    if "email" not in columns:
        raise UnreadableFile("the first row must name the columns; an email (邮箱) column is required")
    if len(table) - 1 > max_rows:
        raise UnreadableFile("at most {max} rows per file", {"max": max_rows})
    rows: list[JudgeLine] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        parsed = _row(line, {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()})
        if isinstance(parsed, RowProblem):
            problems.append(parsed)
        elif parsed.email in seen:
            problems.append(RowProblem(line, "this address is also on line {line}", {"line": str(seen[parsed.email])}))
        else:
            seen[parsed.email] = line
            rows.append(parsed)
    return ParsedJudges(rows, problems)
