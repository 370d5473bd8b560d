"""`ctxvec factors learn STORE` / `ctxvec factors show STORE [N]`: transformer factors (Yun et al. 2021)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.table import Table
from rich.text import Text

from ..decomposition import DEFAULT_SAMPLES, learn_factors, load_factors
from ..progress import progress_bar
from ..store import Store
from ._output import add_json_flag, console, highlight, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "factors",
        help="learn a sparse non-negative dictionary of the store's vectors, and show its factors",
        description="Transformer factors (Yun, Chen, Olshausen & LeCun 2021): unit-norm atoms such that every "
        "vector is a sparse non-negative combination of a few. `learn` fits them by mini-batches streamed "
        "from the store and saves them inside it; `show` lists them, or one factor's top-activating "
        "occurrences. Decompose against them with `ctxvec decompose --atoms factors`.",
    )
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    learn = verbs.add_parser("learn", help="learn a dictionary from the store and save it inside the store")
    learn.add_argument("store", metavar="STORE", help="store folder")
    learn.add_argument("--n-factors", type=int, default=1000, metavar="N", help="number of factors (default 1000)")
    learn.add_argument(
        "--alpha",
        type=float,
        default=0.1,
        help="sparsity, relative to the data's scale: penalty = alpha·rms‖x‖/dim; larger = fewer active "
        "factors per token (default 0.1)",
    )
    learn.add_argument("--batch-size", type=int, default=1024, help="rows per mini-batch (default 1024)")
    learn.add_argument(
        "--samples",
        type=int,
        default=None,
        metavar="N",
        help="rows to learn from in all, drawn at random without repeats while possible (default: min(rows, 100000))",
    )
    learn.add_argument("--top", type=int, default=50, help="top-activating occurrences kept per factor (default 50)")
    learn.add_argument("--name", default="default", help="name of the dictionary inside the store (default 'default')")
    learn.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    learn.add_argument("--device", default="cpu", help="torch device for the sparse coding (cpu, cuda, auto)")
    add_json_flag(learn)
    learn.set_defaults(func=run_learn)

    show = verbs.add_parser("show", help="list the factors, or factor N's top-activating occurrences")
    show.add_argument("store", metavar="STORE", help="store folder")
    show.add_argument("factor", metavar="N", type=int, nargs="?", default=None, help="factor number")
    show.add_argument("--name", default="default", help="which dictionary (default 'default')")
    show.add_argument("--top", type=int, default=10, help="occurrences shown (default 10)")
    add_json_flag(show)
    show.set_defaults(func=run_show)


def run_learn(args: argparse.Namespace) -> int:
    store = Store.open(args.store)
    n = min(store.n_rows, DEFAULT_SAMPLES) if args.samples is None else args.samples
    with (
        progress_bar("learning factors", n, "rows", quiet=args.json) as learn_bar,
        progress_bar("coding the store", store.n_rows, "rows", quiet=args.json) as code_bar,
    ):
        done = {"learn": 0, "code": 0}

        def progress(stage: str, seen: int, total: int) -> None:
            (learn_bar if stage == "learn" else code_bar).advance(seen - done[stage])
            done[stage] = seen

        f = learn_factors(
            store,
            args.n_factors,
            alpha=args.alpha,
            batch_size=args.batch_size,
            n_samples=args.samples,
            n_top=args.top,
            name=args.name,
            random_state=args.seed,
            device=args.device,
            progress=progress,
        )
    history = f.meta["objective_history"]
    summary = {
        "name": f.name,
        "n_factors": f.n_factors,
        "alpha": f.meta["alpha"],
        "alpha_abs": f.meta["alpha_abs"],
        "n_samples": f.meta["n_samples"],
        "objective_first_batch": history[0] if history else None,
        "objective_last_batch": history[-1] if history else None,
        "mean_active_factors_per_row": float(f.counts.sum() / max(store.n_rows, 1)),
        "seconds": f.meta["total_seconds"],
    }
    if args.json:
        print_json(summary)
        return 0
    console.print(
        f"learned {f.n_factors} factors from {f.meta['n_samples']:,} rows in {f.meta['total_seconds']:.0f} s; "
        f"objective {summary['objective_first_batch']:.4g} (first batch) -> {summary['objective_last_batch']:.4g} "
        f"(last); {summary['mean_active_factors_per_row']:.1f} active factors per token"
    )
    console.print(f"saved as {f.name!r} in {store.path}; see them with `ctxvec factors show {store.path}`")
    return 0


def run_show(args: argparse.Namespace) -> int:
    store = Store.open(args.store)
    f = load_factors(store, args.name)
    if args.factor is None:
        if args.json:
            print_json(
                {
                    "name": f.name,
                    "factors": [
                        {"factor": j, "label": f.labels[j], "count": int(f.counts[j])} for j in range(f.n_factors)
                    ],
                }
            )
            return 0
        table = Table(title=f"{f.n_factors} factors ({f.name!r})", title_justify="left", show_edge=False)
        table.add_column("#", justify="right")
        table.add_column("top words")
        table.add_column("tokens using it", justify="right")
        for j in range(f.n_factors):
            table.add_row(str(j), f.labels[j], f"{int(f.counts[j]):,}")
        console.print(table)
        return 0
    hits = f.occurrences(store, args.factor, args.top)
    if args.json:
        print_json(
            {
                "factor": args.factor,
                "label": f.labels[args.factor],
                "count": int(f.counts[args.factor]),
                "occurrences": [
                    {
                        "row": o.row,
                        "code": c,
                        "token": o.token,
                        "sentence_id": o.sentence_id,
                        "sentence": o.sentence,
                        "span": [o.start, o.end],
                    }
                    for o, c in hits
                ],
            }
        )
        return 0
    console.print(Text(f"factor {args.factor}: {f.labels[args.factor]}", style="bold"))
    if not hits:
        print(f"ctxvec: note: factor {args.factor} is used by no token", file=sys.stderr)
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("code", justify="right")
    table.add_column("token")
    table.add_column("row", justify="right", style="dim")
    table.add_column("sentence", overflow="fold")
    for o, c in hits:
        table.add_row(f"{c:.3f}", o.token, str(o.row), highlight(o.sentence, o.start, o.end))
    console.print(table)
    return 0
