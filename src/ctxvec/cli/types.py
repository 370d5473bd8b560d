"""`ctxvec types STORE`: build word-type vectors, list word frequencies, add decontextualized words."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.table import Table

from ..lexicon import add_decontextualized, read_words_file, word_types
from ..store import Store
from ._output import add_json_flag, console, print_json


def register(sub: Any) -> None:
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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = Store.open(args.store)
    types = word_types(store, min_count=args.min_count)
    added = None
    words: list[str] = []
    if args.decontextualized:
        words += read_words_file(args.decontextualized)
    if args.benchmark_words:
        from ..lexicon import benchmark_words

        words += benchmark_words()
    if args.decontextualized or args.benchmark_words:
        added = add_decontextualized(store, words, device=args.device)
    order = types.frequency_order()
    if args.frequencies:
        path = Path(args.frequencies)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{types.words[i]}\t{int(types.counts[i])}\n" for i in order), encoding="utf-8")
    top = [{"word": str(types.words[i]), "count": int(types.counts[i])} for i in order[: max(args.top, 0)]]
    summary: dict[str, Any] = {
        "store": str(store.path),
        "types": len(types),
        "min_count": args.min_count,
        "occurrences": int(types.counts.sum()),
        "top": top,
    }
    if added is not None:
        summary["decontextualized"] = {
            "added": added.added,
            "already_known": len(added.known),
            "failed": added.failed,
            "total": added.total,
        }
    if args.json:
        print_json(summary)
        return 0
    console.print(
        f"{len(types):,} word types with at least {args.min_count} occurrence(s) "
        f"({summary['occurrences']:,} occurrences); vectors kept in {store.path}"
    )
    if added is not None:
        console.print(
            f"decontextualized: {len(added.added)} added, {len(added.known)} already known, "
            f"{len(added.failed)} failed; {added.total} in the store"
        )
    if args.frequencies:
        console.print(f"frequency list written to {args.frequencies}")
    if top:
        table = Table(title="most frequent words", title_justify="left")
        table.add_column("rank", justify="right")
        table.add_column("word")
        table.add_column("count", justify="right")
        for rank, item in enumerate(top, 1):
            table.add_row(str(rank), str(item["word"]), f"{item['count']:,}")
        console.print(table)
    return 0
