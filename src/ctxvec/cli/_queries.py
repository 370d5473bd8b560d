"""The query options shared by `similar`, `decompose`, `analogy` (and new commands): WORD, --sentence,
--row, --in, --limit, --device, declared once in `ctxvec.cli._params.query_options`. Their names are
the parameters of `ctxvec.queries.select_queries`, so the library's errors (``limit must be at least
1``) come out with these flags (``--limit ...``).

`add_query_arguments` adds them to a parser built by hand (a command module that still defines
``register``); a declared command lists ``query_options()`` among its options instead.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ._params import Command, add_to_parser, query_options

if TYPE_CHECKING:
    from ..queries import Queries
    from ..store import Store


def add_query_arguments(parser: argparse.ArgumentParser, word_required: bool = False) -> None:
    """Add WORD, --sentence, --row, --in (at most one of the three), --limit and --device to `parser`."""
    add_to_parser(parser, Command("query", "", options=query_options(word_required), json=False))


def queries_from_args(store: Store, args: argparse.Namespace) -> Queries:
    """`ctxvec.queries.select_queries` from the query options."""
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
