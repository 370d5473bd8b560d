"""`ctxvec verify STORE`: read every byte of a store and check it against its manifest."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ._output import add_json_flag, console, terminal_safe

if TYPE_CHECKING:
    from ..store import VerifyReport


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "verify",
        help="check every file of a store against its manifest",
        description="Check a store: every checksummed file's SHA-256 and size, .npy shapes, row and sentence "
        "counts, sentence ids, spans within their sentences, norms against the vectors, and each cache "
        "against the vectors it was built from. Exit 0 when sound; otherwise one line per problem and exit 1.",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_json_flag(p)


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
