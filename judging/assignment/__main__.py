"""Solve an assignment instance offline and print the solution as JSON.

    python -m judging.assignment INSTANCE.json            # "-" reads standard input
    python -m judging.assignment INSTANCE.json --current SOLUTION.json --change CHANGE.json

With --current and --change it repairs an existing assignment (a solution object or a list of
[entry, judge] pairs) and prints the reassignment. Exit status: 0 solved, 1 infeasible (the JSON says
why), 2 the input could not be read or is not a valid instance (the reason goes to standard error).
"""

import argparse
import sys
from pathlib import Path

import msgspec

from judging.assignment.incremental import reassign
from judging.assignment.messages import InstanceError, message
from judging.assignment.model import decode_assignment, decode_change, decode_instance
from judging.assignment.solver import solve


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InstanceError([message("unreadable_file", path=path, detail=error.strerror or str(error))]) from None


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m judging.assignment", description=__doc__.split("\n\n")[0])
    parser.add_argument("instance", help="instance JSON file, or - for standard input")
    parser.add_argument("--current", help="current assignment (solution JSON or list of pairs) to repair")
    parser.add_argument("--change", help="change JSON: remove_judges, forbid, add_judge")
    parser.add_argument("--indent", type=int, default=0, help="indent the JSON output by this many spaces")
    args = parser.parse_args(argv)
    if (args.current is None) != (args.change is None):
        parser.error("--current and --change go together")
    try:
        instance = decode_instance(_read(args.instance))
        if args.current is not None:
            result: object = reassign(
                instance, decode_assignment(_read(args.current)), decode_change(_read(args.change))
            )
        else:
            result = solve(instance)
    except InstanceError as error:
        for problem in error.messages:
            print(f"error: {problem.rendered}", file=sys.stderr)
        return 2
    output = msgspec.json.encode(result)
    if args.indent:
        output = msgspec.json.format(output, indent=args.indent)
    sys.stdout.buffer.write(output + b"\n")
    sys.stdout.flush()
    return 0 if getattr(result, "status", "") == "optimal" else 1


if __name__ == "__main__":
    sys.exit(main())
