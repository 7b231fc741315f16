"""Request and response bodies of the accounts API."""

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from contest.schemas import Patch

Language = Literal["zh-CN", "en"]
Email = Annotated[str, msgspec.Meta(max_length=254)]
Password = Annotated[str, msgspec.Meta(max_length=200)]
ShortText = Annotated[str, msgspec.Meta(max_length=100)]


class RegisterIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: Email
    name: ShortText
    password: Password
    kind: Literal["student", "teacher"]
    consent: bool
    language: Language = "zh-CN"
    university_id: int | None = None
    student_number: Annotated[str, msgspec.Meta(max_length=32)] = ""
    college: ShortText = ""
    major: ShortText = ""
    year: Annotated[int, msgspec.Meta(ge=1, le=10)] | None = None
    phone: Annotated[str, msgspec.Meta(max_length=32)] = ""


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password


class TokenIn(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(max_length=200)]


class EmailIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class PasswordResetIn(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(max_length=200)]
    password: Password


class ProfilePatch(Patch):
    """Only the fields given change (UNSET means: leave as is)."""

    name: ShortText | msgspec.UnsetType = msgspec.UNSET
    student_number: Annotated[str, msgspec.Meta(max_length=32)] | msgspec.UnsetType = msgspec.UNSET
    college: ShortText | msgspec.UnsetType = msgspec.UNSET
    major: ShortText | msgspec.UnsetType = msgspec.UNSET
    year: Annotated[int, msgspec.Meta(ge=1, le=10)] | msgspec.UnsetType | None = msgspec.UNSET
    phone: Annotated[str, msgspec.Meta(max_length=32)] | msgspec.UnsetType = msgspec.UNSET
    language: Language | msgspec.UnsetType = msgspec.UNSET
    university_id: int | msgspec.UnsetType | None = msgspec.UNSET

    def changes(self) -> dict[str, Any]:
        values = super().changes()
        if "university_id" in values:
            values["university"] = values.pop("university_id")
        return values


class GrantOut(msgspec.Struct):
    role: str
    contest_id: int | None
    region_id: int | None


class UserOut(msgspec.Struct, kw_only=True):
    id: int
    email: str
    name: str
    kind: str
    language: str
    email_verified: bool
    university_id: int | None
    university_name: str | None
    student_number: str
    college: str
    major: str
    year: int | None
    phone: str
    teacher_status: str
    grants: list[GrantOut]


class LoginOut(msgspec.Struct):
    user: UserOut
    # Send it back as X-CSRF-Token on state-changing requests made with the session cookie.
    csrf_token: str


class RegisteredOut(msgspec.Struct):
    id: int
    email: str
    message: str


class MessageOut(msgspec.Struct):
    message: str


class ApiTokenIn(msgspec.Struct, forbid_unknown_fields=True):
    name: ShortText


class ApiTokenOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class ApiTokenCreatedOut(msgspec.Struct):
    id: int
    name: str
    # Shown once; only its hash is kept.
    token: str


class StaffInviteIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: Email
    role: Literal["judge", "organizer"]
    name: ShortText = ""
    region_id: int | None = None
    # The language of a new account and of its invitation mail.
    language: Language = "zh-CN"


class StaffOut(msgspec.Struct, kw_only=True):
    """A judge's or organizer's grant; `region_id` None means every region."""

    user_id: int
    name: str
    email: str
    role: str
    region_id: int | None
    created_at: datetime


class TeacherOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    email: str
    university_name: str | None
    created_at: datetime


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    approve: bool
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""
