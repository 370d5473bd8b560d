"""Shared printing helpers for the CLI: errors, JSON, highlighted sentences."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.text import Text

from ..results import JSON, jsonable

console = Console(highlight=False, soft_wrap=True)  # messages are not hard-wrapped; tables still fit the width
err_console = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 2) -> int:
    """Print `ctxvec: error: message` on one line to stderr; return the exit code."""
    print(f"ctxvec: error: {message}", file=sys.stderr)
    return code


def print_json(data: JSON) -> None:
    """Print `data` (a result's `to_dict()`) as JSON on stdout, numpy values converted."""
    sys.stdout.write(json.dumps(jsonable(data), ensure_ascii=False, indent=2) + "\n")


def highlight(sentence: str, start: int, end: int, style: str = "bold reverse") -> Text:
    """Rich text of `sentence` with characters [start, end) emphasised."""
    t = Text(sentence)
    t.stylize(style, start, end)
    return t


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of tables")
