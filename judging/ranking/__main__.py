"""`python -m judging.ranking SHEETS.json` (`-` reads stdin): print the ranking as JSON.

With `--analytics`, print the judge analytics of the same sheets instead. Invalid input prints one
clear message on stderr and exits with code 2.
"""

import argparse
import sys
from pathlib import Path

import msgspec

from judging.analytics import judge_analytics
from judging.ranking.messages import InputError, message
from judging.ranking.rank import decode_input, rank


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (0, or 2 on invalid input)."""
    parser = argparse.ArgumentParser(prog="python -m judging.ranking", description=__doc__.splitlines()[0])
    parser.add_argument("sheets", help="the sheets JSON file, or - for stdin")
    parser.add_argument("--analytics", action="store_true", help="print judge analytics instead of the ranking")
    args = parser.parse_args(argv)
    try:
        try:
            raw = sys.stdin.buffer.read() if args.sheets == "-" else Path(args.sheets).read_bytes()
        except OSError as error:
            raise InputError(
                message("ranking_unreadable", path=args.sheets, detail=error.strerror or str(error))
            ) from None
        data = decode_input(raw)
        result = judge_analytics(data) if args.analytics else rank(data)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(result), indent=2) + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
