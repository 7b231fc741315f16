"""`python -m judging.schedule INSTANCE.json` (or `-` for stdin): print the timetable as JSON.

Exit codes: 0 a timetable (OPTIMAL or FEASIBLE), 1 none (INFEASIBLE or UNKNOWN, reasons in its
`messages`), 2 malformed input (reasons on stderr).
"""

import argparse
import sys

import msgspec

from judging.schedule.timetable import InvalidInstance, ScheduleInput, SolveOptions, solve


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m judging.schedule", description=__doc__.splitlines()[0])
    parser.add_argument("instance", help="the instance as JSON: a file, or - for stdin")
    parser.add_argument("--time-limit", type=float, default=SolveOptions().time_limit, help="seconds (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="CP-SAT random seed")
    parser.add_argument("--workers", type=int, default=0, help="CP-SAT workers (0: one per core)")
    args = parser.parse_args(argv)
    try:
        if args.instance == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(args.instance, "rb") as handle:
                raw = handle.read()
    except OSError as error:
        print(f"error: cannot read {args.instance}: {error.strerror}", file=sys.stderr)
        return 2
    try:
        instance = msgspec.json.decode(raw, type=ScheduleInput)
        timetable = solve(instance, SolveOptions(time_limit=args.time_limit, seed=args.seed, workers=args.workers))
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError
        print(f"error: malformed instance: {error}", file=sys.stderr)
        return 2
    except InvalidInstance as error:
        for message in error.messages:
            print(f"error: {message.render()}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(timetable)) + b"\n")
    return 0 if timetable.status in ("OPTIMAL", "FEASIBLE") else 1


if __name__ == "__main__":
    sys.exit(main())
