"""Shared printing helpers for the CLI: errors, JSON, highlighted sentences, and terminal safety.

Corpus text is untrusted: a sentence may hold escape sequences (a window title change, colours, a
screen clear), C1 controls or rich markup. Everything printed goes through `terminal_safe` (controls
shown as visible escapes such as ``\\x1b``; tabs and line breaks as spaces), and the consoles here
never interpret markup in strings (styles come from `rich.text.Text` objects), so no text from a
store reaches the terminal as a command. `print_json` escapes the same characters (as ``\\u`` escapes).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from ..results import JSON, jsonable

if TYPE_CHECKING:
    from rich.console import ConsoleOptions, RenderableType

# C0 controls, DEL, C1 controls, bidirectional overrides/isolates and Unicode line separators
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_SPACES = {"\t": " ", "\n": " ", "\r": " "}


def _visible(match: re.Match[str]) -> str:
    c = match.group()
    return _SPACES.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def terminal_safe(text: str) -> str:
    """`text` with every control character shown as a visible escape (ESC as ``\\x1b``, C1 CSI as
    ``\\x9b``, a right-to-left override as ``\\u202e``) and tabs / line breaks as single spaces."""
    return _UNSAFE.sub(_visible, text)


def _keep_newlines(match: re.Match[str]) -> str:
    return "\n" if match.group() == "\n" else _visible(match)


class SafeConsole(Console):
    """A rich Console that interprets no markup in strings and shows every control character in the
    text it prints as a visible escape (line breaks kept), whatever renderable it came in."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and _UNSAFE.search(segment.text):
                yield Segment(_UNSAFE.sub(_keep_newlines, segment.text), segment.style)
            else:
                yield segment


console = SafeConsole(highlight=False, markup=False, soft_wrap=True)  # messages not hard-wrapped; tables still fit
err_console = SafeConsole(stderr=True, highlight=False, markup=False)


def fail(message: str, code: int = 2) -> int:
    """Print `ctxvec: error: message` on one line to stderr; return the exit code."""
    print(f"ctxvec: error: {terminal_safe(message)}", file=sys.stderr)
    return code


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def print_json(data: JSON) -> None:
    """Print `data` (a result's `to_dict()`) as JSON on stdout, numpy values converted; characters a
    terminal could act on are written as ``\\u`` escapes (the same JSON data)."""
    text = json.dumps(jsonable(data), ensure_ascii=False, indent=2)  # C0 controls: escaped by json already
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def safe_text(text: str, style: str = "") -> Text:
    """Rich text of untrusted `text` (a token, a word, a label): controls escaped, no markup."""
    return Text(terminal_safe(text), style=style)


def highlight(sentence: str, start: int, end: int, style: str = "bold reverse") -> Text:
    """Rich text of `sentence` with characters [start, end) emphasised (controls escaped, no markup)."""
    left, middle, right = (terminal_safe(part) for part in (sentence[:start], sentence[start:end], sentence[end:]))
    t = Text(left + middle + right)
    t.stylize(style, len(left), len(left) + len(middle))
    return t


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of tables")
