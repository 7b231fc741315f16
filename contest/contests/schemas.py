"""Request and response bodies of the contest API."""

from datetime import datetime
from typing import Annotated

import msgspec

from contest.lib.schemas import ONE_LINE, Instant, Line64, Line100, Line200, Notice, Patch

Name = Line200
TrackName = Line100
Size = Annotated[int, msgspec.Meta(ge=0, le=100)]


class TrackOut(msgspec.Struct, kw_only=True):
    id: int
    code: str
    name_zh: str
    name_en: str
    sort_order: int


class ContestOut(msgspec.Struct, kw_only=True):
    id: int
    slug: str
    name_zh: str
    name_en: str
    time_zone: str
    registration_opens_at: datetime | None
    registration_deadline: datetime | None
    min_team_size: int
    max_team_size: int
    max_advisors: int
    same_university: bool
    privacy_notice_zh: str
    privacy_notice_en: str
    announcement_zh: str
    announcement_en: str
    tracks: list[TrackOut]


class TrackIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    code: Annotated[str, msgspec.Meta(max_length=32, pattern=ONE_LINE)]
    name_zh: TrackName
    name_en: TrackName = ""


class ContestIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    slug: Annotated[str, msgspec.Meta(max_length=63, pattern=ONE_LINE)]
    name_zh: Name
    name_en: Name = ""
    time_zone: Line64 = "Asia/Shanghai"
    registration_opens_at: Instant | None = None
    registration_deadline: Instant | None = None
    announcement_zh: Notice = ""
    announcement_en: Notice = ""
    # None: the default tracks (mini-program application, mini-game).
    tracks: list[TrackIn] | None = None


class ContestPatch(Patch):
    """Only the settings given change (UNSET: leave as is; null clears a time)."""

    name_zh: Name | msgspec.UnsetType = msgspec.UNSET
    name_en: Name | msgspec.UnsetType = msgspec.UNSET
    time_zone: Line64 | msgspec.UnsetType = msgspec.UNSET
    registration_opens_at: Instant | msgspec.UnsetType | None = msgspec.UNSET
    registration_deadline: Instant | msgspec.UnsetType | None = msgspec.UNSET
    min_team_size: Size | msgspec.UnsetType = msgspec.UNSET
    max_team_size: Size | msgspec.UnsetType = msgspec.UNSET
    max_advisors: Size | msgspec.UnsetType = msgspec.UNSET
    same_university: bool | msgspec.UnsetType = msgspec.UNSET
    privacy_notice_zh: Notice | msgspec.UnsetType = msgspec.UNSET
    privacy_notice_en: Notice | msgspec.UnsetType = msgspec.UNSET
    announcement_zh: Notice | msgspec.UnsetType = msgspec.UNSET
    announcement_en: Notice | msgspec.UnsetType = msgspec.UNSET


class TrackPatch(Patch):
    name_zh: TrackName | msgspec.UnsetType = msgspec.UNSET
    name_en: TrackName | msgspec.UnsetType = msgspec.UNSET
    sort_order: Annotated[int, msgspec.Meta(ge=0, le=1000)] | msgspec.UnsetType = msgspec.UNSET
