"""Request and response bodies of the judge panel: rounds, entries, files and sheets."""

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from contest.lib.schemas import Line32, Name, Reason
from judging.rubrics.schemas import CriterionOut

Text4000 = Annotated[str, msgspec.Meta(max_length=4000, pattern=r"^[^\x00]*$")]
Score = Annotated[float, msgspec.Meta(ge=-1e9, le=1e9)]


class SheetIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A sheet as the judge has it: scores per criterion code (null: not scored yet), the comment to
    the team, the note to organizers, and the version the judge's copy was read at."""

    scores: Annotated[dict[Line32, Score | None], msgspec.Meta(max_length=50)] = {}
    comment: Text4000 = ""
    note: Text4000 = ""
    version: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)]


class RecuseIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason


class SheetOut(msgspec.Struct, kw_only=True):
    """`status` is new (never saved), draft, submitted or recused; `total` is set once every criterion
    is scored; `editable` says whether saving is possible now (`refusal` says why not)."""

    code: str
    status: str
    scores: dict[str, float | None]
    comment: str
    note: str
    version: int
    total: float | None
    opened_at: datetime | None
    saved_at: datetime | None
    submitted_at: datetime | None
    deadline: datetime | None
    editable: bool
    refusal: str | None = None


class PanelEntryOut(msgspec.Struct, kw_only=True):
    """One assigned entry in the judge's list; team and university only where the round is not blind."""

    code: str
    status: str
    total: float | None
    saved_at: datetime | None
    deadline: datetime | None
    track: Name
    team: str | None = None
    university: Name | None = None


class PanelRoundOut(msgspec.Struct, kw_only=True):
    """A round in which the judge has entries, with progress."""

    round_id: int
    name: Name
    kind: str
    blind: bool
    review_opens_at: datetime | None
    review_closes_at: datetime | None
    assigned: int
    submitted: int
    drafts: int


class PanelOut(msgspec.Struct, kw_only=True):
    round: PanelRoundOut
    entries: list[PanelEntryOut]


Viewer = Literal["pdf", "video", "image", "zip", "text"]


class EntryFileOut(msgspec.Struct, kw_only=True):
    """A pinned file under a blind name (entry-<code>-<slot>.<ext>), with a short-lived link from the
    object store (None for a typed value such as the AppID, given in `text`)."""

    slot_code: str
    slot: Name
    viewer: Viewer
    name: str
    size: int
    url: str | None
    text: str = ""


class EntryOut(msgspec.Struct, kw_only=True):
    """An assigned entry as its judge sees it: files, rubric, their sheet, and the neighbours in their
    list for keyboard navigation. Blind rounds carry no team, member, advisor or university name."""

    round_id: int
    round: Name
    code: str
    blind: bool
    track: Name
    team: str | None
    university: Name | None
    files: list[EntryFileOut]
    criteria: list[CriterionOut]
    sheet: SheetOut
    position: int
    count: int
    previous_code: str | None
    next_code: str | None


class TreeItem(msgspec.Struct, kw_only=True):
    path: str
    size: int
    directory: bool
    # Shown as text in the panel (source, configuration, markdown) when small enough.
    text: bool


class TreeOut(msgspec.Struct, kw_only=True):
    name: str
    items: list[TreeItem]
    truncated: bool


class FileTextOut(msgspec.Struct, kw_only=True):
    """One file of a code package as text (never rendered as HTML by the panel)."""

    path: str
    text: str
    truncated: bool


class JudgeSheetOut(msgspec.Struct, kw_only=True):
    """One judge's sheet as organizers read it (the note is theirs alone)."""

    judge_id: int
    judge: str
    status: str
    scores: dict[str, float | None]
    total: float | None
    comment: str
    note: str
    recuse_reason: str
    opened_at: datetime | None
    submitted_at: datetime | None


class EntrySheetsOut(msgspec.Struct, kw_only=True):
    round_id: int
    team_id: int
    team: str
    university: Name
    criteria: list[CriterionOut]
    sheets: list[JudgeSheetOut]
