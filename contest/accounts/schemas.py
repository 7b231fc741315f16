"""Request and response bodies of the accounts API."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

import msgspec

from contest.lib.schemas import ONE_LINE, Email, EmailAddress, Id, Line32, Line100, MailedToken, Name, Patch, Reason


class AccountKind(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    # Judges and organizers who are neither (industry experts, staff).
    STAFF = "staff"


class TeacherStatus(StrEnum):
    NOT_TEACHER = "n/a"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


Language = Literal["zh-CN", "en"]
MIN_PASSWORD = 10
MAX_PASSWORD = 200
# A password as typed to sign in, whatever it is.
Password = Annotated[str, msgspec.Meta(max_length=MAX_PASSWORD)]
# A password being set. The service checks the length itself (so people read "use at least 10
# characters", not a schema message) and refuses easy guesses; the document states what it enforces.
NewPassword = Annotated[
    str,
    msgspec.Meta(
        max_length=MAX_PASSWORD,
        extra_json_schema={
            "description": (
                "10 to 200 characters; letters mixed with digits or symbols unless it has 16 or more; "
                "not a common password, nor the e-mail address or name."
            ),
            "extra": {"min_length": MIN_PASSWORD},
        },
    ),
]
# A person's name: spaces collapse, so it needs at least one other character.
PersonName = Annotated[
    str,
    msgspec.Meta(
        max_length=100,
        pattern=ONE_LINE,
        extra_json_schema={
            "extra": {"min_length": 1, "pattern": r"^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$"}
        },
    ),
]
ShortText = Line100
StudentNumber = Line32
Phone = Line32


class RegisterIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A student names their university; `consent` must be true (the personal-data notice)."""

    email: EmailAddress
    name: PersonName
    password: NewPassword
    kind: Literal["student", "teacher"]
    consent: bool
    language: Language = "zh-CN"
    university_id: Id | None = None
    student_number: StudentNumber = ""
    college: ShortText = ""
    major: ShortText = ""
    year: Annotated[int, msgspec.Meta(ge=1, le=10)] | None = None
    phone: Phone = ""


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password


class TokenIn(msgspec.Struct, forbid_unknown_fields=True):
    token: MailedToken


class EmailIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class PasswordResetIn(msgspec.Struct, forbid_unknown_fields=True):
    token: MailedToken
    password: NewPassword


class ProfilePatch(Patch):
    """Only the fields given change (UNSET means: leave as is)."""

    name: ShortText | msgspec.UnsetType = msgspec.UNSET
    student_number: StudentNumber | msgspec.UnsetType = msgspec.UNSET
    college: ShortText | msgspec.UnsetType = msgspec.UNSET
    major: ShortText | msgspec.UnsetType = msgspec.UNSET
    year: Annotated[int, msgspec.Meta(ge=1, le=10)] | msgspec.UnsetType | None = msgspec.UNSET
    phone: Phone | msgspec.UnsetType = msgspec.UNSET
    language: Language | msgspec.UnsetType = msgspec.UNSET
    university_id: Id | msgspec.UnsetType | None = msgspec.UNSET


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
    # The university's name in both languages (None: no university).
    university: Name | None
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
    region_id: Id | None = None
    # The language of a new account and of its invitation mail.
    language: Language = "zh-CN"


class StaffOut(msgspec.Struct, kw_only=True):
    """A judge's or organizer's grant; `region_id` None means every region."""

    user_id: int
    name: str
    email: str
    role: str
    region_id: int | None
    # The region's name in both languages (None: national).
    region: Name | None
    created_at: datetime


class TeacherOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    email: str
    university_name: str | None
    university: Name | None
    created_at: datetime


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    approve: bool
    reason: Reason = ""


class LoggedIn(msgspec.Struct, frozen=True):
    """A fresh session: the cookie's secret and the CSRF token that goes with it."""

    user_id: int
    secret: str
    csrf: str


class Account(msgspec.Struct, frozen=True, kw_only=True):
    """An account as other domains see it (teams: who joins, who advises, whom to mail)."""

    id: int
    email: str
    name: str
    kind: str
    language: str
    university_id: int | None
    verified: bool
    teacher_confirmed: bool
