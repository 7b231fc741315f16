"""The application factory: the composition root that wires settings, database, Redis, S3,
the JSON API, the pages and the error handling into one Litestar app."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from arq.connections import ArqRedis
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from contest.accounts.api import AuthController, MeController, StaffController
from contest.accounts.auth import auth_middleware_factory
from contest.contests.api import ContestController
from contest.lib.clock import Clock, SystemClock
from contest.lib.db import close_engine, open_engine
from contest.lib.guards import access_of, ids_in_range, provide_actor, provide_viewer, public
from contest.lib.mail.api import MailController
from contest.lib.outbox.service import run_relay
from contest.lib.runtime import Runtime
from contest.lib.settings import Settings
from contest.regions.api import RegionController
from contest.rounds.api import ContestRoundsController, RoundController
from contest.shell.health import HealthController
from contest.shell.http import (
    content_security_policy,
    document_errors,
    exception_handler,
    request_id_middleware,
    request_shape_middleware,
    security_headers_hook,
)
from contest.shell.store import store_for
from contest.shell.wiring import runtime_for
from contest.submissions.api import ArchiveController, EntryController, RoundEntriesController, UploadController
from contest.teams.api import (
    AdvisorRequestController,
    ChangeRequestController,
    ContestTeamsController,
    InvitationController,
    OrganizerTeamController,
    OrganizerTeamListController,
    TeamController,
)
from frontend import create_frontend_router, template_config
from judging.assignment.api import AssignmentRunController, MyAssignmentsController, RoundAssignmentController
from judging.conflicts.api import ConflictsController, MyConflictsController
from judging.defence.api import DefenceTimetableController, MyDefenceController, RoundDefenceController
from judging.judges.api import ContestJudgesController, RoundJudgesController
from judging.results.api import (
    AppealController,
    LiveController,
    RankingPreviewController,
    RoundResultsController,
    RunController,
)
from judging.rubrics.api import RubricController
from judging.sheets.api import EntrySheetsController, JudgeContestController, JudgePanelController

API_PATH = "/api/v1"


class UnguardedRoute(Exception):
    """A route does not say who may call it; the app refuses to start."""


def api_routers() -> list[Router]:
    """The JSON API, one controller group per domain; later capabilities add theirs here."""
    return [
        Router(
            path=API_PATH,
            route_handlers=[
                AuthController,
                MeController,
                StaffController,
                ContestController,
                RegionController,
                ContestTeamsController,
                TeamController,
                InvitationController,
                AdvisorRequestController,
                ChangeRequestController,
                OrganizerTeamController,
                OrganizerTeamListController,
                ContestRoundsController,
                RoundController,
                EntryController,
                UploadController,
                RoundEntriesController,
                ArchiveController,
                MailController,
                RubricController,
                JudgeContestController,
                JudgePanelController,
                RoundResultsController,
                RunController,
                AppealController,
                LiveController,
                RankingPreviewController,
                EntrySheetsController,
                ContestJudgesController,
                RoundJudgesController,
                ConflictsController,
                MyConflictsController,
                RoundAssignmentController,
                AssignmentRunController,
                MyAssignmentsController,
                RoundDefenceController,
                MyDefenceController,
                DefenceTimetableController,
            ],
        )
    ]


def check_routes_guarded(app: Litestar) -> None:
    """Default deny: every route handler must carry exactly one access guard."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if getattr(handler.fn, "__name__", "") == "options_handler":
                continue  # Litestar's automatic CORS pre-flight answer
            # Raw layer guards: resolve_guards() wraps them and loses the access marker.
            declared = access_of([g for layer in handler.ownership_layers for g in (layer.guards or [])])
            if len(declared) != 1:
                raise UnguardedRoute(
                    f"route {route.path} ({handler.handler_name}) declares {declared or 'no'} access guard; "
                    "give it exactly one of contest.lib.guards"
                )


def create_app(settings: Settings, *, clock: Clock | None = None) -> Litestar:
    """Build the app for `settings`. The lifespan opens the database and the Redis/S3 clients."""
    clock = clock or SystemClock()

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = await open_engine(settings)
        redis = ArqRedis.from_url(settings.redis_url) if settings.redis_url else None
        app.state.redis = redis
        app.state.runtime = runtime_for(settings, clock, redis)
        app.state.store = store_for(settings) if settings.s3_endpoint else None
        relay = asyncio.create_task(run_relay(redis, clock)) if redis is not None else None
        try:
            yield
        finally:
            if relay is not None:
                relay.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await relay
            if redis is not None:
                await redis.aclose()
            await close_engine(engine)

    def provide_settings() -> Settings:
        return settings

    def provide_runtime(state: State) -> Runtime:
        runtime: Runtime = state.runtime
        return runtime

    openapi = OpenAPIConfig(
        title="Contest platform API",
        version="1",
        description="JSON API of the national mini-program contest platform.",
        render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
        openapi_router=Router(path=f"{API_PATH}/schema", route_handlers=[], guards=[public], include_in_schema=False),
        components=Components(
            security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")},
        ),
        use_handler_docstrings=True,
    )
    app = Litestar(
        route_handlers=[HealthController, *api_routers(), create_frontend_router()],
        lifespan=[lifespan],
        dependencies={
            "settings": Provide(provide_settings, sync_to_thread=False),
            "rt": Provide(provide_runtime, sync_to_thread=False),
            "actor": Provide(provide_actor, sync_to_thread=False),
            "viewer": Provide(provide_viewer, sync_to_thread=False),
        },
        exception_handlers={Exception: exception_handler},
        guards=[ids_in_range],
        middleware=[request_id_middleware, request_shape_middleware, auth_middleware_factory(settings, clock)],
        before_send=[
            security_headers_hook(
                content_security_policy(settings.s3_public_url or settings.s3_endpoint),
                hsts=settings.public_base_url.startswith("https://"),
            )
        ],
        template_config=template_config(),
        openapi_config=openapi,
        debug=False,
        state=State({"settings": settings, "redis": None, "store": None, "runtime": runtime_for(settings, clock)}),
    )
    check_routes_guarded(app)
    document_errors(app)
    return app
