"""Who is calling: the signed-in person and their grants. Every service takes one."""

from enum import StrEnum

import msgspec


class Role(StrEnum):
    ADMIN = "admin"
    ORGANIZER = "organizer"
    JUDGE = "judge"


class GrantView(msgspec.Struct, frozen=True):
    role: Role
    contest_id: int | None = None
    region_id: int | None = None


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    user_id: int
    name: str
    email: str
    kind: str
    language: str = "zh-CN"
    grants: tuple[GrantView, ...] = ()
    # Whether the person has proved their e-mail address (pages show a banner until then).
    verified: bool = True

    def has_role(self, role: Role, contest_id: int | None = None) -> bool:
        """Admins hold every right; other grants count for their contest (or all, when unscoped)."""
        for grant in self.grants:
            if grant.role == Role.ADMIN:
                return True
            if grant.role == role and (contest_id is None or grant.contest_id in (None, contest_id)):
                return True
        return False

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def organizer_regions(self, contest_id: int) -> frozenset[int] | None:
        """Regions a (regional) organizer of this contest oversees; None means every region.
        Someone who does not organize the contest gets the empty set."""
        regions: set[int] = set()
        for grant in self.grants:
            if grant.role == Role.ADMIN:
                return None
            if grant.role == Role.ORGANIZER and grant.contest_id in (None, contest_id):
                if grant.region_id is None:
                    return None
                regions.add(grant.region_id)
        return frozenset(regions)

    def organizes(self, contest_id: int, region_id: int | None = None) -> bool:
        """Organizes the contest; with `region_id`, that region of it too."""
        if not self.has_role(Role.ORGANIZER, contest_id):
            return False
        regions = self.organizer_regions(contest_id)
        return region_id is None or regions is None or region_id in regions

    def organizes_nationally(self, contest_id: int | None = None) -> bool:
        """An admin, or an organizer not limited to a region (of this contest, or of any when None)."""
        return any(
            g.role == Role.ADMIN
            or (g.role == Role.ORGANIZER and g.region_id is None and contest_id in (None, g.contest_id))
            or (g.role == Role.ORGANIZER and g.region_id is None and g.contest_id is None)
            for g in self.grants
        )


# The platform itself acting (CLI, demo seed, jobs): an admin with no account behind it, so its
# audit entries name no actor.
SYSTEM = Principal(user_id=0, name="system", email="", kind="system", grants=(GrantView(Role.ADMIN),))


def audit_id(actor: Principal) -> int | None:
    """The user an audit entry names: None for the system."""
    return None if actor.user_id == 0 else actor.user_id
