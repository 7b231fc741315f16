"""The navigation each kind of person sees. Pure: a principal in, menu items out."""

import msgspec

from contest.lib.principal import Principal, Role


class NavItem(msgspec.Struct, frozen=True):
    label: str  # an English msgid, translated by the template
    href: str
    # Settings and rarer pages, folded under "More" so an organizer's menu stays one line on a laptop.
    more: bool = False


# Only pages that exist are listed; entries, judging, rounds and the leaderboard join as they land.
ANONYMOUS = (
    NavItem("Home", "/"),
    NavItem("Contests", "/contests"),
    NavItem("Results", "/results"),
    NavItem("Sign in", "/login"),
    NavItem("Sign up", "/register"),
)
STUDENT = (NavItem("My team", "/my/team"), NavItem("My entry", "/my/entries"), NavItem("My results", "/my/results"))
TEACHER = (NavItem("My teams", "/my/advised"),)
JUDGE = (NavItem("Scoring", "/judge"), NavItem("My assignments", "/judge/assignments"))
ORGANIZER = (
    NavItem("Teams", "/console/teams"),
    NavItem("Rounds", "/console/rounds"),
    NavItem("Judges", "/console/judges"),
    NavItem("Judge assignment", "/console/assignment"),
    NavItem("Result review", "/console/results"),
    NavItem("Judges and organizers", "/console/staff", more=True),
    NavItem("Contest settings", "/console/contest", more=True),
    NavItem("Universities", "/console/universities", more=True),
)
NATIONAL = (NavItem("Undelivered mail", "/console/mail", more=True),)
ADMIN: tuple[NavItem, ...] = ()


def nav_for(principal: Principal | None) -> list[NavItem]:
    """Menu items for this person; several roles merge in a fixed order without duplicates."""
    if principal is None:
        return list(ANONYMOUS)
    items: list[NavItem] = [NavItem("Home", "/"), NavItem("Contests", "/contests"), NavItem("Results", "/results")]
    if principal.kind == "student":
        items += STUDENT
    if principal.kind == "teacher":
        items += TEACHER
    roles = principal.roles
    if Role.JUDGE in roles or Role.ADMIN in roles:
        items += JUDGE
    if Role.ORGANIZER in roles or Role.ADMIN in roles:
        items += ORGANIZER
    if principal.organizes_nationally():
        items += NATIONAL
    if Role.ADMIN in roles:
        items += ADMIN
    items.append(NavItem("Profile", "/me"))
    unique: dict[str, NavItem] = {}
    for item in items:
        unique.setdefault(item.href, item)
    return list(unique.values())
