"""`ctxvec compare STORE STORE2`: isotropy, neighbours and evaluation scores side by side."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..space import Sampling
from ._output import console, highlight
from ._params import STORE, Command, Opt, options, opts_of, spec_of

if TYPE_CHECKING:
    from ..space import Comparison


COMMAND = Command(
    "compare",
    help="compare two stores (e.g. before/after `ctxvec transform`): isotropy, neighbours, evaluation",
    description="Compare STORE and STORE2: the isotropy report of each, the nearest neighbours of a few words "
    "side by side (the same occurrence when both stores hold the same rows), and evaluation scores "
    "(analogy accuracy, WordSim-353 and SimLex-999 Spearman by default; see `ctxvec evaluate`).",
    served=True,
    options=options(
        replace(STORE, help="first store (e.g. the original)"),
        replace(STORE, name="store2", metavar="STORE2", help="second store (e.g. the transformed one)"),
        Opt("words", help="comma-separated query words (default: --n-words random frequent words)"),
        Opt("n_words", int, 3, "random frequent words to query when --words is not given", low=1, web_high=50),
        Opt("k", int, 5, "neighbours per word", low=1, web_high=200),
        Opt("tasks", default="analogy,ws353,simlex", help="evaluation tasks (analogy, ws353, simlex, wic)"),
        Opt("no_eval", bool, help="skip the evaluation scores"),
        opts_of(Sampling, only=("seed", "n_pairs"), seed={"help": "seed of the isotropy samples and of the word choice"}),
    ),
)  # fmt: skip


def _f(v: object) -> str:
    if v is None:
        return "-"
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def compute(args: argparse.Namespace) -> Comparison:
    from ..space import compare

    words = [w.strip() for w in args.words.split(",") if w.strip()] if args.words else None
    tasks = None if args.no_eval else [t.strip() for t in args.tasks.split(",") if t.strip()]
    return compare(
        args.store,
        args.store2,
        words=words,
        n_words=args.n_words,
        k=args.k,
        tasks=tasks,
        sampling=spec_of(Sampling, args),
    )


def render(result: Comparison, args: argparse.Namespace) -> None:
    from ..store import Store

    name_a, name_b = Path(result.store_a).name, Path(result.store_b).name
    table = Table(title="isotropy", title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column(escape(result.store_a), justify="right")
    table.add_column(escape(result.store_b), justify="right")
    for key, va, vb in result.isotropy_rows():
        table.add_row(key, _f(va), _f(vb))
    console.print(table)
    a = Store.open(result.store_a) if result.neighbours else None
    for n in result.neighbours or []:
        assert a is not None
        occ = a.occurrence(n.row_a)
        t = Table(title=Text(f"{n.word}: ") + highlight(occ.sentence, occ.start, occ.end), title_justify="left")
        t.add_column("#", justify="right")
        t.add_column(f"{name_a} (row {n.row_a})")
        t.add_column(f"{name_b} (row {n.row_b})")
        for i in range(max(len(n.hits_a), len(n.hits_b))):
            ha = n.hits_a[i] if i < len(n.hits_a) else None
            hb = n.hits_b[i] if i < len(n.hits_b) else None
            t.add_row(
                str(i + 1),
                escape(f"{ha['token']} {ha['score']:.3f} (row {ha['row']})") if ha else "",
                escape(f"{hb['token']} {hb['score']:.3f} (row {hb['row']})") if hb else "",
            )
        console.print(t)
        if n.overlap >= 0:
            console.print(f"shared neighbours: {n.overlap} of {len(n.hits_a)}")
    rows = result.evaluation_rows()
    if rows:
        t = Table(title="evaluation", title_justify="left")
        t.add_column("task", style="bold")
        t.add_column(name_a, justify="right")
        t.add_column(name_b, justify="right")
        for name, ea, eb in rows:
            t.add_row(name, _f(ea), _f(eb))
        console.print(t)
    for note in result.notes:
        console.print(escape(f"note: {note}"))
