"""`ctxvec senses STORE WORD`: split a word's occurrences into senses."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.text import Text

from ..structure import METHODS
from ._output import add_json_flag, console, highlight

if TYPE_CHECKING:
    from ..structure import SenseMap, Senses


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "senses",
        help="cluster a word's occurrences into senses",
        description="Cluster the occurrences of WORD into senses with k-means (cosine). Without --k the number "
        "of senses is chosen by silhouette over k=2..--max-k; a split is kept only when every sense holds at least "
        "--min-share of the occurrences, its silhouette beats that of a matched Gaussian null (no clusters) by 0.02, every sense spans 3 distinct sentences, and "
        "every sense is separated from its nearest other sense by a density valley; otherwise the word has one "
        "sense. Each sense is then searched for a minority sense of at least --min-share that passes the same checks "
        "(small senses are reported, not absorbed). The occurrences are compared by what distinguishes them: their "
        "unit vectors minus the word's mean vector. Prints each sense with its size, its most central sentences, the word types nearest its centroid "
        "and a few keywords (near words no other sense shares). Nearest words leave out the word's own forms and show "
        "each other lemma once. Each sense is labelled with the WordNet 3.0 synset it matches best (the synsets' "
        "examples and glosses embedded with the store's own model), with its gloss; WordNet synsets that match a few "
        "occurrences much better than their sense's label are listed as possible minority senses. -o FILE also writes a 2-D map of the occurrences "
        "coloured by sense.",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument("word", metavar="WORD", help="the word whose occurrences are clustered")
    p.add_argument("--k", type=int, default=None, help="number of senses (default: chosen by silhouette)")
    p.add_argument(
        "--min-share",
        type=float,
        default=0.05,
        metavar="F",
        help="smallest share of the occurrences a sense may have (default 0.05); senses under 10%% are flagged small",
    )
    p.add_argument(
        "--no-wordnet",
        action="store_false",
        dest="wordnet",
        help="do not label the senses with WordNet synsets (skips embedding the synsets' glosses and examples)",
    )
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
    p.add_argument("--where", default=None, metavar="FILTER", help='cluster only a slice, e.g. "year < 1900"')
    add_json_flag(p)


def compute(args: argparse.Namespace) -> Senses | SenseMap:
    from ..store import Store
    from ..structure import SenseRule, check_plot_path, word_senses, write_sense_map

    if args.output is None:
        return word_senses(
            Store.open(args.store),
            args.word,
            args.k,
            rule=SenseRule(k_max=args.k_max, min_share=args.min_share),
            n_sentences=args.n_sentences,
            n_words=args.n_words,
            min_count=args.min_count,
            max_occurrences=args.max_occurrences,
            seed=args.seed,
            rows=args.rows,
            wordnet=args.wordnet,
            where=args.where,
        )
    path = check_plot_path(args.output)  # before the work: a wrong suffix is the first thing to say
    return write_sense_map(
        Store.open(args.store),
        args.word,
        path,
        args.k,
        rule=SenseRule(k_max=args.k_max, min_share=args.min_share),
        n_sentences=args.n_sentences,
        n_words=args.n_words,
        min_count=args.min_count,
        max_occurrences=args.max_occurrences,
        method=args.method,
        seed=args.seed,
        rows=args.rows,
        wordnet=args.wordnet,
        where=args.where,
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
        small = ("  small sense", "yellow") if s.small else ""
        console.print(
            Text.assemble("\n", (f"sense {s.label + 1}", "bold"), f"  {s.size:,} occurrences ({s.share:.0%})", small)
        )
        if s.wordnet is not None:
            match = ("  (no good match)", "dim") if not s.wordnet.match else ""
            console.print(
                Text.assemble(
                    "  WordNet: ", (s.wordnet.synset, "bold"), f" {s.wordnet.score:.2f}: {s.wordnet.gloss}", match
                )
            )
        console.print(
            "  near: " + ", ".join(f"{w} {v:.2f}" for w, v in zip(s.nearest_words, s.nearest_scores, strict=True))
        )
        if s.keywords:
            console.print("  keywords: " + ", ".join(s.keywords))
        for o in s.central:
            console.print("  ", highlight(o.sentence, o.start, o.end))
    small_senses = [s for s in senses.senses if s.small]
    if small_senses:
        names = ", ".join(f"sense {s.label + 1}" for s in small_senses)
        console.print(
            f"\n{names}: under {senses.rule.small_share:.0%} of the occurrences (small: fewer examples, less certain)"
        )
    shared: dict[str, list[int]] = {}
    for s in senses.senses:
        if s.wordnet is not None and s.wordnet.match:
            shared.setdefault(s.wordnet.synset, []).append(s.label + 1)
    for synset, numbers in shared.items():
        if len(numbers) > 1:
            console.print(
                f"\nsenses {', '.join(map(str, numbers))} all match {synset} best: "
                "they may be one WordNet sense split by topic"
            )
    if senses.minorities:
        console.print(
            "\nother WordNet senses matched by a few occurrences (too few for a sense of their own; "
            "they are counted in the senses above):"
        )
        for m in senses.minorities[:6]:
            n = len(m.rows)
            console.print(
                Text.assemble(
                    "  ", (m.synset, "bold"), f" {n} occurrence{'s' if n != 1 else ''}, +{m.margins[0]:.2f}: {m.gloss}"
                )
            )
            for o in m.occurrences[:2]:
                console.print("    ", highlight(o.sentence, o.start, o.end))
    if senses.excluded_forms:
        console.print(f"forms of the word left out of the nearest words: {', '.join(senses.excluded_forms[:10])}")
    if senses.wordnet_note and all(s.wordnet is None for s in senses.senses):
        console.print(f"no WordNet labels: {senses.wordnet_note}")
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
