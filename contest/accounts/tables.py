"""Accounts: one per person; rights are grants scoped by contest (and region)."""

from enum import StrEnum

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from contest.accounts.schemas import AccountKind, TeacherStatus
from contest.contests.tables import Contest
from contest.lib.principal import Role
from contest.regions.tables import Region, University


class User(Table, tablename="users"):
    id: Serial  # added by Piccolo; declared for type checkers
    email = Varchar(length=254, unique=True, index=True)
    name = Varchar(length=100)
    kind = Varchar(length=16, choices=AccountKind)
    # Empty until the person sets one (an invited judge, say).
    password_hash = Varchar(length=255, null=True, default=None)
    language = Varchar(length=8, default="zh-CN")
    is_active = Boolean(default=True)
    created_at = Timestamptz()
    email_verified_at = Timestamptz(null=True, default=None)
    # Profile fields a contest needs for eligibility and certificates.
    university = ForeignKey(University, null=True, default=None)
    student_number = Varchar(length=32, default="")
    college = Varchar(length=100, default="")
    major = Varchar(length=100, default="")
    year = Integer(null=True, default=None)
    phone = Varchar(length=32, default="")
    # When the person accepted the contest's personal-data notice.
    consent_at = Timestamptz(null=True, default=None)
    teacher_status = Varchar(length=16, choices=TeacherStatus, default=TeacherStatus.NOT_TEACHER.value)


class Grant(Table):
    """A right held by a user: admin (global), organizer or judge of a contest, maybe one region."""

    id: Serial  # added by Piccolo; declared for type checkers
    user = ForeignKey(User, null=False)
    role = Varchar(length=16, choices=Role)
    contest = ForeignKey(Contest, null=True, default=None)
    region = ForeignKey(Region, null=True, default=None)
    created_at = Timestamptz()


class Session(Table, tablename="user_session"):
    """A browser session. Kept in the database so every app process sees the same sessions."""

    id: Serial  # added by Piccolo; declared for type checkers
    # SHA-256 of the cookie's secret: a leaked table does not leak live sessions.
    token_hash = Varchar(length=64, unique=True, index=True)
    user = ForeignKey(User, null=False, index=True)
    csrf_token = Varchar(length=64)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    last_seen_at = Timestamptz()


class ApiToken(Table):
    """A personal API token for scripts (Authorization: Bearer)."""

    id: Serial  # added by Piccolo; declared for type checkers
    token_hash = Varchar(length=64, unique=True, index=True)
    user = ForeignKey(User, null=False, index=True)
    name = Varchar(length=100)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


class EmailToken(Table):
    """A single-use link sent by e-mail (verification, password reset)."""

    id: Serial  # added by Piccolo; declared for type checkers
    token_hash = Varchar(length=64, unique=True, index=True)
    purpose = Varchar(length=32, choices=TokenPurpose)
    user = ForeignKey(User, null=False, index=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
