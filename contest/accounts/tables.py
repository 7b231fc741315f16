"""Accounts: one per person; rights are grants scoped by contest (and region)."""

from enum import StrEnum

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from contest.contests.tables import Contest
from contest.regions.tables import Region


class AccountKind(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    # Judges and organizers who are neither (industry experts, staff).
    STAFF = "staff"


class Role(StrEnum):
    ADMIN = "admin"
    ORGANIZER = "organizer"
    JUDGE = "judge"


class User(Table, tablename="users"):
    email = Varchar(length=254, unique=True, index=True)
    name = Varchar(length=100)
    kind = Varchar(length=16, choices=AccountKind)
    # Empty until the person sets one (an invited judge, say).
    password_hash = Varchar(length=255, null=True, default=None)
    language = Varchar(length=8, default="zh-CN")
    is_active = Boolean(default=True)
    created_at = Timestamptz()


class Grant(Table):
    """A right held by a user: admin (global), organizer or judge of a contest, maybe one region."""

    user = ForeignKey(User, null=False)
    role = Varchar(length=16, choices=Role)
    contest = ForeignKey(Contest, null=True, default=None)
    region = ForeignKey(Region, null=True, default=None)
    created_at = Timestamptz()
