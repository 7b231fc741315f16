"""Rankings and the award list as CSV and XLSX: one view per CSV file, one sheet per view in the
workbook. Chinese text is written as is (CSV as UTF-8 with a byte-order mark, which Excel needs to
read it), and text a spreadsheet would take for a formula (a team named "=HYPERLINK(...)") is
defused: an apostrophe before it in CSV, a quote prefix (shown as text, not as a formula) in XLSX."""

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

import xlsxwriter

from contest.lib.errors import NotFound
from contest.lib.schemas import Name
from judging.results.schemas import Snapshot, TeamStanding, ViewOut

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\']")
AWARDS_KEY = "awards"

HEADERS = {
    "zh-CN": ["排名", "队伍", "学校", "赛区", "赛道", "得分", "全国排名", "评分表数", "晋级", "奖项"],
    "en": ["Rank", "Team", "University", "Region", "Track", "Score", "National rank", "Sheets", "Advanced", "Award"],
}
YES_NO = {"zh-CN": ("是", "否"), "en": ("yes", "no")}
AWARDS_LABEL = Name("获奖名单", "Awards")


def defused(value: Any) -> Any:
    """A cell value a spreadsheet shows as written: formula-like text gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _language(language: str) -> str:
    return "en" if language == "en" else "zh-CN"


def _rank_in(view: ViewOut, team: TeamStanding) -> int | None:
    if view.key.startswith("region:"):
        return team.region_rank
    if view.key.startswith("track:"):
        return team.track_rank
    return team.rank


def _row(view: ViewOut, team: TeamStanding, language: str) -> list[Any]:
    yes, no = YES_NO[language]
    return [
        _rank_in(view, team),
        team.team,
        team.university.pick(language),
        team.region_name.pick(language),
        team.track.pick(language),
        team.score,
        team.rank,
        team.sheets,
        "" if team.advanced is None else (yes if team.advanced else no),
        team.award or "",
    ]


def award_view(snapshot: Snapshot) -> ViewOut:
    """The award list: awarded teams by tier (in the rules' order), then by rank."""
    order = {name: index for index, name in enumerate(snapshot.tier_names)}
    rows = sorted(
        (t for t in snapshot.teams if t.award),
        key=lambda t: (order.get(t.award or "", len(order)), t.rank or 0, t.team_id),
    )
    return ViewOut(key=AWARDS_KEY, label=AWARDS_LABEL, rows=rows)


def export_views(views: Sequence[ViewOut], snapshot: Snapshot) -> list[ViewOut]:
    return [*views, award_view(snapshot)]


def pick_view(views: Sequence[ViewOut], key: str) -> ViewOut:
    found = next((view for view in views if view.key == key), None)
    if found is None:
        raise NotFound("No such view of the results: {key}.", key=key)
    return found


def to_csv(view: ViewOut, language: str) -> bytes:
    """One view as CSV (UTF-8 with BOM), a header row then one row per team."""
    language = _language(language)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS[language])
    for team in view.rows:
        writer.writerow([defused(value) for value in _row(view, team, language)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_name(label: str, taken: set[str]) -> str:
    base = (_SHEET_NAME_BAD.sub("_", label).strip() or "sheet")[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def to_xlsx(views: Sequence[ViewOut], language: str) -> bytes:
    """Every view as a sheet of one workbook, named by the view's label."""
    language = _language(language)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    header = workbook.add_format({"bold": True})
    literal = workbook.add_format({"quote_prefix": True})
    taken: set[str] = set()
    for view in views:
        sheet = workbook.add_worksheet(_sheet_name(view.label.pick(language), taken))
        sheet.write_row(0, 0, HEADERS[language], header)
        sheet.freeze_panes(1, 0)
        for number, team in enumerate(view.rows, start=1):
            for column, value in enumerate(_row(view, team, language)):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(number, column, value, literal if value.startswith(FORMULA_START) else None)
                else:
                    sheet.write_number(number, column, value)
        sheet.set_column(1, 2, 28)
        sheet.set_column(3, 4, 14)
    workbook.close()
    return buffer.getvalue()
