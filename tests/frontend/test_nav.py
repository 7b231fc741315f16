from contest.accounts.tables import Role
from contest.lib.principal import GrantView, Principal
from frontend.nav import nav_for


def person(kind: str, *roles: Role) -> Principal:
    return Principal(user_id=1, name="x", email="x@y.cn", kind=kind, grants=tuple(GrantView(r, 1) for r in roles))


def hrefs(principal):
    return [item.href for item in nav_for(principal)]


def test_anonymous_visitors_can_sign_in_or_up():
    assert hrefs(None) == ["/", "/contests", "/results", "/login", "/register"]


def test_students_see_their_team_and_teachers_their_advised_teams():
    assert hrefs(person("student")) == ["/", "/contests", "/results", "/my/team", "/my/entries", "/my/results", "/me"]
    assert hrefs(person("teacher")) == ["/", "/contests", "/results", "/my/advised", "/me"]


def test_organizers_get_the_console_and_roles_merge_without_duplicates():
    items = hrefs(person("teacher", Role.JUDGE, Role.ORGANIZER, Role.ADMIN))
    assert items == [
        "/",
        "/contests",
        "/results",
        "/my/advised",
        "/judge",
        "/judge/assignments",
        "/console/teams",
        "/console/rounds",
        "/console/judges",
        "/console/assignment",
        "/console/results",
        "/console/staff",
        "/console/contest",
        "/console/universities",
        "/console/mail",
        "/me",
    ]


def test_settings_and_rarer_pages_fold_under_more_and_mail_is_for_national_organizers():
    national = nav_for(person("staff", Role.ORGANIZER))
    assert [i.href for i in national if i.more] == [
        "/console/staff",
        "/console/contest",
        "/console/universities",
        "/console/mail",
    ]
    regional = Principal(
        user_id=2, name="x", email="r@y.cn", kind="staff", grants=(GrantView(Role.ORGANIZER, 1, region_id=3),)
    )
    assert "/console/mail" not in hrefs(regional) and "/console/staff" in hrefs(regional)


def test_every_listed_page_exists():
    """No menu item leads to a missing page (checked against the app's routes)."""
    from contest.lib.settings import load_settings
    from contest.shell.app import create_app

    paths = {route.path for route in create_app(load_settings({})).routes}
    everyone = [None, person("student"), person("teacher"), person("staff", Role.ORGANIZER, Role.ADMIN)]
    assert {href for p in everyone for href in hrefs(p)} <= paths
