"""Route access guards and the current-user dependencies.

Every route must carry exactly one guard (the app refuses to start otherwise), so "who may call
this" is written next to the route: default deny. A guard is the coarse first gate; each domain's
`access.py` decides about the very object inside the service's transaction.
"""

from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from contest.lib.errors import Forbidden, NotFound, Unauthorized
from contest.lib.principal import Principal, Role
from contest.lib.schemas import MAX_ID

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]
ACCESS_ATTRIBUTE = "__access__"


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The signed-in person, set on the scope by the authentication middleware."""
    principal = connection.scope.get("principal")  # type: ignore[call-overload]
    return principal if isinstance(principal, Principal) else None


def _access(name: str) -> Callable[[Guard], Guard]:
    def mark(guard: Guard) -> Guard:
        setattr(guard, ACCESS_ATTRIBUTE, name)
        return guard

    return mark


@_access("public")
def public(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Anyone, signed in or not."""


@_access("authenticated")
def authenticated(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Any signed-in person."""
    if principal_of(connection) is None:
        raise Unauthorized("Please sign in first.")


def requires_role(role: Role) -> Guard:
    """Holders of `role` (for the contest in the path, when there is one), and admins."""

    @_access(f"role:{role.value}")
    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        principal = principal_of(connection)
        if principal is None:
            raise Unauthorized("Please sign in first.")
        contest_id = connection.path_params.get("contest_id")
        if not principal.has_role(role, contest_id if isinstance(contest_id, int) else None):
            raise Forbidden("You do not have the right to do this.")

    guard.__name__ = f"requires_{role.value}"
    return guard


admin = requires_role(Role.ADMIN)
organizer = requires_role(Role.ORGANIZER)
judge = requires_role(Role.JUDGE)


def ids_in_range(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Not an access guard but one every route carries (set on the app): an id in the path beyond
    what an id column holds names nothing, so it is a 404 before any query (SQLite would overflow
    at 2^63, PostgreSQL at 2^31)."""
    for value in connection.path_params.values():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise NotFound("Not found.")


def access_of(guards: list[Any]) -> list[str]:
    """The access declarations among a route's resolved guards."""
    return [getattr(g, ACCESS_ATTRIBUTE) for g in guards if hasattr(g, ACCESS_ATTRIBUTE)]


def provide_actor(request: Request[Any, Any, Any]) -> Principal:
    """The `actor` dependency: the signed-in person (401 when nobody is)."""
    principal = principal_of(request)
    if principal is None:
        raise Unauthorized("Please sign in first.")
    return principal


def provide_viewer(request: Request[Any, Any, Any]) -> Principal | None:
    """The `viewer` dependency: the signed-in person, or None on public pages."""
    return principal_of(request)
