"""Request and response bodies of rounds, slots, participants and extensions."""

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from contest.lib.schemas import Id, Instant, Line100, Name, Patch, Reason

Kind = Literal["online", "onsite"]
Scope = Literal["regional", "national"]
SlotKind = Literal["pdf", "video", "zip", "image", "appid"]
SlotCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{1,31}$")]
Grace = Annotated[int, msgspec.Meta(ge=0, le=24 * 60)]
Megabytes = Annotated[int, msgspec.Meta(ge=1, le=2048)]
Seconds = Annotated[int, msgspec.Meta(ge=1, le=3600)]
Pages = Annotated[int, msgspec.Meta(ge=1, le=2000)]
Order = Annotated[int, msgspec.Meta(ge=0, le=1000)]


class SlotIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    code: SlotCode
    kind: SlotKind
    name_zh: Line100
    name_en: Line100 = ""
    required: bool = True
    # Limits (None: the kind's default); a duration applies to videos, pages to PDFs.
    max_mb: Megabytes | None = None
    max_duration_s: Seconds | None = None
    max_pages: Pages | None = None


class SlotPatch(Patch):
    """A slot's code and kind stay; names, whether it is required and its limits change."""

    name_zh: Line100 | msgspec.UnsetType = msgspec.UNSET
    name_en: Line100 | msgspec.UnsetType = msgspec.UNSET
    required: bool | msgspec.UnsetType = msgspec.UNSET
    max_mb: Megabytes | msgspec.UnsetType | None = msgspec.UNSET
    max_duration_s: Seconds | msgspec.UnsetType | None = msgspec.UNSET
    max_pages: Pages | msgspec.UnsetType | None = msgspec.UNSET
    sort_order: Order | msgspec.UnsetType = msgspec.UNSET


class SlotOut(msgspec.Struct, kw_only=True):
    id: int
    code: str
    kind: str
    name_zh: str
    name_en: str
    required: bool
    max_mb: int | None
    max_duration_s: int | None
    max_pages: int | None
    sort_order: int


class RoundIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name_zh: Line100
    name_en: Line100 = ""
    kind: Kind = "online"
    scope: Scope = "regional"
    blind: bool = False
    opens_at: Instant | None = None
    closes_at: Instant | None = None
    grace_minutes: Grace = 0
    review_opens_at: Instant | None = None
    review_closes_at: Instant | None = None
    all_teams: bool = False
    # None: the default slots (design document, demo video, code package, code image, AppID).
    slots: list[SlotIn] | None = None


class RoundPatch(Patch):
    """Only the settings given change (UNSET: leave as is; null clears a time)."""

    name_zh: Line100 | msgspec.UnsetType = msgspec.UNSET
    name_en: Line100 | msgspec.UnsetType = msgspec.UNSET
    kind: Kind | msgspec.UnsetType = msgspec.UNSET
    scope: Scope | msgspec.UnsetType = msgspec.UNSET
    blind: bool | msgspec.UnsetType = msgspec.UNSET
    opens_at: Instant | msgspec.UnsetType | None = msgspec.UNSET
    closes_at: Instant | msgspec.UnsetType | None = msgspec.UNSET
    grace_minutes: Grace | msgspec.UnsetType = msgspec.UNSET
    review_opens_at: Instant | msgspec.UnsetType | None = msgspec.UNSET
    review_closes_at: Instant | msgspec.UnsetType | None = msgspec.UNSET
    all_teams: bool | msgspec.UnsetType = msgspec.UNSET
    position: Annotated[int, msgspec.Meta(ge=1, le=20)] | msgspec.UnsetType = msgspec.UNSET


class RoundOut(msgspec.Struct, kw_only=True):
    id: int
    contest_id: int
    position: int
    name_zh: str
    name_en: str
    kind: str
    scope: str
    blind: bool
    opens_at: datetime | None
    closes_at: datetime | None
    grace_minutes: int
    review_opens_at: datetime | None
    review_closes_at: datetime | None
    all_teams: bool
    # unscheduled, upcoming, open, grace or closed, by the server's clock (no extension counted).
    state: str
    slots: list[SlotOut]


class TeamRoundOut(msgspec.Struct, kw_only=True):
    """A round as one team sees it: its own window (the round's, moved by its extension)."""

    round: RoundOut
    team_id: int
    takes_part: bool
    extra_minutes: int
    closes_at: datetime | None
    grace_ends_at: datetime | None
    state: str


class ParticipantsIn(msgspec.Struct, forbid_unknown_fields=True):
    """The whole list of teams taking part (replaces the previous one)."""

    team_ids: Annotated[list[Id], msgspec.Meta(max_length=20_000)]


class ParticipantOut(msgspec.Struct, kw_only=True):
    team_id: int
    name: str
    status: str
    university: Name
    region: str
    track: Name
    source: str
    extra_minutes: int


class ParticipantListOut(msgspec.Struct, kw_only=True):
    all_teams: bool
    total: int
    participants: list[ParticipantOut]


class ExtensionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    team_id: Id
    # 0 removes the extension.
    minutes: Annotated[int, msgspec.Meta(ge=0, le=7 * 24 * 60)]
    reason: Reason


class ExtensionOut(msgspec.Struct, kw_only=True):
    team_id: int
    team: str
    minutes: int
    reason: str
    granted_by: str
    granted_at: datetime
    closes_at: datetime | None
