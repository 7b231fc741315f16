"""Judge assignment: a pure solver (plain data in and out) with its checks, explanations and
incremental repair. `python -m judging.assignment INSTANCE.json` runs it offline."""

from judging.assignment.incremental import reassign
from judging.assignment.messages import InstanceError, Message
from judging.assignment.model import (
    Change,
    Entry,
    Instance,
    Judge,
    Reassignment,
    Solution,
    decode_assignment,
    decode_change,
    decode_instance,
)
from judging.assignment.solver import solve

__all__ = [
    "Change",
    "Entry",
    "Instance",
    "InstanceError",
    "Judge",
    "Message",
    "Reassignment",
    "Solution",
    "decode_assignment",
    "decode_change",
    "decode_instance",
    "reassign",
    "solve",
]
