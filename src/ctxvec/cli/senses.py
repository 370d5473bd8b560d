"""`ctxvec senses STORE WORD`: split a word's occurrences into senses."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.text import Text

from ..structure._names import METHODS
from ._output import add_json_flag, console, highlight

if TYPE_CHECKING:
    from ..structure import SenseMap, Senses


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "senses",
        help="cluster a word's occurrences into senses",
        description="Cluster the occurrences of WORD into senses with k-means (cosine). Without --k the number "
        "of senses is chosen by silhouette over k=2..--max-k; a split is kept only when every sense holds at least "
        "5% of the occurrences, its silhouette beats that of a matched Gaussian null (no clusters) by 0.04, and "
        "every sense is separated from its nearest other sense by a density valley; otherwise the word has one "
        "sense. Prints each sense with its size, its most central sentences, the word types nearest its centroid "
        "and a few keywords (near words no other sense shares). -o FILE also writes a 2-D map of the occurrences "
        "coloured by sense.",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument("word", metavar="WORD", help="the word whose occurrences are clustered")
    p.add_argument("--k", type=int, default=None, help="number of senses (default: chosen by silhouette)")
    p.add_argument(
        "--max-k", type=int, default=6, metavar="K", dest="k_max", help="largest k tried when choosing (default 6)"
    )
    p.add_argument(
        "--sentences",
        type=int,
        default=3,
        metavar="N",
        dest="n_sentences",
        help="central sentences per sense (default 3)",
    )
    p.add_argument(
        "--words", type=int, default=8, metavar="N", dest="n_words", help="nearest word types per sense (default 8)"
    )
    p.add_argument("--min-count", type=int, default=3, metavar="N", help="nearest words need N occurrences (default 3)")
    p.add_argument(
        "--max-occurrences",
        type=int,
        default=2000,
        metavar="N",
        help="cluster a seeded sample of at most N occurrences (default 2000)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of k-means and sampling (default 0)")
    p.add_argument(
        "--row",
        type=int,
        action="append",
        default=None,
        metavar="ID",
        dest="rows",
        help="also tell which sense the occurrence at row ID belongs to (repeatable)",
    )
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="also write a sense map (.png, .svg, .html)")
    p.add_argument("--method", default="pca", choices=METHODS, help="projection for -o (default pca)")
    add_json_flag(p)


def compute(args: argparse.Namespace) -> Senses | SenseMap:
    from ..store import Store
    from ..structure import SenseRule, check_plot_path, word_senses, write_sense_map

    if args.output is None:
        return word_senses(
            Store.open(args.store),
            args.word,
            args.k,
            rule=SenseRule(k_max=args.k_max),
            n_sentences=args.n_sentences,
            n_words=args.n_words,
            min_count=args.min_count,
            max_occurrences=args.max_occurrences,
            seed=args.seed,
            rows=args.rows,
        )
    path = check_plot_path(args.output)  # before the work: a wrong suffix is the first thing to say
    return write_sense_map(
        Store.open(args.store),
        args.word,
        path,
        args.k,
        rule=SenseRule(k_max=args.k_max),
        n_sentences=args.n_sentences,
        n_words=args.n_words,
        min_count=args.min_count,
        max_occurrences=args.max_occurrences,
        method=args.method,
        seed=args.seed,
        rows=args.rows,
    )


def render(result: Senses | SenseMap, args: argparse.Namespace) -> None:
    from ..structure import SenseMap

    senses = result.senses if isinstance(result, SenseMap) else result
    sampled = f", {len(senses.rows):,} clustered" if senses.sampled else ""
    console.print(
        Text.assemble(
            (senses.word, "bold"),
            f": {senses.n_total:,} occurrences{sampled}; "
            f"{senses.k} sense{'s' if senses.k != 1 else ''} ({senses.split.reason})",
        )
    )
    for s in senses.senses:
        share = s.size / len(senses.rows)
        console.print(Text.assemble("\n", (f"sense {s.label + 1}", "bold"), f"  {s.size:,} occurrences ({share:.0%})"))
        console.print(
            "  near: " + ", ".join(f"{w} {v:.2f}" for w, v in zip(s.nearest_words, s.nearest_scores, strict=True))
        )
        if s.keywords:
            console.print("  keywords: " + ", ".join(s.keywords))
        for o in s.central:
            console.print("  ", highlight(o.sentence, o.start, o.end))
    for row, label in senses.row_senses.items():
        s = senses.senses[label]
        keywords = f" ({', '.join(s.keywords)})" if s.keywords else ""
        console.print(
            Text.assemble(
                f"\nrow {row} belongs to ",
                (f"sense {label + 1}", "bold"),
                f"{keywords}, {s.size / len(senses.rows):.0%}",
            )
        )
    if isinstance(result, SenseMap):
        console.print(f"\nsense map written to {args.output}")
