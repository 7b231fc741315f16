from contest.accounts.principal import GrantView, Principal
from contest.accounts.tables import Role
from frontend.nav import nav_for


def person(kind: str, *roles: Role) -> Principal:
    return Principal(user_id=1, name="x", email="x@y.cn", kind=kind, grants=tuple(GrantView(r, 1) for r in roles))


def hrefs(principal):
    return [item.href for item in nav_for(principal)]


def test_anonymous_visitors_can_sign_in_or_up():
    assert hrefs(None) == ["/", "/leaderboard", "/login", "/register"]


def test_students_see_their_team_and_teachers_their_advised_teams():
    assert "/my/team" in hrefs(person("student")) and "/console" not in hrefs(person("student"))
    assert "/my/advised" in hrefs(person("teacher")) and "/my/team" not in hrefs(person("teacher"))


def test_roles_merge_without_duplicates():
    items = hrefs(person("teacher", Role.JUDGE, Role.ORGANIZER))
    assert "/judge" in items and "/console/teams" in items and "/my/advised" in items
    assert len(items) == len(set(items))
    assert items[-1] == "/me"


def test_admins_see_everything_staff_sees():
    items = hrefs(person("staff", Role.ADMIN))
    assert {"/judge", "/console", "/admin"} <= set(items)
