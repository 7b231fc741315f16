"""Round rules as pure functions: the submission window of one team, what it allows at an instant,
the consistency of a round's settings, and the default sequence of rounds.

Deadlines are instants on the injected clock and the close is exclusive: at `closes_at` itself
uploads are already refused. An upload started before the close may be finished (and the entry
chosen and submitted) until the grace minutes run out; a team's extension moves its close.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import msgspec

from contest.lib.errors import Field, Msg

MAX_GRACE_MINUTES = 24 * 60
MAX_EXTENSION_MINUTES = 7 * 24 * 60


class Window(msgspec.Struct, frozen=True, kw_only=True):
    """One team's submission window in one round."""

    opens_at: datetime | None
    closes_at: datetime | None
    grace_minutes: int = 0
    extra_minutes: int = 0

    @property
    def close(self) -> datetime | None:
        """The team's own close: the round's, moved by its extension."""
        return None if self.closes_at is None else self.closes_at + timedelta(minutes=self.extra_minutes)

    @property
    def grace_end(self) -> datetime | None:
        """Until when an upload started before the close may be finished."""
        close = self.close
        return None if close is None else close + timedelta(minutes=self.grace_minutes)


def state(window: Window, now: datetime) -> str:
    """ "unscheduled", "upcoming", "open", "grace" (only uploads started before the close may finish)
    or "closed"."""
    if window.opens_at is None or window.close is None or window.grace_end is None:
        return "unscheduled"
    if now < window.opens_at:
        return "upcoming"
    if now < window.close:
        return "open"
    return "grace" if now < window.grace_end else "closed"


def issue_refusal(window: Window, now: datetime) -> Msg | None:
    """Why a new upload (or a new AppID) may not start now, or None."""
    current = state(window, now)
    if current == "unscheduled":
        return Msg("Submissions for this round are not scheduled yet.")
    if current == "upcoming":
        return Msg("Submissions for this round open at {when}.", {"when": window.opens_at})
    if current in ("grace", "closed"):
        return Msg(
            "The deadline passed at {when}: nothing new can be uploaded; what was accepted stays.",
            {"when": window.close},
        )
    return None


def finish_refusal(window: Window, now: datetime, started_at: datetime) -> Msg | None:
    """Why an upload started at `started_at` may not be finished (finalised, or resumed) now."""
    current = state(window, now)
    if current == "open":
        return None
    if current == "grace" and window.close is not None and started_at < window.close:
        return None
    if current in ("grace", "closed"):
        until = {"when": window.close, "until": window.grace_end}
        return Msg("The deadline passed at {when}; an upload started before it could be finished until {until}.", until)
    return issue_refusal(window, now)


def entry_refusal(window: Window, now: datetime) -> Msg | None:
    """Why the team may not change its chosen versions or submit now (allowed until grace ends)."""
    if state(window, now) in ("open", "grace"):
        return None
    if state(window, now) == "closed":
        return Msg("The deadline passed at {when}; the entry can no longer change.", {"when": window.close})
    return issue_refusal(window, now)


def pin_due(window: Window, now: datetime, settle: timedelta) -> bool:
    """Whether the team's entry may be pinned: its grace is over and every upload address handed out
    before the close (valid for `settle`) has expired, so nothing can change any more."""
    if window.close is None or window.grace_end is None:
        return False
    return now >= max(window.grace_end, window.close + settle)


def extension_refusal(window: Window, now: datetime, settle: timedelta) -> Msg | None:
    """An extension changes a window only until the team's entry is pinned."""
    if pin_due(window, now, settle):
        return Msg("This team's entry for the round is already final; its deadline can no longer change.")
    return None


def round_problems(values: Mapping[str, Any]) -> dict[str, Field]:
    """What is wrong with a round's settings as a whole (an empty dict: nothing)."""
    problems: dict[str, Field] = {}
    if not str(values.get("name_zh") or "").strip():
        problems["name_zh"] = "required"
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if opens is not None and closes is not None and opens >= closes:
        problems["closes_at"] = "must come after submissions open"
    if (opens is None) != (closes is None):
        problems["closes_at" if closes is None else "opens_at"] = "give both ends of the window"
    if not 0 <= int(values.get("grace_minutes") or 0) <= MAX_GRACE_MINUTES:
        problems["grace_minutes"] = Msg("between 0 and {max}", {"max": MAX_GRACE_MINUTES})
    review_opens, review_closes = values.get("review_opens_at"), values.get("review_closes_at")
    if review_opens is not None and review_closes is not None and review_opens >= review_closes:
        problems["review_closes_at"] = "must come after the review opens"
    if review_opens is not None and closes is not None and review_opens < closes:
        problems["review_opens_at"] = "must not come before submissions close"
    return problems


class SlotSpec(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    kind: str
    name_zh: str
    name_en: str
    required: bool = True
    max_mb: int | None = None
    max_duration_s: int | None = None


class RoundSpec(msgspec.Struct, frozen=True, kw_only=True):
    name_zh: str
    name_en: str
    kind: str
    scope: str
    blind: bool
    all_teams: bool


# The contest's published defaults (DESIGN.md): design document PDF <= 10 MB, demo video MP4
# <= 3 min and <= 300 MB, code package ZIP <= 100 MB, the code image, and the AppID. A slot
# without a size limit of its own gets its kind's.
KIND_MAX_MB = {"pdf": 10, "video": 300, "zip": 100, "image": 5}
DEFAULT_SLOTS = (
    SlotSpec(code="design_document", kind="pdf", name_zh="设计文档", name_en="Design document", max_mb=10),
    SlotSpec(code="demo_video", kind="video", name_zh="演示视频", name_en="Demo video", max_mb=300, max_duration_s=180),
    SlotSpec(code="code_package", kind="zip", name_zh="代码包", name_en="Code package", max_mb=100),
    SlotSpec(code="code_image", kind="image", name_zh="小程序码", name_en="Mini-program code image", max_mb=5),
    SlotSpec(code="appid", kind="appid", name_zh="AppID", name_en="AppID"),
)

# Regional preliminary (every registered team, judges of its region, blind), national semi-final
# (the advanced teams, a national panel), national final (on-site defence).
DEFAULT_ROUNDS = (
    RoundSpec(
        name_zh="赛区初赛", name_en="Regional preliminary", kind="online", scope="regional", blind=True, all_teams=True
    ),
    RoundSpec(
        name_zh="全国复赛", name_en="National semi-final", kind="online", scope="national", blind=False, all_teams=False
    ),
    RoundSpec(
        name_zh="全国总决赛", name_en="National final", kind="onsite", scope="national", blind=False, all_teams=False
    ),
)
