"""JSON API of regions and universities."""

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter

from contest.lib.guards import organizer, public
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.regions import service
from contest.regions.schemas import ImportReport, RegionOut, UniversityOut


class ImportForm(msgspec.Struct):
    file: UploadFile


class RegionController(Controller):
    path = "/"
    tags = ["regions"]

    @get("/regions", guards=[public])
    async def list_regions(self) -> list[RegionOut]:
        """The contest's regions (赛区) with their provinces, in the order the rules list them."""
        return await service.list_regions()

    @get("/universities", guards=[public])
    async def universities(
        self, q: Annotated[str, Parameter(max_length=50)] = "", limit: Annotated[int, Parameter(ge=1, le=100)] = 20
    ) -> list[UniversityOut]:
        """Search universities by Chinese or English name, pinyin, initials or abbreviation (浙大, zju)."""
        return await service.search_universities(q, limit)

    @post("/universities/import", guards=[organizer])
    async def import_universities(
        self,
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        rt: NamedDependency[Runtime],
        actor: NamedDependency[Principal],
    ) -> ImportReport:
        """Import universities from CSV or XLSX (national organizers). Any bad row refuses the file,
        with a per-row report."""
        return await service.import_universities(rt, actor, data.file.filename, await data.file.read())
