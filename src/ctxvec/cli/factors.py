"""`ctxvec factors learn STORE` / `show STORE [N]` / `list STORE`: transformer factors (Yun et al. 2021)."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from ..decomposition import CODERS, DEFAULT_EPOCHS
from ..progress import Bar, progress_bar
from ._output import add_json_flag, console, highlight, terminal_safe

if TYPE_CHECKING:
    from ..decomposition import FactorOccurrences, Factors, FactorsList, FactorsOverview
    from ..results import Result
    from ..store import Store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "factors",
        help="learn a sparse non-negative dictionary of the store's vectors, and show its factors",
        description="Transformer factors (Yun, Chen, Olshausen & LeCun 2021): unit-norm atoms such that every "
        "vector is a sparse non-negative combination of a few. `learn` fits them by mini-batches streamed "
        "from the store and saves them inside it; `show` lists them with their top contexts, or one factor's "
        "top-activating occurrences; `list` names the dictionaries in the store. Decompose against them with "
        "`ctxvec decompose --atoms factors`.",
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
        dest="n_samples",
        type=int,
        default=None,
        metavar="N",
        help="rows to learn from, drawn at random without repeats while possible (default: min(rows, 100000))",
    )
    learn.add_argument(
        "--epochs",
        dest="n_epochs",
        type=int,
        default=DEFAULT_EPOCHS,
        metavar="N",
        help=f"passes over the sampled rows (default {DEFAULT_EPOCHS})",
    )
    learn.add_argument("--top", type=int, default=50, help="top-activating occurrences kept per factor (default 50)")
    learn.add_argument("--name", default="default", help="name of the dictionary inside the store (default 'default')")
    learn.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    learn.add_argument("--device", default="cpu", help="torch device for the sparse coding (cpu, cuda, auto)")
    learn.add_argument(
        "--coder",
        choices=CODERS,
        default="auto",
        help="sparse-coding solver: gram (FISTA on the dictionary's Gram matrix), working-set (for very large "
        "dictionaries) or auto (gram up to 4096 factors)",
    )
    add_json_flag(learn)

    show = verbs.add_parser(
        "show", help="list the factors with their top contexts, or factor N's top-activating occurrences"
    )
    show.add_argument("store", metavar="STORE", help="store folder")
    show.add_argument("factor", metavar="N", type=int, nargs="?", default=None, help="factor number")
    show.add_argument("--name", default="default", help="which dictionary (default 'default')")
    show.add_argument(
        "--top", type=int, default=None, help="contexts shown per factor (default 2 in the list, 10 for factor N)"
    )
    add_json_flag(show)

    listing = verbs.add_parser("list", help="name the dictionaries learned in the store")
    listing.add_argument("store", metavar="STORE", help="store folder")
    add_json_flag(listing)


def compute(args: argparse.Namespace) -> Result:
    from ..decomposition import factor_occurrences, factors_list, factors_overview
    from ..store import Store

    store = Store.open(args.store)
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
    path = Path(args.store)
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
