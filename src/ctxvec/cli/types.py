"""`ctxvec types STORE`: build word-type vectors, list word frequencies, add decontextualized words."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.table import Table

from ._output import add_json_flag, console

if TYPE_CHECKING:
    from ..lexicon import WordTypesSummary


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "types",
        help="build word-type vectors (mean of each word's occurrences) and show word frequencies",
        description="Build the word-type vectors of a store (the mean of each word's occurrences, "
        "Bommasani et al. 2020), keep them in the store, and print the most frequent words. "
        "--decontextualized WORDS_FILE adds vectors for words the corpus lacks by embedding each word "
        "alone with the store's model (analogy, evaluate and export then use them).",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument(
        "--min-count", type=int, default=1, metavar="N", help="list words with at least N occurrences (default 1)"
    )
    p.add_argument("--top", type=int, default=20, metavar="N", help="print the N most frequent words (default 20)")
    p.add_argument(
        "--frequencies", default=None, metavar="FILE", help="write the frequency list (word<TAB>count) to FILE"
    )
    p.add_argument(
        "--decontextualized",
        default=None,
        metavar="WORDS_FILE",
        help="embed each word of WORDS_FILE (whitespace-separated) that the corpus lacks alone and keep its vector",
    )
    p.add_argument(
        "--benchmark-words",
        action="store_true",
        help="also add decontextualized vectors for the words of the analogy/WS353/SimLex sets the corpus lacks",
    )
    p.add_argument("--device", default="auto", help="device for --decontextualized embedding (auto, cpu, cuda, mps)")
    add_json_flag(p)


def compute(args: argparse.Namespace) -> WordTypesSummary:
    from ..lexicon import build_word_types
    from ..store import Store

    return build_word_types(
        Store.open(args.store),
        min_count=args.min_count,
        top=args.top,
        frequencies=args.frequencies,
        decontextualized=args.decontextualized,
        benchmark_words=args.benchmark_words,
        device=args.device,
    )


def render(result: WordTypesSummary, args: argparse.Namespace) -> None:
    console.print(
        f"{result.n_types:,} word types with at least {result.min_count} occurrence(s) "
        f"({result.n_occurrences:,} occurrences); vectors kept in {result.store}"
    )
    added = result.decontextualized
    if added is not None:
        console.print(
            f"decontextualized: {len(added.added)} added, {len(added.known)} already known, "
            f"{len(added.failed)} failed; {added.total} in the store"
        )
    if result.frequencies is not None:
        console.print(f"frequency list written to {args.frequencies}")
    if result.top:
        table = Table(title="most frequent words", title_justify="left")
        table.add_column("rank", justify="right")
        table.add_column("word")
        table.add_column("count", justify="right")
        for rank, item in enumerate(result.top, 1):
            table.add_row(str(rank), item.word, f"{item.count:,}")
        console.print(table)
