"""Every uploaded version of every slot, the team's choice per slot, its submission, the entries pinned
at each round's close (what the judges read), and the archives of a round's pinned files."""

from enum import StrEnum

from piccolo.columns import JSON, BigInt, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from contest.accounts.tables import User
from contest.regions.tables import Region
from contest.rounds.tables import Round, RoundSlot
from contest.teams.tables import Team


class UploadMethod(StrEnum):
    POST = "post"  # one presigned POST form bound to the key, the type and the exact size
    MULTIPART = "multipart"  # presigned part URLs; resumable; size checked at finalise
    TEXT = "text"  # the AppID, typed


class UploadStatus(StrEnum):
    ISSUED = "issued"  # addresses handed out; the file is on its way
    CHECKING = "checking"  # finalised: stored, and its verification job is queued or running
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # cancelled by the team, or abandoned and cleaned up: never stored


class Upload(Table):
    """One version of one slot of one team's entry. Every finalised version is kept."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False)
    slot = ForeignKey(RoundSlot, null=False)
    team = ForeignKey(Team, null=False, index=True)
    version = Integer()
    method = Varchar(length=16, choices=UploadMethod)
    # Made by the app (never from the file's name); None for a typed AppID.
    key = Varchar(length=300, null=True, default=None, unique=True)
    s3_upload_id = Varchar(length=300, null=True, default=None)
    # Multipart uploads: every part but the last has this size.
    part_size = BigInt(default=0)
    # The name the team's file had: shown, and offered as the download's name.
    filename = Varchar(length=255, default="")
    content_type = Varchar(length=100, default="")
    declared_size = BigInt(default=0)
    size = BigInt(null=True, default=None)
    etag = Varchar(length=100, default="")
    digest = Varchar(length=80, default="")  # "blake3:<hex>" (storage.checks.entry)
    text = Varchar(length=100, default="")
    status = Varchar(length=16, choices=UploadStatus, default=UploadStatus.ISSUED.value, index=True)
    # The check's verdict: {"ok", "problems", "warnings", "notes", "facts"} (message ids and params).
    result = JSON(null=True, default=None)
    created_by = ForeignKey(User, null=False)
    created_at = Timestamptz()
    finalised_at = Timestamptz(null=True, default=None)
    checked_at = Timestamptz(null=True, default=None)


class Choice(Table):
    """The version a team has chosen for a slot (changes until the deadline)."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False)
    team = ForeignKey(Team, null=False, index=True)
    slot = ForeignKey(RoundSlot, null=False)
    upload = ForeignKey(Upload, null=False)
    chosen_by = ForeignKey(User, null=True, default=None)
    chosen_at = Timestamptz()
    # Unique together (team, slot): an index in the migration.


class Entry(Table):
    """A team's submission in a round: the chosen versions as they were when it last submitted."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False)
    team = ForeignKey(Team, null=False, index=True)
    # {"<slot id>": <upload id>, ...}
    submitted = JSON(default={})
    submitted_by = ForeignKey(User, null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    # Unique together (round, team): an index in the migration.


class PinnedEntry(Table):
    """A team's entry fixed at the round's close; never changed afterwards (the judges read it)."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    team = ForeignKey(Team, null=False, index=True)
    submitted_at = Timestamptz(null=True, default=None)
    # Every required slot holds an accepted file.
    complete = Boolean(default=False)
    pinned_at = Timestamptz()
    # Unique together (round, team): an index in the migration.


class PinnedFile(Table):
    """One accepted file (or AppID) of a pinned entry, with what identifies its bytes."""

    id: Serial  # added by Piccolo; declared for type checkers
    entry = ForeignKey(PinnedEntry, null=False, index=True)
    round = ForeignKey(Round, null=False, index=True)
    team = ForeignKey(Team, null=False)
    slot = ForeignKey(RoundSlot, null=False)
    upload = ForeignKey(Upload, null=False)
    slot_code = Varchar(length=32)
    kind = Varchar(length=16)
    key = Varchar(length=300, null=True, default=None)
    filename = Varchar(length=255, default="")
    content_type = Varchar(length=100, default="")
    size = BigInt(default=0)
    digest = Varchar(length=80, default="")  # "blake3:<hex>" (storage.checks.entry)
    etag = Varchar(length=100, default="")
    text = Varchar(length=100, default="")


class ArchiveStatus(StrEnum):
    QUEUED = "queued"
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"


class RoundArchive(Table):
    """A ZIP of a round's pinned files (all regions, or one), built by a job into the object store."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    region = ForeignKey(Region, null=True, default=None)
    status = Varchar(length=16, choices=ArchiveStatus, default=ArchiveStatus.QUEUED.value)
    key = Varchar(length=300, null=True, default=None)
    files = Integer(default=0)
    size = BigInt(default=0)
    error = Text(default="")
    requested_by = ForeignKey(User, null=True, default=None)
    requested_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
