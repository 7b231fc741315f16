"""Every job the code queues through the outbox is one the worker runs (a name it does not know would
wait in Redis forever)."""

import ast
import importlib
from pathlib import Path

from contest.shell.worker import WorkerSettings

ROOT = Path(__file__).resolve().parents[3]


def queued_job_names() -> dict[str, str]:
    """Job name -> where it is queued, from every `outbox.enqueue(clock, <name>, ...)` call."""
    found: dict[str, str] = {}
    for package in ("contest", "judging"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            module = None
            for node in ast.walk(tree):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "enqueue"
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "outbox"
                ):
                    continue
                name = node.args[1]
                if isinstance(name, ast.Constant):
                    value = name.value
                else:
                    assert isinstance(name, ast.Name), f"{path}:{node.lineno}: the job's name is not a name"
                    dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                    module = module or importlib.import_module(dotted)
                    value = getattr(module, name.id)
                found[value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_queued_job_is_registered_with_the_worker():
    registered = {getattr(f, "__name__", None) for f in WorkerSettings.functions}
    queued = queued_job_names()
    assert {"send_mail", "verify_upload", "notify_results"} <= set(queued)  # the scan finds them
    assert {name: where for name, where in queued.items() if name not in registered} == {}
