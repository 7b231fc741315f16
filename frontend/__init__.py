"""The web UI: server-rendered pages that call the same services as the JSON API."""

from pathlib import Path

from litestar import Router
from litestar.static_files import create_static_files_router

from contest.lib.guards import public
from frontend import flash
from frontend.accounts import AccountPages
from frontend.apidocs import ApiReferencePages
from frontend.assignment import AssignmentPages, DefencePages, MyAssignmentPages
from frontend.console import ConsolePages
from frontend.dev import DevMailPages
from frontend.entries import EntryPages
from frontend.judges import JudgePages
from frontend.leaderboard import LeaderboardPages, MyResultPages
from frontend.pages import PagesController
from frontend.panel import PanelPages
from frontend.results import ResultPages
from frontend.rounds import RoundPages
from frontend.switcher import ContestSwitchPages
from frontend.teams import TeamPages
from frontend.templating import template_config

STATIC_DIR = Path(__file__).parent / "static"


def create_frontend_router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            PagesController,
            AccountPages,
            TeamPages,
            ConsolePages,
            DevMailPages,
            ApiReferencePages,
            ContestSwitchPages,
            EntryPages,
            RoundPages,
            PanelPages,
            ResultPages,
            LeaderboardPages,
            MyResultPages,
            JudgePages,
            AssignmentPages,
            DefencePages,
            MyAssignmentPages,
            create_static_files_router(
                path="/static", directories=[STATIC_DIR], guards=[public], include_in_schema=False
            ),
        ],
        before_request=flash.load,
    )


__all__ = ["create_frontend_router", "template_config"]
