"""The query options shared by `similar`, `decompose` and `analogy`: WORD, --sentence, --row, --in,
--limit, --device. Their dests are the parameters of `ctxvec.queries.select_queries`, so the
library's errors (``limit must be at least 1``) come out with these flags (``--limit ...``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..queries import Queries
    from ..store import Store


def add_query_arguments(parser: argparse.ArgumentParser, word_required: bool = False) -> None:
    """Add WORD, --sentence, --row, --in (at most one of the three), --limit and --device to `parser`."""
    parser.add_argument("word", metavar="WORD", nargs=None if word_required else "?", help="the query word")
    one = parser.add_mutually_exclusive_group()
    one.add_argument("--sentence", type=int, default=None, metavar="ID", help="only WORD in stored sentence ID")
    one.add_argument("--row", type=int, default=None, metavar="ID", help="one occurrence: row ID of the store")
    one.add_argument(
        "--in", dest="in_sentence", default=None, metavar="TEXT", help="WORD inside a new sentence, embedded on the fly"
    )
    parser.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N query occurrences")
    parser.add_argument("--device", default="auto", help="device for embedding --in sentences (auto, cpu, cuda, mps)")


def queries_from_args(store: Store, args: argparse.Namespace) -> Queries:
    """`ctxvec.queries.select_queries` from the options of `add_query_arguments`."""
    from ..queries import select_queries

    return select_queries(
        store,
        args.word,
        sentence=args.sentence,
        row=args.row,
        in_sentence=args.in_sentence,
        limit=args.limit,
        device=args.device,
    )
