"""Rounds, the file slots of each, the teams listed for a round and per-team deadline extensions."""

from enum import StrEnum

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from contest.accounts.tables import User
from contest.contests.tables import Contest
from contest.teams.tables import Team


class RoundKind(StrEnum):
    ONLINE = "online"  # online review of submitted entries
    ONSITE = "onsite"  # on-site defence before a panel


class RoundScope(StrEnum):
    REGIONAL = "regional"
    NATIONAL = "national"


class Round(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    contest = ForeignKey(Contest, null=False, index=True)
    # 1, 2, 3 ...: the order of the rounds within the contest.
    position = Integer()
    name_zh = Varchar(length=100)
    name_en = Varchar(length=100, default="")
    kind = Varchar(length=16, choices=RoundKind, default=RoundKind.ONLINE.value)
    scope = Varchar(length=16, choices=RoundScope, default=RoundScope.REGIONAL.value)
    blind = Boolean(default=False)
    # The submission window (UTC): uploads start before `closes_at`; one started before it may
    # still be finished during `grace_minutes`.
    opens_at = Timestamptz(null=True, default=None)
    closes_at = Timestamptz(null=True, default=None)
    grace_minutes = Integer(default=0)
    review_opens_at = Timestamptz(null=True, default=None)
    review_closes_at = Timestamptz(null=True, default=None)
    # True: every active team of the contest takes part (round 1); False: the teams listed in
    # RoundTeam (set by organizers until results exist, then by the scoring work).
    all_teams = Boolean(default=False)
    created_at = Timestamptz()


class RoundSlot(Table):
    """One file (or text) a team hands in for a round, with its limits."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    code = Varchar(length=32)
    # pdf, video, zip, image or appid (storage.checks.SlotKind)
    kind = Varchar(length=16)
    name_zh = Varchar(length=100)
    name_en = Varchar(length=100, default="")
    required = Boolean(default=True)
    max_mb = Integer(null=True, default=None)
    max_duration_s = Integer(null=True, default=None)
    max_pages = Integer(null=True, default=None)
    sort_order = Integer(default=0)
    # Unique together (round, code): an index in the migration.


class ParticipantSource(StrEnum):
    ORGANIZER = "organizer"
    RESULTS = "results"


class RoundTeam(Table):
    """A team taking part in a round whose participants are listed (not `all_teams`)."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    team = ForeignKey(Team, null=False, index=True)
    source = Varchar(length=16, choices=ParticipantSource, default=ParticipantSource.ORGANIZER.value)
    added_by = ForeignKey(User, null=True, default=None)
    added_at = Timestamptz()
    # Unique together (round, team): an index in the migration.


class Extension(Table):
    """Extra submission time for one team in one round (CMS's "extra time"), with its reason."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    team = ForeignKey(Team, null=False, index=True)
    minutes = Integer()
    reason = Text()
    granted_by = ForeignKey(User, null=True, default=None)
    granted_at = Timestamptz()
    # Unique together (round, team): an index in the migration.
