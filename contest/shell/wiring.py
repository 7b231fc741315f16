"""The composition root's one job besides the app: a Runtime with the real adapters plugged in."""

from typing import Any

from contest.accounts.passwords import hasher_for
from contest.lib.clock import Clock
from contest.lib.runtime import Runtime
from contest.lib.settings import Settings
from contest.teams.port import TeamsAdapter


def runtime_for(settings: Settings, clock: Clock, redis: Any = None) -> Runtime:
    """What services need, for the app, the worker, the CLI and tests alike."""
    return Runtime(settings=settings, clock=clock, hasher=hasher_for(settings), teams=TeamsAdapter(), redis=redis)
