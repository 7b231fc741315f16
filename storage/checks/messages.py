"""What a check tells a team: messages with a stable id, an English template (the gettext msgid) and
parameters, gathered into one result Struct per checked file.

Every template lives in `TEXTS`, so the catalog (frontend/locales/*/LC_MESSAGES/checks.po) can be
checked against it in one place.
"""

import math
from collections.abc import Callable
from typing import Any

import msgspec

TEXTS: dict[str, str] = {
    # Any file
    "file_empty": "The file is empty.",
    "file_too_large": "The file is {size_mb} MB; this slot takes at most {max_mb} MB.",
    "file_size_mismatch": "The stored file holds {actual} bytes instead of the {expected} announced; upload it again.",
    "file_wrong_type": ("Judged by its content (not its name), this is a {detected} file; this slot takes {expected}."),
    "file_text_type": "This file holds plain text; this slot takes {expected}.",
    "file_unknown_type": "The content of this file matches no known file type; this slot takes {expected}.",
    # PDF
    "pdf_unreadable": "The document cannot be opened as a PDF; it may be damaged. Export it again and upload it.",
    "pdf_encrypted": (
        "The document is password-protected or encrypted; save it without protection and upload it again."
    ),
    "pdf_no_pages": "The document has no pages.",
    "pdf_too_many_pages": "The document has {pages} pages; at most {max_pages} are allowed.",
    "pdf_no_text": (
        "No text could be read from the document (is it scanned?). Judges can still read it, "
        "but it could not be checked for names."
    ),
    "pdf_text_truncated": "Only the first {chars} characters of the document's text were checked.",
    # Video
    "video_unreadable": (
        "The video cannot be read as an MP4 file; it may be damaged. Export it again as MP4 (H.264) and upload it."
    ),
    "video_no_video_track": "The file holds no video track.",
    "video_no_duration": ("The length of the video could not be determined; export it again as a standard MP4 file."),
    "video_too_long": "The video lasts {duration}; this slot takes at most {limit}.",
    "video_codec_hevc": (
        "The video is encoded as HEVC (H.265), which some judges' browsers cannot play; exporting it as H.264 is safer."
    ),
    # ZIP archives (code packages, and workbooks, which are ZIP archives too)
    "zip_unreadable": "The file cannot be opened as a ZIP archive; it may be damaged.",
    "zip_too_many_entries": "The archive holds {count} entries; at most {max_count} are allowed.",
    "zip_directory_too_large": "The archive's table of contents is {size_mb} MB; at most {max_mb} MB is allowed.",
    "zip_too_large_uncompressed": "Unpacked, the archive takes more than {max_mb} MB, which is the limit.",
    "zip_declared_too_large": "Unpacked, the archive would take {size_mb} MB; at most {max_mb} MB is allowed.",
    "zip_entry_ratio": (
        '"{path}" grows {ratio} times when unpacked; at most {max_ratio} times is allowed (a ZIP bomb?).'
    ),
    "zip_total_ratio": (
        "The archive grows {ratio} times when unpacked; at most {max_ratio} times is allowed (a ZIP bomb?)."
    ),
    "zip_unsafe_path": (
        'The archive holds {count} entries whose path is absolute or climbs out with "..", e.g. "{path}".'
    ),
    "zip_symlink": 'The archive holds {count} symbolic links, e.g. "{path}"; pack the files themselves.',
    "zip_encrypted": (
        'The archive holds {count} password-protected entries, e.g. "{path}"; pack it without a password.'
    ),
    "zip_unsupported_method": (
        '"{path}" is compressed with a method we cannot read; pack the archive again with standard ZIP compression.'
    ),
    "zip_corrupt": '"{path}" in the archive is damaged and cannot be unpacked.',
    "zip_no_project_config": (
        "No project.config.json was found at the top of the package or in its single top folder; "
        "pack the mini-program project folder."
    ),
    "zip_bad_json": '"{path}" is not a valid JSON object.',
    "zip_bad_root": ('project.config.json names "{root}" as miniprogramRoot, which is not a folder of the package.'),
    "zip_no_app_json": (
        'Neither app.json nor game.json was found in "{root}", the mini-program folder of the package.'
    ),
    # Images
    "image_unreadable": "The image cannot be opened; it may be damaged. Save it again as PNG or JPEG.",
    "image_too_many_pixels": "The image has more than {max_megapixels} million pixels, the limit; save it smaller.",
    "image_qr_read": "The QR code reads: {content}",
    "image_no_qr": (
        "No QR code could be read from the image. A round mini-program code cannot be read by this check, "
        "so the image is accepted; please make sure it is the right one."
    ),
    # AppID
    "appid_empty": "Enter the AppID of the mini-program.",
    "appid_inner_space": 'The AppID "{value}" contains spaces.',
    "appid_prefix": 'An AppID starts with "wx"; "{value}" does not.',
    "appid_uppercase": 'An AppID is written in lower case: "{suggestion}".',
    "appid_length": 'An AppID is "wx" followed by 16 characters; "{value}" has {count} after "wx".',
    "appid_not_hex": (
        'After "wx", an AppID holds only the digits 0-9 and the letters a-f; "{value}" also holds "{chars}".'
    ),
    "appid_normalised": 'Full-width characters were converted: the AppID is "{value}".',
    # Anonymity in blind rounds (warnings)
    "anon_filename": ('The file name "{filename}" contains "{name}"; judges of this round must not learn who you are.'),
    "anon_pdf_text": (
        'Page {page} of the document mentions "{name}"; judges of this round must not learn who you are.'
    ),
    "anon_pdf_metadata": (
        'The document\'s properties ({field}) contain "{name}"; judges of this round must not learn who you are.'
    ),
    "anon_video_metadata": (
        'The video\'s properties ({field}) contain "{name}"; judges of this round must not learn who you are.'
    ),
    "anon_zip_path": (
        'The path "{path}" in the package contains "{name}"; judges of this round must not learn who you are.'
    ),
    "anon_project_name": (
        'The project name "{project}" in project.config.json contains "{name}"; '
        "judges of this round must not learn who you are."
    ),
    # Workbook imports (storage.xlsx_guard)
    "xlsx_not_workbook": "The file is not an Excel workbook (.xlsx).",
    "xlsx_encoding": '"{part}" in the workbook is not UTF-8 XML, which Excel always writes; it was refused.',
    "xlsx_declaration": (
        '"{part}" in the workbook holds a document type or entity declaration, which Excel never writes; '
        "it was refused."
    ),
    "xlsx_token_too_long": (
        '"{part}" in the workbook holds a single comment, text or tag longer than {max_kb} KB; it was refused.'
    ),
    "xlsx_sheet_too_large": (
        'Sheet "{part}" reaches row {rows} and column {cols}; at most {max_rows} rows and {max_cols} columns '
        "are accepted."
    ),
}


class Message(msgspec.Struct, frozen=True, kw_only=True):
    """A translatable message: stable `id`, English `text` template (the msgid), JSON-able `params`."""

    id: str
    text: str
    params: dict[str, Any] = {}

    def render(self, gettext: Callable[[str], str] = str) -> str:
        """The template translated by `gettext` and filled in; an unknown placeholder stays as written."""
        return gettext(self.text).format_map(_Keep(self.params))


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(id: str, **params: Any) -> Message:
    """The message `id` with its template from `TEXTS` (a KeyError for an unknown id is a bug)."""
    return Message(id=id, text=TEXTS[id], params=params)


class FileRefused(Exception):
    """A file refused for a structural reason found before (or instead of) parsing it."""

    def __init__(self, problem: Message) -> None:
        super().__init__(problem)
        self.problem = problem

    def __str__(self) -> str:
        return self.problem.render()


class Facts(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What a check learned about a file; a field stays None when it does not apply."""

    size: int | None = None
    digest: str | None = None  # "blake3:<hex>"
    detected_type: str | None = None
    # PDF
    pages: int | None = None
    text_chars: int | None = None
    text: str | None = None
    # Video
    duration_s: float | None = None
    video_codec: str | None = None
    # ZIP
    entry_count: int | None = None
    uncompressed_size: int | None = None
    project_type: str | None = None  # "miniprogram" or "game"
    miniprogram_root: str | None = None
    project_appid: str | None = None
    project_name: str | None = None
    # Image
    width: int | None = None
    height: int | None = None
    qr_content: str | None = None
    # AppID
    appid: str | None = None


class CheckResult(msgspec.Struct, kw_only=True):
    """`ok` when there is no problem; warnings and notes never refuse a file."""

    ok: bool
    problems: list[Message]
    warnings: list[Message]
    notes: list[Message]
    facts: Facts


class Report:
    """Collects messages and facts while a check runs."""

    def __init__(self) -> None:
        self.problems: list[Message] = []
        self.warnings: list[Message] = []
        self.notes: list[Message] = []
        self.facts = Facts()

    def problem(self, id: str, **params: Any) -> None:
        self.problems.append(message(id, **params))

    def warning(self, id: str, **params: Any) -> None:
        self.warnings.append(message(id, **params))

    def note(self, id: str, **params: Any) -> None:
        self.notes.append(message(id, **params))

    def result(self) -> CheckResult:
        return CheckResult(
            ok=not self.problems, problems=self.problems, warnings=self.warnings, notes=self.notes, facts=self.facts
        )


def megabytes(size: int, *, up: bool = False) -> float:
    """A byte count in MB (MiB) with one decimal, as the messages show it; `up` rounds up, so a size
    over a limit never shows as equal to it."""
    tenths = size * 10 / (1024 * 1024)
    return (math.ceil(tenths) if up else round(tenths)) / 10
