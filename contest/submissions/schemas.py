"""Request and response bodies of uploads, entries, the organizers' views and archives."""

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from contest.lib.schemas import ONE_LINE, Id, Line100, Name
from contest.rounds.schemas import SlotOut, TeamRoundOut
from storage.checks import Message

# Shown to people and written into download headers: one line, no control character.
FileName = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=ONE_LINE)]
# The largest file a slot may allow (2 GiB); each slot sets its own limit below it.
FileSize = Annotated[int, msgspec.Meta(ge=1, le=2048 * 1024 * 1024)]
PartNumber = Annotated[int, msgspec.Meta(ge=1, le=10_000)]


class UploadIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A file the browser is about to upload: its name (shown only), exact size and type guess."""

    filename: FileName
    size: FileSize
    content_type: Annotated[str, msgspec.Meta(max_length=100, pattern=ONE_LINE)] = ""


class TextIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Line100


class PartsIn(msgspec.Struct, forbid_unknown_fields=True):
    numbers: Annotated[list[PartNumber], msgspec.Meta(min_length=1, max_length=100)]


class ChoiceIn(msgspec.Struct, forbid_unknown_fields=True):
    upload_id: Id


class ArchiveIn(msgspec.Struct, forbid_unknown_fields=True):
    # None: every region (national organizers); a regional organizer names one of theirs.
    region_id: Id | None = None


class UploadOut(msgspec.Struct, kw_only=True):
    id: int
    round_id: int
    slot_id: int
    team_id: int
    version: int
    method: str
    filename: str
    declared_size: int
    size: int | None
    status: str
    created_at: datetime
    finalised_at: datetime | None
    checked_at: datetime | None
    digest: str  # "blake3:<hex>", as `b3sum` computes it; empty until checked
    text: str
    # Multipart uploads: the part size and count the parts must follow.
    part_size: int | None
    part_count: int | None
    problems: list[Message]
    warnings: list[Message]
    notes: list[Message]
    facts: dict[str, Any]


class PostForm(msgspec.Struct):
    """Send the file as the field "file" of a multipart/form-data POST to `url`, after `fields`."""

    url: str
    fields: dict[str, str]


class UploadTicket(msgspec.Struct, kw_only=True):
    """Where the file goes: one POST (`post`), or parts whose URLs are asked for in batches."""

    upload: UploadOut
    expires_at: datetime
    post: PostForm | None = None


class PartUrl(msgspec.Struct):
    number: int
    url: str


class PartUrlsOut(msgspec.Struct):
    urls: list[PartUrl]
    expires_at: datetime


class PartOut(msgspec.Struct):
    number: int
    size: int
    etag: str


class DownloadOut(msgspec.Struct):
    """A short-lived link that downloads the file as an attachment, straight from the object store."""

    url: str
    filename: str
    expires_at: datetime


class SlotEntryOut(msgspec.Struct, kw_only=True):
    slot: SlotOut
    chosen_id: int | None
    submitted_id: int | None
    # Finalised versions, newest first, and uploads still on their way.
    versions: list[UploadOut]
    in_progress: list[UploadOut]


class EntryOut(msgspec.Struct, kw_only=True):
    """A team's entry in a round: each slot's versions and choice, and what it has submitted."""

    round: TeamRoundOut
    team_id: int
    team: str
    slots: list[SlotEntryOut]
    submitted_at: datetime | None
    # Chosen versions differ from the submitted ones: submit again for them to count.
    changed: bool
    # Required slots without a usable chosen version; slots whose chosen version failed its check.
    missing: list[str]
    failed: list[str]
    checking: list[str]
    can_submit: bool
    pinned_at: datetime | None


class TeamStatusOut(msgspec.Struct, kw_only=True):
    team_id: int
    name: str
    region: str
    university: Name
    track: Name
    extra_minutes: int
    submitted_at: datetime | None
    # Of the submitted entry: required slots without an accepted file, failed and pending checks.
    missing: list[str]
    failed: list[str]
    checking: list[str]
    # Slots whose newest finalised version failed its check (the team may still fix them).
    latest_failed: list[str]
    pinned: bool


class RegionCount(msgspec.Struct, kw_only=True):
    teams: int = 0
    submitted: int = 0
    complete: int = 0
    failed: int = 0


Only = Literal["submitted", "unsubmitted", "incomplete", "failed"]


class RoundStatusOut(msgspec.Struct, kw_only=True):
    """Who submitted, what is missing, which checks failed: by region, then one page of teams."""

    round_id: int
    total: int
    by_region: dict[str, RegionCount]
    shown: int
    teams: list[TeamStatusOut]


class PinnedFileOut(msgspec.Struct, kw_only=True):
    slot_id: int
    slot_code: str
    kind: str
    upload_id: int
    filename: str
    size: int
    digest: str  # "blake3:<hex>", as `b3sum` computes it; empty until checked
    text: str


class PinnedEntryOut(msgspec.Struct, kw_only=True):
    """A team's entry as fixed at the round's close: what the judge panel reads."""

    round_id: int
    team_id: int
    pinned_at: datetime
    submitted_at: datetime | None
    complete: bool
    files: list[PinnedFileOut]


class ArchiveOut(msgspec.Struct, kw_only=True):
    id: int
    round_id: int
    region_id: int | None
    status: str
    files: int
    size: int
    error: str
    requested_at: datetime
    finished_at: datetime | None
    # When ready: a short-lived download link.
    url: str | None = None
