"""`ctxvec evaluate STORE`: Google analogies, WordSim-353, SimLex-999 and word-in-context."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.table import Table

from ..lexicon import DEFAULT_PAIRS, METHODS, TASKS
from ._output import console
from ._params import DEVICE, STORE, Command, Opt, options

if TYPE_CHECKING:
    from ..lexicon import Evaluation


COMMAND = Command(
    "evaluate",
    help="benchmarks: Google analogies, WordSim-353, SimLex-999, word-in-context (offline)",
    description="Evaluate a store's word-type vectors on the Google analogy set (accuracy per section "
    "and in total, questions with unknown words skipped), WordSim-353 and SimLex-999 (Spearman, pairs "
    "with unknown words skipped), matching words as gensim does (case-insensitively, the 300000 most "
    "frequent), and on a word-in-context set built from WordNet 3.0 example sentences (the store's model "
    "embeds both sentences; AUC and accuracy of a cosine threshold chosen on a held-out split).",
    served=True,
    options=options(
        STORE,
        Opt("tasks", flag="--task", many=True, metavar="TASK", help=f"tasks to run: {', '.join(TASKS)} (default all)"),
        Opt("method", default="add", choices=METHODS, help="analogy method: add = 3CosAdd, mul"),
        Opt("min_count", int, 1, "word types need N occurrences", low=1, metavar="N"),
        Opt("decontextualized", bool, True, "use the store's decontextualized vectors (added by "
            "`ctxvec types --decontextualized`)"),
        Opt("wic_pairs", int, DEFAULT_PAIRS, "word-in-context pairs", low=4, web_high=DEFAULT_PAIRS, metavar="N"),
        Opt("sections", bool, help="also print the analogy accuracy of every section"),
        replace(DEVICE, help="device for the word-in-context embedding"),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> Evaluation:
    from ..lexicon import evaluate

    return evaluate(
        args.store,
        tasks=args.tasks,
        method=args.method,
        min_count=args.min_count,
        decontextualized=args.decontextualized,
        wic_pairs=args.wic_pairs,
        device=args.device,
    )


def render(res: Evaluation, args: argparse.Namespace) -> None:
    table = Table(title=f"evaluation of {args.store.path}", title_justify="left")
    for col, just in (
        ("task", "left"),
        ("metric", "left"),
        ("score", "right"),
        ("used", "right"),
        ("skipped", "right"),
        ("seconds", "right"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    sec = res.seconds
    if res.analogy is not None:
        a = res.analogy
        name = "3CosAdd" if a.method == "add" else "3CosMul"
        table.add_row(
            "Google analogy",
            f"accuracy ({name})",
            f"{a.accuracy:.3f}",
            f"{a.answered:,}",
            f"{a.skipped:,}",
            f"{sec.get('analogy', 0):.1f}",
        )
    for task, label in (("ws353", "WordSim-353"), ("simlex", "SimLex-999")):
        r = getattr(res, task)
        if r is not None:
            table.add_row(
                label, "Spearman", f"{r.spearman:.3f}", str(r.pairs), str(r.skipped), f"{sec.get(task, 0):.1f}"
            )
    if res.wic is not None:
        w = res.wic
        table.add_row(
            "word-in-context", "AUC", f"{w.auc:.3f}", str(w.n_test), str(w.n_skipped), f"{sec.get('wic', 0):.1f}"
        )
        table.add_row("", f"accuracy (t={w.threshold:.3f})", f"{w.accuracy:.3f}", "", "", "")
    console.print(table)
    if args.sections and res.analogy is not None:
        st = Table(title="analogy sections", title_justify="left")
        for col in ("section", "accuracy", "correct", "answered", "skipped"):
            st.add_column(col, justify="left" if col == "section" else "right")
        for s in res.analogy.sections:
            st.add_row(s.name, f"{s.accuracy:.3f}", str(s.correct), str(s.answered), str(s.skipped))
        console.print(st)
