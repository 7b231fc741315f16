"""A structural guard for uploaded workbooks (.xlsx), run before openpyxl sees them (issue 9).

openpyxl trusts what a workbook says: a sheet declaring a huge dimension, a cell at XFD1048576, a
merged or hyperlinked range over a million rows make it allocate for every cell in between, and
expat (under ElementTree) rescans an unfinished token whenever it is fed more data, so one long
comment or text node costs time quadratic in its length. The guard refuses such files early, in
time linear in their size and memory bounded by one token:

- the archive: entry count, directory size, declared and real unpacked size, compression ratio;
- every XML part, streamed: no DOCTYPE or entity declaration (billion laughs), no UTF-16/32 (which
  would hide markup from a byte scan), no comment, CDATA, processing instruction, tag or text run
  longer than `max_token_bytes`;
- coordinates: `<dimension ref>`, `<row r>`, `<c r>`, `<mergeCell ref>`, `<hyperlink ref>` within
  `max_rows` x `max_cols`.

A file that passes still goes to openpyxl inside `storage.sandbox.run_bounded`:

    def read_sheet(content: bytes) -> list[list[str]]:   # in an importable module
        guard_xlsx_bytes(content)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        ...
    rows = await run_bounded(read_sheet, content, timeout_s=20, memory_mb=512)
"""

import io
import re
import zipfile
from typing import BinaryIO

import msgspec

from storage.checks.archive import open_archive, structure_problems, unpacked_chunks
from storage.checks.messages import FileRefused, message
from storage.checks.slots import MIB, ZipLimits

EXCEL_ROWS = 1_048_576
EXCEL_COLS = 16_384


class XlsxLimits(msgspec.Struct, frozen=True, kw_only=True):
    """Bounds on an uploaded workbook; the defaults fit the organizers' imports (thousands of rows)."""

    zip: ZipLimits = ZipLimits(
        max_entries=1_000, max_directory_bytes=MIB, max_uncompressed_bytes=64 * MIB, max_ratio=200.0
    )
    max_token_bytes: int = 256 * 1024  # Excel caps a cell at 32,767 characters
    max_rows: int = 100_000
    max_cols: int = 256


class XlsxFacts(msgspec.Struct, kw_only=True):
    entry_count: int
    uncompressed_size: int
    max_row: int
    max_col: int


_TEXT, _TAG, _COMMENT, _CDATA, _PI = range(5)
_ENDS = {_COMMENT: b"-->", _CDATA: b"]]>", _PI: b"?>"}
_LOOKAHEAD = len(b"<![CDATA[")
_COORDINATE_TAG = re.compile(rb"(?:[A-Za-z_][\w.-]*:)?(dimension|row|c|mergeCell|hyperlink)(?=[\s/]|$)")
_ATTRIBUTE = re.compile(rb"""\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_COORDINATE_TAGS = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?(?:dimension|row|c|mergeCell|hyperlink)[\s/][^<>]*)>")
_SIMPLE_CELL = re.compile(rb'(?:c|row) r="([A-Z]{0,3})([0-9]{1,7})"(?=[\s/]|$)')
_SIMPLE_CELLS = re.compile(rb'<(?:c|row) r="([A-Z]{0,3})([0-9]{1,7})"')
_UNUSUAL_COORDINATE_TAG = re.compile(
    rb'<(?!(?:c|row) r="[A-Z]{0,3}[0-9]{1,7}")(?:[A-Za-z_][\w.-]*:)?(?:dimension|row|c|mergeCell|hyperlink)[\s/]'
)
_REFERENCE_SEPARATOR = re.compile(rb"[:\s]+")
_CELL = re.compile(rb"\$?([A-Za-z]*)\$?([0-9]*)")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper()[:8]:  # beyond 8 letters the number is absurd anyway
        number = number * 26 + letter - 64
    return number


class _XmlScan:
    """A byte-level scan of one XML part, fed in chunks; raises FileRefused on hostile structure."""

    def __init__(self, info: zipfile.ZipInfo, limits: XlsxLimits) -> None:
        self.info = info
        self.part = info.filename
        self.limits = limits
        self.state = _TEXT
        self.run = 0  # bytes of the current token so far
        self.pending = b""  # bytes held back until more data shows what they are
        self.tag = bytearray()  # a tag that spans chunks
        self.max_row = 0
        self.max_col = 0
        bound = limits.max_token_bytes
        self.plain = re.compile(rb"(?:[^<]{0,%d}<(?![!?])[^<>]{0,%d}>)*" % (bound, bound))

    def _grow(self, count: int) -> None:
        self.run += count
        if self.run > self.limits.max_token_bytes:
            raise FileRefused(
                message("xlsx_token_too_long", part=self.part, max_kb=self.limits.max_token_bytes // 1024)
            )

    def feed(self, chunk: bytes, final: bool = False) -> None:
        data = self.pending + chunk if self.pending else chunk
        self.pending = b""
        i, n = 0, len(data)
        while i < n:
            if self.state == _TEXT:
                if self.run == 0:
                    # Fast path: whole text runs and ordinary tags, each within the limit, in C.
                    end = self.plain.match(data, i).end()  # type: ignore[union-attr]
                    self._region(data, i, end)
                    i = end
                    if i == n:
                        return
                j = data.find(b"<", i)
                if j < 0:
                    self._grow(n - i)
                    return
                self._grow(j - i)
                if n - j < _LOOKAHEAD and not final:
                    self.pending = data[j:]
                    return
                self.run = 0
                head = data[j : j + _LOOKAHEAD]
                if head.startswith(b"<!--"):
                    self.state, i = _COMMENT, j + 4
                elif head.startswith(b"<![CDATA["):
                    self.state, i = _CDATA, j + _LOOKAHEAD
                elif head.startswith(b"<!"):
                    raise FileRefused(message("xlsx_declaration", part=self.part))
                elif head.startswith(b"<?"):
                    self.state, i = _PI, j + 2
                else:
                    self.state, i = _TAG, j + 1
            elif self.state == _TAG:
                k = data.find(b">", i)
                if k < 0:
                    self._grow(n - i)
                    self.tag += data[i:]
                    return
                self._grow(k - i)
                if self.tag:
                    self.tag += data[i:k]
                    self._coordinates(bytes(self.tag))
                    self.tag.clear()
                else:
                    self._coordinates(data[i:k])
                self.state, self.run, i = _TEXT, 0, k + 1
            else:
                end = _ENDS[self.state]
                k = data.find(end, i)
                if k < 0:
                    keep = 0 if final else min(len(end) - 1, n - i)  # the end marker may straddle chunks
                    self._grow(n - i - keep)
                    self.pending = data[n - keep :] if keep else b""
                    return
                self._grow(k - i)
                self.state, self.run, i = _TEXT, 0, k + len(end)

    def _region(self, data: bytes, start: int, end: int) -> None:
        """Coordinates of the complete tags in data[start:end]: in bulk when every one is written as
        Excel writes them (`<c r="B7"`, `<row r="7"`), else tag by tag."""
        if _UNUSUAL_COORDINATE_TAG.search(data, start, end) is None:
            simple = _SIMPLE_CELLS.findall(data, start, end)
            if simple:
                letters, digits = zip(*simple, strict=True)
                self._reach(max(map(int, digits)), max(map(_column_number, set(letters))))
            return
        for tag in _COORDINATE_TAGS.finditer(data, start, end):
            self._coordinates(tag.group(1))

    def _coordinates(self, tag: bytes) -> None:
        simple = _SIMPLE_CELL.match(tag)
        if simple is not None:  # <c r="B7" ...> or <row r="7" ...>, as Excel writes them
            letters, digits = simple.groups()
            self._reach(int(digits), _column_number(letters))
            return
        found = _COORDINATE_TAG.match(tag)
        if found is None:
            return
        name = found.group(1)
        position = found.end()
        while attribute := _ATTRIBUTE.match(tag, position):
            position = attribute.end()
            if attribute.group(1) not in (b"r", b"ref"):
                continue
            value = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
            for reference in _REFERENCE_SEPARATOR.split(value.strip()):
                cell = _CELL.fullmatch(reference)
                if not reference or cell is None:
                    continue  # not a coordinate: openpyxl refuses it by itself
                letters, digits = cell.groups()
                if name == b"row":
                    row, col = int(digits[:12] or 0), 0
                else:
                    # A whole column ("A:A") or row ("1:1") spans the sheet's other dimension.
                    row = int(digits[:12]) if digits else EXCEL_ROWS
                    col = _column_number(letters) if letters else EXCEL_COLS
                self._reach(row, col)

    def _reach(self, row: int, col: int) -> None:
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col
        if row > self.limits.max_rows or col > self.limits.max_cols:
            raise FileRefused(
                message(
                    "xlsx_sheet_too_large",
                    part=self.part,
                    rows=row,
                    cols=col,
                    max_rows=self.limits.max_rows,
                    max_cols=self.limits.max_cols,
                )
            )


_WIDE_XML = (b"\xfe\xff", b"\xff\xfe", b"<\x00?\x00", b"\x00<\x00?", b"<\x00\x00\x00", b"\x00\x00\x00<")


def _is_xml(start: bytes, part: str) -> bool:
    """Whether an entry is XML (openpyxl finds parts by the workbook's relations, whatever their
    names, so the content decides); UTF-16/32 XML, which would hide markup from a byte scan, is refused."""
    if start.startswith(_WIDE_XML):
        raise FileRefused(message("xlsx_encoding", part=part))
    return start.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<"


DEFAULT_LIMITS = XlsxLimits()


def guard_xlsx(fileobj: BinaryIO, size: int | None = None, limits: XlsxLimits = DEFAULT_LIMITS) -> XlsxFacts:
    """Refuse (FileRefused, with a message for the uploader) a workbook of hostile structure, reading
    it once; return what it holds."""
    if size is None:
        size = fileobj.seek(0, io.SEEK_END)
    fileobj.seek(0)
    if fileobj.read(4) != b"PK\x03\x04":
        raise FileRefused(message("xlsx_not_workbook"))
    archive = open_archive(fileobj, size, limits.zip)
    with archive:
        if "[Content_Types].xml" not in archive.namelist():
            raise FileRefused(message("xlsx_not_workbook"))
        problems = structure_problems(archive, limits.zip)
        if problems:
            raise FileRefused(problems[0])
        produced = 0
        scans: list[_XmlScan] = []
        current = None
        for info, chunk in unpacked_chunks(archive, limits.zip):
            produced += len(chunk)
            if info is not current:
                if scans and current is scans[-1].info:
                    scans[-1].feed(b"", final=True)
                current = info
                if _is_xml(chunk[:64], info.filename):
                    scans.append(_XmlScan(info, limits))
            if scans and scans[-1].info is info:
                scans[-1].feed(chunk)
        if scans and current is scans[-1].info:
            scans[-1].feed(b"", final=True)
        max_row = max((scan.max_row for scan in scans), default=0)
        max_col = max((scan.max_col for scan in scans), default=0)
        return XlsxFacts(
            entry_count=len(archive.infolist()), uncompressed_size=produced, max_row=max_row, max_col=max_col
        )


def guard_xlsx_bytes(content: bytes, limits: XlsxLimits = DEFAULT_LIMITS) -> XlsxFacts:
    """`guard_xlsx` on a workbook held in memory (as imports receive it)."""
    return guard_xlsx(io.BytesIO(content), len(content), limits)
