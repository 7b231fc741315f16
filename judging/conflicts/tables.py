"""Conflicts of interest a judge declared or an organizer added. Same-university and advisor conflicts
are computed from the teams' and accounts' facts and never stored."""

from enum import StrEnum

from piccolo.columns import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from contest.accounts.tables import User
from contest.contests.tables import Contest
from contest.regions.tables import University
from contest.teams.tables import Team


class ConflictSource(StrEnum):
    DECLARED = "declared"  # by the judge
    ORGANIZER = "organizer"


class Conflict(Table):
    """A judge may not review one team, or any team of one university. Removed conflicts are kept
    (with who removed them and when) for the record."""

    id: Serial  # added by Piccolo; declared for type checkers
    contest = ForeignKey(Contest, null=False, index=True)
    judge = ForeignKey(User, null=False, index=True)
    # Exactly one of team and university.
    team = ForeignKey(Team, null=True, default=None)
    university = ForeignKey(University, null=True, default=None)
    source = Varchar(length=16, choices=ConflictSource)
    reason = Text(default="")
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz()
    removed_by = ForeignKey(User, null=True, default=None)
    removed_at = Timestamptz(null=True, default=None)
