"""`ctxvec verify STORE`: read every byte of a store and check it against its manifest."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from ._output import console, terminal_safe
from ._params import STORE, Command, Opt, options

if TYPE_CHECKING:
    from ..store import VerifyReport


COMMAND = Command(
    "verify",
    help="check every file of a store against its manifest",
    description="Check a store: every checksummed file's SHA-256 and size, .npy shapes, row and sentence "
    "counts, sentence ids, spans within their sentences, norms against the vectors, and each cache "
    "against the vectors it was built from. Exit 0 when sound; otherwise one line per problem and exit 1.",
    options=options(
        replace(STORE, cli_opens=False, help="store folder (not opened: every problem is reported)"),
        Opt("quiet", bool, help="no progress bar"),
    ),
)


def compute(args: argparse.Namespace) -> VerifyReport:
    from ..store import verify_store

    return verify_store(args.store, quiet=args.quiet or args.json)


def render(result: VerifyReport, args: argparse.Namespace) -> None:
    """One line per problem on stdout (notes on stderr), or a one-line all-clear."""
    for problem in result.problems:
        console.print(terminal_safe(problem), markup=False)
    for note in result.notes:
        print(f"ctxvec: note: {terminal_safe(note)}", file=sys.stderr)
    if result.ok:
        console.print(
            f"{terminal_safe(result.store)}: ok ({len(result.checked)} files and caches checked)", markup=False
        )
