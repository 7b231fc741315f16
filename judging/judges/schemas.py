"""Request and response bodies of judge profiles, their rounds and the judge-list import."""

from typing import Annotated

import msgspec

from contest.lib.schemas import Id, Line100, Name, Reason

Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=32, pattern=r"^[^\x00-\x1f\x7f,;，；、]+$")]
Load = Annotated[int, msgspec.Meta(ge=0, le=1000)]


class ProfileIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A judge's whole profile (it replaces the previous one)."""

    university_id: Id | None = None
    # None: a national judge.
    region_id: Id | None = None
    expertise: Annotated[list[Tag], msgspec.Meta(max_length=20)] = []
    # Track ids of the contest; empty: every track.
    tracks: Annotated[list[Id], msgspec.Meta(max_length=20)] = []
    min_load: Load = 0
    max_load: Load | None = None
    note: Reason = ""


class JudgeOut(msgspec.Struct, kw_only=True):
    """A judge of the contest with their profile (the defaults when `has_profile` is false)."""

    user_id: int
    name: str
    email: str
    has_profile: bool
    university_id: int | None
    university: Name | None
    region_id: int | None
    region_code: str | None
    region: Name | None
    expertise: list[str]
    tracks: list[int]
    track_codes: list[str]
    min_load: int
    max_load: int | None
    note: str


class AvailabilityIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A judge's availability in one round; loads None: the profile's."""

    available: bool = True
    min_load: Load | None = None
    max_load: Load | None = None


class AvailabilityOut(msgspec.Struct, kw_only=True):
    user_id: int
    round_id: int
    available: bool
    # The loads in force in this round (the round's own, else the profile's).
    min_load: int
    max_load: int | None
    explicit: bool


class WithdrawIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason


class ImportedRow(msgspec.Struct, kw_only=True):
    """What the import did with one row: `account` is "new" (invited to set a password) or
    "existing" (the person simply gains the judge's right)."""

    line: int
    email: str
    name: str
    user_id: int
    account: str


class ImportOut(msgspec.Struct, kw_only=True):
    created: int
    existing: int
    rows: list[ImportedRow]


class JudgeInviteIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Invite one judge and give them a profile at once."""

    email: Annotated[str, msgspec.Meta(max_length=254, pattern=r"^[^\x00-\x1f\x7f]*$")]
    name: Line100 = ""
    profile: ProfileIn = msgspec.field(default_factory=ProfileIn)
