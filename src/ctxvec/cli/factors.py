"""`ctxvec factors learn STORE` / `show STORE [N]` / `list STORE`: transformer factors (Yun et al. 2021)."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from ..decomposition import CODERS, DEFAULT_EPOCHS
from ..progress import Bar, progress_bar
from ._output import console, highlight, terminal_safe
from ._params import DEVICE, SEED, STORE, Command, Opt, options

if TYPE_CHECKING:
    from ..decomposition import FactorOccurrences, Factors, FactorsList, FactorsOverview
    from ..results import Result
    from ..store import Store


COMMAND = Command(
    "factors",
    help="learn a sparse non-negative dictionary of the store's vectors, and show its factors",
    description="Transformer factors (Yun, Chen, Olshausen & LeCun 2021): unit-norm atoms such that every "
    "vector is a sparse non-negative combination of a few. `learn` fits them by mini-batches streamed "
    "from the store and saves them inside it; `show` lists them with their top contexts, or one factor's "
    "top-activating occurrences; `list` names the dictionaries in the store. Decompose against them with "
    "`ctxvec decompose --atoms factors`.",
    verbs=(
        Command(
            "learn",
            help="learn a dictionary from the store and save it inside the store",
            options=options(
                STORE,
                Opt("n_factors", int, 1000, "number of factors", low=1, metavar="N"),
                Opt("alpha", float, 0.1, "sparsity, relative to the data's scale: penalty = alpha·rms‖x‖/dim; "
                    "larger = fewer active factors per token", low=0, open_low=True),
                Opt("batch_size", int, 1024, "rows per mini-batch", low=1),
                Opt("n_samples", int, flag="--samples", low=1, metavar="N", help="rows to learn from, drawn at "
                    "random without repeats while possible (default: min(rows, 100000))"),
                Opt("n_epochs", int, DEFAULT_EPOCHS, "passes over the sampled rows", flag="--epochs", low=1,
                    high=1000, metavar="N"),
                Opt("top", int, 50, "top-activating occurrences kept per factor", low=1),
                Opt("name", default="default", help="name of the dictionary inside the store"),
                SEED,
                replace(DEVICE, default="cpu", help="torch device for the sparse coding (cpu, cuda, auto)"),
                Opt("coder", default="auto", choices=CODERS, help="sparse-coding solver: gram (FISTA on the "
                    "dictionary's Gram matrix), working-set (for very large dictionaries) or auto (gram up to 4096 factors)"),
            ),
        ),
        Command(
            "show",
            help="list the factors with their top contexts, or factor N's top-activating occurrences",
            served=True,
            options=options(
                STORE,
                Opt("factor", int, positional=True, low=0, metavar="N", help="factor number"),
                Opt("name", default="default", help="which dictionary"),
                Opt("top", int, low=1, help="contexts shown per factor (default 2 in the list, 10 for factor N)"),
            ),
        ),
        Command("list", help="name the dictionaries learned in the store", options=(STORE,), served=True),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> Result:
    from ..decomposition import factor_occurrences, factors_list, factors_overview

    store = args.store
    if args.verb == "learn":
        return _learn(store, args)
    if args.verb == "list":
        return factors_list(store)
    if args.factor is None:
        return factors_overview(store, name=args.name, top=2 if args.top is None else args.top)
    return factor_occurrences(store, args.factor, name=args.name, top=10 if args.top is None else args.top)


def _learn(store: Store, args: argparse.Namespace) -> Factors:
    from ..decomposition import learn_factors

    titles = {"learn": "learning factors", "code": "coding the store"}
    with ExitStack() as stack:
        bars: dict[str, Bar] = {}
        done = {"learn": 0, "code": 0}

        def progress(stage: str, seen: int, total: int, objective: float | None) -> None:
            if stage not in bars:  # one bar per stage, the previous one closed first
                stack.close()
                bars[stage] = stack.enter_context(progress_bar(titles[stage], total, "rows", quiet=args.json))
            bars[stage].advance(seen - done[stage])
            if objective is not None:
                bars[stage].note(f"objective {objective:.4g}")
            done[stage] = seen

        return learn_factors(
            store,
            args.n_factors,
            alpha=args.alpha,
            batch_size=args.batch_size,
            n_samples=args.n_samples,
            n_epochs=args.n_epochs,
            n_top=args.top,
            name=args.name,
            random_state=args.seed,
            device=args.device,
            coder=args.coder,
            progress=progress,
        )


def render(result: Result, args: argparse.Namespace) -> None:
    from ..decomposition import FactorOccurrences, Factors, FactorsList, FactorsOverview

    if isinstance(result, FactorsList):
        _render_list(result)
    elif isinstance(result, FactorOccurrences):
        _render_occurrences(result)
    elif isinstance(result, Factors):
        _render_learned(result, args)
    elif isinstance(result, FactorsOverview):
        _render_overview(result)


def _render_learned(f: Factors, args: argparse.Namespace) -> None:
    s = f.summary()
    epochs = " -> ".join(f"{o:.4g}" for o in s["objective_by_epoch"])
    console.print(
        f"learned {f.n_factors} factors from {s['n_samples']:,} rows ({s['n_epochs']} epoch"
        f"{'s' if s['n_epochs'] != 1 else ''}) in {s['seconds']:.0f} s; objective {s['objective_first_batch']:.4g} "
        f"(first batch) -> {s['objective_last_batch']:.4g} (last batch); by epoch {epochs}; "
        f"{s['mean_active_factors_per_row']:.1f} active factors per token"
    )
    path = args.store.path
    console.print(f"saved as {f.name!r} in {path}; see them with `ctxvec factors show {path}`")


def _render_list(result: FactorsList) -> None:
    if not result.names:
        console.print(f"no factors learned in {result.store}; learn some with `ctxvec factors learn {result.store}`")
    for name in result.names:
        console.print(name)


def _render_overview(result: FactorsOverview) -> None:
    f = result.factors
    table = Table(title=f"{f.n_factors} factors ({f.name!r})", title_justify="left", show_edge=False)
    table.add_column("#", justify="right")
    table.add_column("top words")
    table.add_column("tokens", justify="right")
    table.add_column("top contexts", overflow="fold")
    for shown in result.shown:
        contexts = Text("\n").join(_context(o.sentence, o.start, o.end) for o, _ in shown.occurrences)
        table.add_row(str(shown.factor), terminal_safe(shown.label), f"{shown.count:,}", contexts)
    console.print(table)


def _context(sentence: str, start: int, end: int, width: int = 40) -> Text:
    """The token highlighted in up to `width` characters of its sentence on each side."""
    lo, hi = max(0, start - width), min(len(sentence), end + width)
    text = highlight(sentence[lo:hi], start - lo, end - lo)
    return Text("…" if lo else "") + text + Text("…" if hi < len(sentence) else "")


def _render_occurrences(result: FactorOccurrences) -> None:
    console.print(Text(f"factor {result.factor}: {result.label}", style="bold"))
    if not result.occurrences:
        print(f"ctxvec: note: factor {result.factor} is used by no token", file=sys.stderr)
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("code", justify="right")
    table.add_column("token")
    table.add_column("row", justify="right", style="dim")
    table.add_column("sentence", overflow="fold")
    for o, c in result.occurrences:
        table.add_row(f"{c:.3f}", o.token, str(o.row), highlight(o.sentence, o.start, o.end))
    console.print(table)
