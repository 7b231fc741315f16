"""JSON API of regions."""

import msgspec
from litestar import Controller, get

from contest.accounts.guards import public
from contest.regions import service


class RegionOut(msgspec.Struct):
    id: int
    code: str
    name_zh: str
    name_en: str
    provinces: list[str]


class RegionController(Controller):
    path = "/regions"
    tags = ["regions"]

    @get("/", guards=[public])
    async def list_regions(self) -> list[RegionOut]:
        """The contest's regions (赛区) with their provinces, in the order the rules list them."""
        rows = await service.list_regions()
        return [msgspec.convert(row, RegionOut, from_attributes=False, strict=False) for row in rows]
