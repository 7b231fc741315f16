"""Teams, their members, invitations, advisors and roster change requests."""

from enum import StrEnum

from piccolo.columns import JSON, Boolean, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from contest.accounts.tables import User
from contest.contests.tables import Contest, Track
from contest.regions.tables import University
from contest.teams.schemas import TeamStatus


class Team(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    contest = ForeignKey(Contest, null=False, index=True)
    track = ForeignKey(Track, null=False)
    university = ForeignKey(University, null=False, index=True)
    name = Varchar(length=60)
    status = Varchar(length=16, choices=TeamStatus, default=TeamStatus.ACTIVE.value)
    status_reason = Text(default="")
    leader = ForeignKey(User, null=False)
    # The revocable join code the leader shares with teammates (None when there is none).
    join_code = Varchar(length=16, null=True, default=None, unique=True)
    created_at = Timestamptz()
    # Unique together (contest, name): a unique index in the migration (SQLite cannot add constraints).


class TeamMember(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    team = ForeignKey(Team, null=False, index=True)
    user = ForeignKey(User, null=False, index=True)
    # Denormalised so the database itself enforces one team per student per contest.
    contest = ForeignKey(Contest, null=False)
    joined_at = Timestamptz()
    # Unique together (contest, user): one team per student per contest, enforced by an index.


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


class Invitation(Table):
    """A single-use e-mail invitation to join a team."""

    id: Serial  # added by Piccolo; declared for type checkers
    team = ForeignKey(Team, null=False, index=True)
    email = Varchar(length=254)
    token_hash = Varchar(length=64, unique=True, index=True)
    status = Varchar(length=16, choices=InvitationStatus, default=InvitationStatus.PENDING.value)
    invited_by = ForeignKey(User, null=False)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    responded_at = Timestamptz(null=True, default=None)


class AdvisorStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    REMOVED = "removed"


# Advisors who count towards a team's limit: asked and not yet answered, or confirmed.
ACTIVE_ADVISOR_STATUSES = (AdvisorStatus.PENDING.value, AdvisorStatus.CONFIRMED.value)


class TeamAdvisor(Table):
    """A teacher advising a team: a relation, not a role. Confirmed by the teacher through a link."""

    id: Serial  # added by Piccolo; declared for type checkers
    team = ForeignKey(Team, null=False, index=True)
    user = ForeignKey(User, null=False, index=True)
    status = Varchar(length=16, choices=AdvisorStatus, default=AdvisorStatus.PENDING.value)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    responded_at = Timestamptz(null=True, default=None)


class ChangeStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class ChangeRequest(Table):
    """A roster change after the lock: every current member approves, then an organizer decides."""

    id: Serial  # added by Piccolo; declared for type checkers
    team = ForeignKey(Team, null=False, index=True)
    requested_by = ForeignKey(User, null=False)
    # e.g. {"op": "add_member", "email": ...} / {"op": "remove_member", "user_id": ...}
    change = JSON()
    reason = Text(default="")
    status = Varchar(length=16, choices=ChangeStatus, default=ChangeStatus.PENDING.value)
    decided_by = ForeignKey(User, null=True, default=None)
    decision_reason = Text(default="")
    created_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)


class ChangeApproval(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    request = ForeignKey(ChangeRequest, null=False, index=True)
    member = ForeignKey(User, null=False)
    approved = Boolean()
    # Set when an organizer stood in for an unresponsive member.
    overridden_by = ForeignKey(User, null=True, default=None)
    reason = Text(default="")
    at = Timestamptz()
    # Unique together (request, member): one answer per member.
