"""Result rules as pure functions: a round's default rules, and what stands in the way of publishing."""

from datetime import datetime, timedelta

from judging.advancement import AdvancementRule
from judging.awards import AwardRules, Tier
from judging.ranking import Message
from judging.results.schemas import RulesIn, Snapshot

NATIONAL = "全国"
DEFAULT_TIE_BREAK = ["technical", "innovation"]
DEFAULT_TIERS = [Tier(name="一等奖", percent=5), Tier(name="二等奖", percent=10), Tier(name="三等奖", percent=15)]


def default_rules(*, kind: str, scope: str, has_next: bool, criteria: list[str]) -> RulesIn:
    """The rules a round starts with: the trimmed mean on site and the plain mean online; the top 30%
    of each region's submitting teams (at least 2) advance from a regional round, the top 30%
    nationally from a national one, nobody from the last; first, second and third prizes for 5%,
    10% and 15% of the submitting teams, per region in a regional round and national otherwise."""
    group_by: list = ["region"] if scope == "regional" else []
    advancement = (
        AdvancementRule(group_by=group_by, percent=30, minimum=2, national_label=NATIONAL) if has_next else None
    )
    return RulesIn(
        method="trimmed" if kind == "onsite" else "mean",
        tie_break=[code for code in DEFAULT_TIE_BREAK if code in criteria],
        advancement=advancement,
        awards=AwardRules(tiers=list(DEFAULT_TIERS), group_by=list(group_by), national_label=NATIONAL),
    )


def notice_end(published_at: datetime, days: int) -> datetime:
    """When the notice period (公示) of results published at `published_at` ends."""
    return published_at + timedelta(days=days)


def blocking_problems(snapshot: Snapshot | None) -> list[Message]:
    """What makes a computed run unpublishable whatever the organizer says: a rule that selects nobody."""
    if snapshot is None or snapshot.advancement is None:
        return []
    return list(snapshot.advancement.errors)


def missing_sheets(snapshot: Snapshot) -> int:
    """Sheets the assigned judges have not submitted, over the teams that count."""
    return sum(team.missing for team in snapshot.teams if team.status == "submitted")
