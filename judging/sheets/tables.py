"""One judge's sheet on one team's entry in one round."""

from enum import StrEnum

from piccolo.columns import JSON, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from contest.accounts.tables import User
from contest.rounds.tables import Round
from contest.teams.tables import Team


class SheetStatus(StrEnum):
    DRAFT = "draft"  # saved, counts for nothing yet
    SUBMITTED = "submitted"  # counts in the results; the judge may edit it until the review window closes
    RECUSED = "recused"  # the judge stepped back (with a reason); the assignment work finds another


class ScoreSheet(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    team = ForeignKey(Team, null=False)
    judge = ForeignKey(User, null=False, index=True)
    status = Varchar(length=16, choices=SheetStatus, default=SheetStatus.DRAFT.value)
    # {"<criterion code>": score or null}
    scores = JSON(default={})
    # To the team, shown with its results; the note is for organizers only.
    comment = Text(default="")
    note = Text(default="")
    recuse_reason = Text(default="")
    # Optimistic locking: every save names the version it read and gets the next one.
    version = Integer(default=0)
    opened_at = Timestamptz()
    saved_at = Timestamptz(null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    # Unique together (round, team, judge): an index in the migration.
