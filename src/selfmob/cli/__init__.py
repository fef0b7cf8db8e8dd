"""The `selfmob` command. Knowledge commands never import Django, so they start fast."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from selfmob import __version__

Handler = Callable[[argparse.Namespace], int]


class Parser(argparse.ArgumentParser):
    """Bad arguments exit 2 with one clear line on stderr (argparse prints usage too)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> Parser:
    from selfmob.cli import audit, backup, evidence, exports, knowledge, tour, web

    parser = Parser(
        prog="selfmob",
        description="Joint self-mobilization: test, prescribe, re-test, see what works.",
    )
    parser.add_argument("--version", action="version", version=f"selfmob {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    knowledge.register(commands)
    tour.register(commands)
    evidence.register(commands)
    web.register(commands)
    exports.register(commands)
    backup.register(commands)
    audit.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from selfmob.knowledge.errors import KnowledgeError

    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KnowledgeError as exc:
        print(f"selfmob: error: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `selfmob techniques | head` is fine
        return 0
