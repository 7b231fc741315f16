"""JSON API of rubrics: anyone reads a round's criteria; national organizers set them."""

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from contest.lib.guards import organizer, public
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from judging.rubrics import service
from judging.rubrics.schemas import RubricIn, RubricOut


class RubricController(Controller):
    path = "/rounds/{round_id:int}/rubric"
    tags = ["rubrics"]

    @get("/", guards=[public])
    async def show(self, round_id: FromPath[int]) -> RubricOut:
        """The round's criteria with weights, maxima, steps and guidance (the default rubric until set)."""
        return await service.rubric_of(round_id)

    @put("/", guards=[organizer])
    async def replace(
        self,
        round_id: FromPath[int],
        data: JSONBody[RubricIn],
        rt: NamedDependency[Runtime],
        actor: NamedDependency[Principal],
    ) -> RubricOut:
        """Replace the criteria (national organizers), until a judge has opened a sheet of the round."""
        return await service.set_rubric(rt, actor, round_id, data)
