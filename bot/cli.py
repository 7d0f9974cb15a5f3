"""The `servicebot` command line: one entry point, one subcommand per concern.

Only `servicebot kb ...` (validate and query the knowledge base) lives here for now;
other subcommands (run, console, db) are added beside it.
"""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="servicebot", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("kb", help="knowledge base: check | ask | eval", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `servicebot` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args, rest = build_parser().parse_known_args(argv)
    if args.command == "kb":
        from knowledge.cli import main as kb_main  # imported late: keeps other commands light

        return kb_main(rest)
    return 2


if __name__ == "__main__":
    sys.exit(main())
