"""`ctxvec shift A.store B.store [WORDS…]` / `ctxvec shift STORE --where A --vs B [WORDS…]`: usage change."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text

from ..errors import CtxvecError, ParameterError
from ..shift import MEASURES
from ._output import console, highlight, safe_text
from ._params import DEVICE, OUTPUT, SEED, STORE, WHERE, Command, Opt, options

if TYPE_CHECKING:
    from ..shift import ShiftRanking, ShiftWords, Side
    from ..store import Store
    from ..web import ServedStores


COMMAND = Command(
    "shift",
    help="how words' usage differs between two stores or two slices of one",
    description="Compare how words are used on two sides: two stores (same model and encoding), or two "
    "disjoint slices of one store's document metadata (--where A --vs B). Words are compared as lemmas "
    "(all forms together; --forms: exact forms). Measures: APD (mean cosine distance of all cross-side "
    "pairs), PRT (1 - cos of the sides' mean vectors), JSD (Jensen-Shannon divergence, base 2, of the "
    "shares of senses clustered jointly) and the APD excess (APD minus the mean within-side APD: zero on "
    "average when nothing changed, however polysemous the word). p-values: permutations of the side labels; "
    "intervals: bootstrap; at most --max-per-side occurrences of each side are used. With WORDS: each word's "
    "measures, senses with their shares and sentences on each side, WordNet labels, senses that emerged or "
    "vanished. Without WORDS: every lemma with --min-count occurrences on both sides, ranked by --measure, "
    "with p-values and Benjamini-Hochberg q-values.",
    served=True,
    options=options(
        replace(STORE, help="store folder (side A, or both sides with --where/--vs)"),
        Opt("words", positional=True, many=True, default=(), metavar="WORD",
            help="without --where/--vs: the second store (side B) first; then words"),
        replace(WHERE, help='side A: a slice such as "year < 1900"'),
        Opt("vs", metavar="FILTER", help="side B: a slice disjoint from --where"),
        Opt("forms", bool, help="compare exact word forms, not lemmas"),
        Opt("measure", default="excess", choices=MEASURES, help="ranking measure"),
        Opt("min_count", int, 20, "ranking: N occurrences a side", low=2, metavar="N"),
        Opt("max_per_side", int, low=2, high=100_000, metavar="N",
            help="seeded sample of at most N occurrences a side (default 500 for WORDS, 200 when ranking)"),
        Opt("permutations", int, 1000, "side-label permutations", low=1, high=100_000, metavar="N"),
        Opt("bootstrap", int, 1000, "bootstrap resamples", low=1, high=100_000, metavar="N"),
        Opt("block", default="sentence", choices=("sentence", "document", "occurrence"), help="what moves "
            "together in the permutation test and the bootstrap (document when documents differ in topic)"),
        Opt("examples", int, 2, "sentences per sense and side", low=0, web_high=50, metavar="N"),
        Opt("top", int, 30, "ranked words printed (--json: all)", low=0, metavar="N"),
        Opt("wordnet", bool, True, "label senses with WordNet"),
        replace(SEED, help="seed of sampling, permutations and k-means"),
        replace(DEVICE, help="device for embedding WordNet sentences"),
        replace(OUTPUT, help="figure of each word (.png .svg .pdf)"),
        Opt("quiet", bool, short="-q", local_only=True, help="no progress bar"),
    ),
)  # fmt: skip


def _sides(args: argparse.Namespace, second: Store | None = None) -> tuple[Side, Side, list[str]]:
    from ..shift import slice_sides, store_sides
    from ..store import Store

    if (args.where is None) != (args.vs is None):
        missing = "vs" if args.vs is None else "where"
        raise ParameterError(missing, "a slice comparison needs both --where and {name}")
    words = list(args.words)
    if args.where is not None:
        if words and _is_store(words[0]):
            raise ParameterError("vs", f"with slices compare one store, not {words[0]}; drop --where/{{name}}")
        a, b = slice_sides(args.store, args.where, args.vs)
        return a, b, words
    if not words:
        raise ParameterError("vs", "give two stores, or one store with --where A and {name} B")
    a, b = store_sides(args.store, Store.open(words[0]))
    return a, b, words[1:]


def _is_store(path: str) -> bool:
    from pathlib import Path

    return (Path(path) / "manifest.json").is_file()


def compute_served(args: argparse.Namespace, served: ServedStores) -> ShiftWords | ShiftRanking:
    """The web's `shift`: a second store (the first word) must be a served one, and it is used open."""
    from pathlib import Path

    second = None
    if args.words and _is_store(args.words[0]):
        wanted = Path(args.words[0]).resolve()
        second = next((s for s in served.stores if s.resolved_path == wanted), None)
        if second is None:
            raise CtxvecError("the second store must be a served store (see /api/stores)")
    return compute(args, second)


def compute(args: argparse.Namespace, second: Store | None = None) -> ShiftWords | ShiftRanking:
    from ..figures import plot_shift
    from ..shift import ShiftWords, rank_shift, word_shift

    if args.output is not None and args.output.rsplit(".", 1)[-1].lower() not in ("png", "svg", "pdf"):
        raise ParameterError("output", f"cannot write a figure to {args.output}; use a .png, .svg or .pdf {{name}}")
    a, b, words = _sides(args, second)
    if not words:
        return rank_shift(
            a,
            b,
            measure=args.measure,
            min_count=args.min_count,
            forms=args.forms,
            max_per_side=args.max_per_side or 200,
            permutations=args.permutations,
            block=args.block,
            seed=args.seed,
            quiet=args.quiet or args.json,
        )
    found = [
        word_shift(
            a,
            b,
            w,
            forms=args.forms,
            max_per_side=args.max_per_side or 500,
            permutations=args.permutations,
            bootstrap=args.bootstrap,
            n_examples=args.examples,
            wordnet=args.wordnet,
            block=args.block,
            seed=args.seed,
            device=args.device,
        )
        for w in words
    ]
    figures = []
    if args.output is not None:
        for shift in found:
            path = args.output if len(found) == 1 else args.output.replace(".", f"_{shift.word}.", 1)
            figures.append(str(plot_shift(shift, path)))
    return ShiftWords(found, figures)


def render(result: ShiftWords | ShiftRanking, args: argparse.Namespace) -> None:
    from ..shift import ShiftRanking

    if isinstance(result, ShiftRanking):
        _render_ranking(result, args.top)
        return
    for shift in result.words:
        console.print(
            Text.assemble(
                (shift.word, "bold"),
                f" ({shift.unit}; {', '.join(shift.words_a[:6])}): ",
                safe_text(shift.side_a, "cyan"),
                f" {shift.n_a:,} occurrences vs ",
                safe_text(shift.side_b, "magenta"),
                f" {shift.n_b:,} (used {len(shift.rows_a):,} / {len(shift.rows_b):,})",
            )
        )
        level = shift.settings.get("level", 0.95)
        for name, m in shift.measures.items():
            console.print(
                f"  {name:<7}{m.value:8.4f}   p={m.p_value:<7.3g} {level:.0%} interval [{m.low:.4f}, {m.high:.4f}]"
            )
        console.print(f"  within-side APD: {shift.within_a:.4f} / {shift.within_b:.4f}")
        console.print(f"  {len(shift.senses)} joint sense(s) ({shift.reason})")
        for s in shift.senses:
            status = {"emerged": ("  emerged", "bold green"), "vanished": ("  vanished", "bold red")}.get(s.status, "")
            console.print(
                Text.assemble(
                    "\n  ",
                    (f"sense {s.sense + 1}", "bold"),
                    f"  {s.share_a:.0%} → {s.share_b:.0%}  ({s.count_a} / {s.count_b})",
                    status,
                )
            )
            if s.wordnet is not None:
                dim = "" if s.wordnet.match else " (no good match)"
                console.print(Text.assemble("    WordNet: ", (s.wordnet.synset, "bold"), f" {s.wordnet.gloss}{dim}"))
            for side, examples in (("A", s.examples_a), ("B", s.examples_b)):
                for o in examples:
                    console.print(Text.assemble(f"    {side} "), highlight(o.sentence, o.start, o.end))
        if shift.wordnet_note and all(s.wordnet is None for s in shift.senses):
            console.print(f"  no WordNet labels: {shift.wordnet_note}")
        console.print()
    for f in result.figures:
        console.print(f"figure written to {f}")


def _render_ranking(result: ShiftRanking, top: int) -> None:
    from rich.table import Table

    table = Table(
        title=f"{result.n_tested:,} {result.unit}s with ≥ {result.min_count} occurrences a side, by {result.measure}",
        title_justify="left",
    )
    for col in ("word", "n A", "n B", result.measure, "p", "q (BH)", "APD", "PRT"):
        table.add_column(col, justify="left" if col == "word" else "right")
    for w in result.words[:top]:
        table.add_row(
            safe_text(w.word),
            f"{w.n_a:,}",
            f"{w.n_b:,}",
            f"{w.value:.4f}",
            f"{w.p_value:.3g}",
            f"{w.q_value:.3g}",
            f"{w.apd:.4f}",
            f"{w.prt:.4f}",
        )
    console.print(table)
    n_sig = sum(w.q_value < 0.05 for w in result.words)
    console.print(
        Text.assemble(
            safe_text(result.side_a, "cyan"),
            " vs ",
            safe_text(result.side_b, "magenta"),
            f": {n_sig:,} of {result.n_tested:,} with q < 0.05 (Benjamini-Hochberg); {result.seconds:.1f} s",
        )
    )
