"""`ctxvec senses STORE WORD`: split a word's occurrences into senses."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text

from ..structure import METHODS
from ._output import console, highlight
from ._params import OUTPUT, SEED, STORE, WHERE, Command, LibraryDefault, Opt, options

if TYPE_CHECKING:
    from ..figures import SenseMap
    from ..structure import Senses


def _rule(field: str) -> LibraryDefault:
    return LibraryDefault("ctxvec.structure._senses", "SenseRule", field)


COMMAND = Command(
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
    "each other lemma once. Each sense is labelled with a WordNet 3.0 synset from all the evidence (the synsets' "
    "examples and glosses embedded with the store's own model, their SemCor frequencies, the overlap of the "
    "sense's context words with their glosses, and the part of speech of the occurrences), or said to have no "
    "confident match (with the nearest synset); the evidence also splits verb from noun uses and merges senses "
    "of one synset. Occurrences that fit no sense (inside a proper name such as 'Cold Harbor', of another part "
    "of speech than their sense, or whose own evidence names another synset) are listed as not placed. WordNet synsets that match a few "
    "occurrences much better than their sense's label are listed as possible minority senses. -o FILE also writes a 2-D map of the occurrences "
    "coloured by sense.",
    served=True,
    options=options(
        STORE,
        Opt("word", positional=True, required=True, metavar="WORD", help="the word whose occurrences are clustered"),
        Opt("k", int, flag="--k", low=1, web_high=20, help="number of senses (default: chosen by silhouette)"),
        Opt("min_share", float, _rule("min_share"), low=0, open_low=True, high=0.5, metavar="F",
            help="smallest share of the occurrences a sense may have; senses under 10% are flagged small"),
        Opt("wordnet", bool, True, "label the senses with WordNet synsets (--no-wordnet skips embedding the "
            "synsets' glosses and examples)"),
        Opt("k_max", int, _rule("k_max"), flag="--max-k", low=2, web_high=20, metavar="K", help="largest k tried when choosing"),
        Opt("n_sentences", int, 3, flag="--sentences", low=0, web_high=50, metavar="N", help="central sentences per sense"),
        Opt("n_words", int, 8, flag="--words", low=0, web_high=50, metavar="N", help="nearest word types per sense"),
        Opt("min_count", int, 3, "nearest words need N occurrences", low=1, metavar="N"),
        Opt("max_occurrences", int, 2000, "cluster a seeded sample of at most N occurrences", low=1, web_high=5000, metavar="N"),
        replace(SEED, help="seed of k-means and sampling"),
        replace(WHERE, help='cluster only a slice, e.g. "year < 1900"'),
        Opt("rows", int, flag="--row", append=True, low=0, metavar="ID",
            help="also tell which sense the occurrence at row ID belongs to (repeatable)"),
        Opt("in_sentence", flag="--in", metavar="SENTENCE",
            help="a new sentence holding WORD: tell which sense this usage belongs to (with its WordNet label and "
            "confidence), or that it is none of the corpus's senses"),
        replace(OUTPUT, help="also write a sense map (.png, .svg, .html)"),
        Opt("method", default="pca", choices=METHODS, local_only=True, help="projection for -o"),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> Senses | SenseMap:
    from ..figures import check_plot_path, write_sense_map
    from ..structure import SenseRule, senses_projection, word_senses

    if args.output is None:
        return word_senses(
            args.store,
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
            in_sentence=args.in_sentence,
            where=args.where,
        )
    path = check_plot_path(args.output)  # before the work: a wrong suffix is the first thing to say
    senses = word_senses(
        args.store,
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
    proj = senses_projection(args.store, senses, method=args.method, seed=args.seed)
    return write_sense_map(senses, proj, path)


UNPLACED_LINES = {
    "name": "in a proper name (none of the word's WordNet senses)",
    "part of speech": "of another part of speech than their sense",
    "evidence": "their own evidence names another synset",
}


def render(result: Senses | SenseMap, args: argparse.Namespace) -> None:
    from ..figures import SenseMap

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
            console.print(Text("  WordNet: " + s.wordnet.describe(), style="" if s.wordnet.match else "dim"))
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
    if senses.unplaced:
        n = sum(len(u.rows) for u in senses.unplaced)
        console.print(f"\nnot placed in any sense: {n} occurrence{'s' if n != 1 else ''}")
        for u in senses.unplaced:
            console.print(Text.assemble("  ", (UNPLACED_LINES[u.reason], "bold"), f": {len(u.rows)}"))
            for o in u.occurrences[:2]:
                console.print("    ", highlight(o.sentence, o.start, o.end))
    if senses.excluded_forms:
        console.print(f"forms of the word left out of the nearest words: {', '.join(senses.excluded_forms[:10])}")
    if senses.wordnet_note and all(s.wordnet is None for s in senses.senses):
        console.print(f"no WordNet labels: {senses.wordnet_note}")
    for line in senses.refined:
        console.print(Text(f"WordNet evidence: {line}", style="dim"))
    if senses.query is not None:
        _render_query(senses)
    for row, label in senses.row_senses.items():
        if label < 0:
            console.print(Text.assemble(f"\nrow {row} is ", ("not placed", "bold"), " in any sense (see above)"))
            continue
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


def _render_query(senses: Senses) -> None:
    q = senses.query
    assert q is not None
    console.print()
    console.print(highlight(q.occurrence.sentence, q.occurrence.start, q.occurrence.end))
    near = senses.senses[q.nearest_sense]
    keywords = f" ({', '.join(near.keywords)})" if near.keywords else ""
    if q.sense is not None:
        console.print(
            Text.assemble(
                "this usage belongs to ", (f"sense {q.sense + 1}", "bold"), keywords, f", similarity {q.similarity:.2f}"
            )
        )
    else:
        console.print(
            Text.assemble(
                ("none of the corpus's senses", "bold yellow"),
                f" (nearest: sense {q.nearest_sense + 1}{keywords}, similarity {q.similarity:.2f})",
            )
        )
        if q.usage:
            console.print(Text(f"warning: {q.usage}", style="yellow"))
    if q.label is not None:
        console.print("this occurrence in WordNet: " + q.label.describe())
