"""Lists people upload (universities, judges): a CSV or XLSX file read into rows of text, and the
bounded parse that keeps a hostile file from stalling or exhausting the server.

`table` is pure (bytes in, rows out) and runs in the bounded child; a workbook passes
`storage.xlsx_guard` before openpyxl sees it, a CSV must be UTF-8 or GBK text, rows are read one at a
time and reading stops as soon as the file has too many.
"""

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from openpyxl import load_workbook

from contest.lib.errors import InvalidInput, Msg
from contest.lib.settings import Settings
from storage.checks import FileRefused
from storage.sandbox import ParseError, ParseTimeout, ParseTooLarge, run_bounded
from storage.xlsx_guard import XlsxLimits, guard_xlsx_bytes

T = TypeVar("T")
CANNOT_READ = "The file cannot be read."
# Excel's own cap on a cell.
MAX_CELL_CHARS = 32_767


class UnreadableFile(ValueError):
    """The file as a whole cannot be read: an English template (the catalog's msgid) and its
    parameters. Picklable, so it comes back from the bounded child."""

    def __init__(self, text: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(text, params or {})

    @property
    def msg(self) -> Msg:
        return Msg(self.args[0], self.args[1])

    def __str__(self) -> str:
        return self.msg.render()


def table(
    content: bytes, filename: str, *, max_rows: int, max_columns: int, max_cell_chars: int = MAX_CELL_CHARS
) -> list[list[str]]:
    """The header row and at most `max_rows` + 1 rows after it (one more tells that there are too
    many); UnreadableFile when the file as a whole cannot be read."""
    if filename.lower().endswith(".xlsx"):
        rows = _workbook_rows(content, max_rows, max_columns)
    else:
        rows = _text_rows(content, max_cell_chars)
    found = list(itertools.islice(rows, max_rows + 2))
    if not found:
        raise UnreadableFile("the file is empty")
    return found


def _workbook_rows(content: bytes, max_rows: int, max_columns: int) -> Iterator[list[str]]:
    # Hostile structure (a huge declared sheet, one endless comment, entity tricks, a zip bomb) is
    # refused here, in time linear in the file's size, before openpyxl allocates anything for it.
    guard_xlsx_bytes(content, XlsxLimits(max_rows=max(2 * max_rows, max_rows + 1000), max_cols=max_columns))
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=max_columns):
            yield ["" if c is None else str(c).strip() for c in row]
    except Exception:
        raise UnreadableFile("not a readable XLSX file") from None


def _text_rows(content: bytes, max_cell_chars: int) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")  # Excel on Chinese Windows saves CSV in GBK
        except UnicodeDecodeError:
            raise UnreadableFile("the file is neither a workbook nor text in UTF-8 or GBK") from None
    if "\x00" in text:
        raise UnreadableFile("the file holds NUL characters; it is not a CSV file")
    reader = csv.reader(io.StringIO(text))
    too_long = "line {line} holds a cell longer than {max} characters"
    try:
        for row in reader:
            if any(len(c) > max_cell_chars for c in row):
                raise UnreadableFile(too_long, {"line": reader.line_num, "max": max_cell_chars})
            yield [c.strip() for c in row]
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own cap, 131,072 characters
            raise UnreadableFile(too_long, {"line": reader.line_num, "max": max_cell_chars}) from None
        raise UnreadableFile("line {line} cannot be read as CSV", {"line": reader.line_num}) from None


def columns(header: Iterable[str], titles: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Where each field's column is, by the first-row titles each field may have (case ignored)."""
    index: dict[str, int] = {}
    for position, title in enumerate(header):
        for field, names in titles.items():
            if title.strip().lower() in names:
                index.setdefault(field, position)
    return index


async def parse_bounded(settings: Settings, parse: Callable[..., T], *args: Any) -> T:
    """`parse(*args)` in a bounded child process (an untrusted file must not stall or exhaust the
    server, nor keep other requests waiting); every way it can fail is an InvalidInput naming the
    file, in words a person understands."""
    try:
        return await run_bounded(
            parse, *args, timeout_s=settings.upload_parse_timeout_seconds, memory_mb=settings.upload_parse_memory_mb
        )
    except UnreadableFile as exc:
        refusal: Msg | str = exc.msg
    except FileRefused as exc:
        refusal = Msg(exc.problem.text, exc.problem.params)
    except ParseTimeout:
        refusal = Msg("reading it took longer than {seconds} s", {"seconds": settings.upload_parse_timeout_seconds})
    except ParseTooLarge:
        refusal = Msg("reading it needed more than {mb} MB", {"mb": settings.upload_parse_memory_mb})
    except ParseError:
        refusal = "not a readable CSV or XLSX file"
    raise InvalidInput(CANNOT_READ, {"file": refusal})
