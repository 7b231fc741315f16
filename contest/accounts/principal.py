"""Who is calling: the signed-in person and their grants, or nobody."""

import msgspec

from contest.accounts.tables import Role


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

    def organizer_regions(self, contest_id: int) -> frozenset[int] | None:
        """Regions a (regional) organizer of this contest oversees; None means every region."""
        regions: set[int] = set()
        for grant in self.grants:
            if grant.role == Role.ADMIN:
                return None
            if grant.role == Role.ORGANIZER and grant.contest_id in (None, contest_id):
                if grant.region_id is None:
                    return None
                regions.add(grant.region_id)
        return frozenset(regions)

    @property
    def organizes_nationally(self) -> bool:
        """An admin, or an organizer not limited to a region (of some contest): who may change the
        reference data every contest shares, such as the university list."""
        return any(g.role == Role.ADMIN or (g.role == Role.ORGANIZER and g.region_id is None) for g in self.grants)
