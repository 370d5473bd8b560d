"""`ctxvec types STORE`: build word-type vectors, list word frequencies, add decontextualized words."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.table import Table

from ._output import console
from ._params import DEVICE, STORE, Command, Opt, options

if TYPE_CHECKING:
    from ..lexicon import WordTypesSummary


COMMAND = Command(
    "types",
    help="build word-type vectors (mean of each word's occurrences) and show word frequencies",
    description="Build the word-type vectors of a store (the mean of each word's occurrences, "
    "Bommasani et al. 2020), keep them in the store, and print the most frequent words. "
    "--decontextualized WORDS_FILE adds vectors for words the corpus lacks by embedding each word "
    "alone with the store's model (analogy, evaluate and export then use them).",
    options=options(
        STORE,
        Opt("min_count", int, 1, "list words with at least N occurrences", low=1, metavar="N"),
        Opt("top", int, 20, "print the N most frequent words", low=0, metavar="N"),
        Opt("frequencies", metavar="FILE", help="write the frequency list (word<TAB>count) to FILE"),
        Opt("decontextualized", metavar="WORDS_FILE", help="embed each word of WORDS_FILE (whitespace-separated) "
            "that the corpus lacks alone and keep its vector"),
        Opt("benchmark_words", bool, help="also add decontextualized vectors for the words of the "
            "analogy/WS353/SimLex sets the corpus lacks"),
        replace(DEVICE, help="device for --decontextualized embedding (auto, cpu, cuda, mps)"),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> WordTypesSummary:
    from ..lexicon import build_word_types

    return build_word_types(
        args.store,
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
