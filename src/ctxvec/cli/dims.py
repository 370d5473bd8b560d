"""`ctxvec dims STORE`: per-dimension statistics, rogue dimensions, heat map of words' vectors."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.table import Table

from ._output import add_json_flag, console

if TYPE_CHECKING:
    from ..structure import DimsReport


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "dims",
        help="the dimensions: mean, variance, rogue dimensions, contribution to the mean cosine, heat map",
        description="Per-dimension mean and variance of the store's vectors (one streaming pass), the 'rogue' "
        "dimensions (magnitude outliers: robust z-score of log mean square above 5; or a dimension carrying 10% "
        "or more of a mean cosine of at least 0.01), and how much each dimension contributes to the "
        "mean cosine similarity of all pairs (the contributions add up to it). -o FILE writes a figure: the heat "
        "map of --words' vectors when given, else the per-dimension panels; --stats-plot FILE writes the panels too.",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument("--words", nargs="+", default=None, metavar="WORD", help="words whose vectors go in the heat map")
    p.add_argument(
        "--level", default="types", choices=["types", "occurrences"], help="heat map rows: word types or occurrences"
    )
    p.add_argument(
        "--per-word", type=int, default=3, metavar="N", help="occurrences per word in the heat map (default 3)"
    )
    p.add_argument(
        "--top-dims",
        type=int,
        default=48,
        metavar="N",
        help="heat map: only the N most informative dimensions, the largest spread across the rows (rogue ones "
        "kept; default 48; give the store's dimension to see all)",
    )
    p.add_argument(
        "--order",
        default="cluster",
        choices=["cluster", "spread", "index"],
        help="heat map columns: clustered by correlation (default), by decreasing spread, or by dimension number",
    )
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="figure (.png, .svg, .pdf)")
    p.add_argument("--stats-plot", default=None, metavar="FILE", help="per-dimension panels (.png, .svg, .pdf)")
    p.add_argument(
        "--top", type=int, default=10, metavar="N", help="list the N dimensions contributing most (default 10)"
    )
    p.add_argument("--sample", type=int, default=None, metavar="N", help="use N random rows instead of all")
    p.add_argument("--width", type=int, default=1200, help="image width in pixels (default 1200)")
    p.add_argument("--height", type=int, default=None, help="image height in pixels (default depends on the figure)")
    p.add_argument("--seed", type=int, default=0, help="seed of --sample and occurrence picks (default 0)")
    add_json_flag(p)


def compute(args: argparse.Namespace) -> DimsReport:
    from ..store import Store
    from ..structure import dims_report

    return dims_report(
        Store.open(args.store),
        top=args.top,
        sample=args.sample,
        seed=args.seed,
        words=args.words,
        level=args.level,
        per_word=args.per_word,
        top_dims=args.top_dims,
        order=args.order,
        output=args.output,
        stats_plot=args.stats_plot,
        width=args.width,
        height=args.height,
    )


def render(result: DimsReport, args: argparse.Namespace) -> None:
    stats = result.stats
    rogue = ", ".join(str(int(i)) for i in stats.rogue) or "none"
    console.print(
        f"{stats.n_rows:,} vectors, {stats.dim} dimensions; mean cosine of all pairs {stats.mean_cosine:.4f}; "
        f"rogue dimensions: {rogue}"
        + (f" (together {stats.share[stats.rogue].sum():.0%} of the mean cosine)" if len(stats.rogue) else "")
    )
    table = Table(title="dimensions contributing most to the mean cosine", title_justify="left")
    for col in ("dim", "mean", "std", "contribution", "share", "z", "rogue"):
        table.add_column(col, justify="right")
    for row in stats.to_dict(result.top)["top"]:
        table.add_row(
            str(row["dim"]), f"{row['mean']:.4f}", f"{row['std']:.4f}", f"{row['contribution']:.5f}",
            f"{row['share']:.1%}", f"{row['score']:.1f}", "yes" if row["rogue"] else "",
        )  # fmt: skip
    console.print(table)
    for path in result.figures:
        console.print(f"figure written to {path}")
