"""Request and response bodies of teams, invitations, advisors and roster change requests."""

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

import msgspec

from contest.lib.schemas import Email, Id, Line32, Line100, Name, Reason


class TeamStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    DISQUALIFIED = "disqualified"


class ChangeKind(StrEnum):
    """The roster changes a locked team may ask for; each names a person one way."""

    ADD_MEMBER = "add_member"
    REMOVE_MEMBER = "remove_member"
    TRANSFER_LEADER = "transfer_leader"
    SET_ADVISOR = "set_advisor"
    REMOVE_ADVISOR = "remove_advisor"

    @property
    def names_by(self) -> Literal["email", "user_id", "nobody"]:
        """How the change names its subject: a new person by e-mail, a member by id, or nobody."""
        if self in (ChangeKind.ADD_MEMBER, ChangeKind.SET_ADVISOR):
            return "email"
        if self in (ChangeKind.REMOVE_MEMBER, ChangeKind.TRANSFER_LEADER):
            return "user_id"
        return "nobody"


class TeamIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Line100
    track_id: Id


class InvitationIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class JoinCodeIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Line32


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Id


class InvitationRef(msgspec.Struct, forbid_unknown_fields=True):
    invitation_id: Id


class ReasonIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason = ""


class ChangeIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    op: ChangeKind
    email: Email | None = None
    user_id: Id | None = None
    reason: Reason = ""


class ChangeAnswerIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    approve: bool
    # An organizer answering for an unresponsive member names them and gives a reason.
    member_id: Id | None = None
    reason: Reason = ""


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    accept: bool
    reason: Reason = ""


class StatusIn(msgspec.Struct, forbid_unknown_fields=True):
    disqualify: bool
    reason: Reason


class MemberOut(msgspec.Struct):
    user_id: int
    name: str
    email: str
    joined_at: datetime


class InvitationOut(msgspec.Struct):
    id: int
    email: str
    status: str
    expires_at: datetime


class AdvisorOut(msgspec.Struct):
    user_id: int
    name: str
    status: str


class ChangeRequestOut(msgspec.Struct):
    id: int
    change: dict[str, Any]
    status: str
    reason: str
    requested_by: int
    created_at: datetime
    # Members who have answered (the requester approves by asking).
    answered_by: list[int]
    # Whom the change is about: the e-mail it names or the member's name.
    who: str


class TeamOut(msgspec.Struct, kw_only=True):
    id: int
    contest_id: int
    name: str
    status: str
    status_reason: str
    track_id: int
    track_name: str
    track: Name
    university_id: int
    university_name: str
    university: Name
    region_id: int
    leader_id: int
    locked: bool
    deadline: datetime | None
    join_code: str | None
    members: list[MemberOut]
    invitations: list[InvitationOut]
    advisors: list[AdvisorOut]
    change_requests: list[ChangeRequestOut]


class JoinCodeOut(msgspec.Struct):
    code: str | None


class TeamRef(msgspec.Struct):
    team_id: int


class IdOut(msgspec.Struct):
    id: int


class TeamRowOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    status: str
    created_at: datetime
    university: str
    university_en: str
    region: str
    region_name: Name
    track: str
    track_en: str
    leader_name: str
    leader_email: str
    members: int


class TeamListOut(msgspec.Struct):
    teams: list[TeamRowOut]
    total: int
    by_status: dict[str, int]
    by_region: dict[str, int]


class PendingChangeOut(msgspec.Struct, kw_only=True):
    """A change request waiting for an organizer, with how many members have answered."""

    id: int
    team_id: int
    team: str
    change: dict[str, Any]
    reason: str
    created_at: datetime
    who: str
    answered: int
    members: int


class AdvisedTeamOut(msgspec.Struct, kw_only=True):
    """A team a teacher advises (confirmed, with the team) or is asked to advise (pending)."""

    team_id: int
    name: str
    team_status: str
    contest: Name
    status: str
    team: TeamOut | None = None


class LinkView(msgspec.Struct, kw_only=True):
    """What a mailed link (team invitation, advisor request) is about, for the page it opens."""

    team: str
    email: str = ""
    status: str = ""
