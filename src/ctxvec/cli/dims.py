"""`ctxvec dims STORE`: per-dimension statistics, rogue dimensions, heat map of words' vectors."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.table import Table

from ._output import console
from ._params import HEIGHT, OUTPUT, SEED, STORE, WIDTH, Command, Opt, options

if TYPE_CHECKING:
    from ..space import DimsReport


COMMAND = Command(
    "dims",
    help="the dimensions: mean, variance, rogue dimensions, contribution to the mean cosine, heat map",
    description="Per-dimension mean and variance of the store's vectors (one streaming pass), the 'rogue' "
    "dimensions (magnitude outliers: robust z-score of log mean square above 5; or a dimension carrying 10% "
    "or more of a mean cosine of at least 0.01), and how much each dimension contributes to the "
    "mean cosine similarity of all pairs (the contributions add up to it). -o FILE writes a figure: the heat "
    "map of --words' vectors when given, else the per-dimension panels; --stats-plot FILE writes the panels too.",
    served=True,
    options=options(
        STORE,
        Opt("words", many=True, metavar="WORD", help="words whose vectors go in the heat map"),
        Opt("level", default="types", choices=("types", "occurrences"), help="heat map rows: word types or occurrences"),
        Opt("per_word", int, 3, "occurrences per word in the heat map", low=1, web_high=50, metavar="N"),
        Opt("top_dims", int, 48, "heat map: only the N most informative dimensions, the largest spread across the "
            "rows (rogue ones kept; give the store's dimension to see all)", low=1, web_high=100, metavar="N"),
        Opt("order", default="cluster", choices=("cluster", "spread", "index"), help="heat map columns: clustered "
            "by correlation, by decreasing spread, or by dimension number"),
        replace(OUTPUT, help="figure (.png, .svg, .pdf)"),
        Opt("stats_plot", metavar="FILE", local_only=True, help="per-dimension panels (.png, .svg, .pdf)"),
        Opt("top", int, 10, "list the N dimensions contributing most", low=1, web_high=200, metavar="N"),
        Opt("sample", int, low=1, web_high=100_000, metavar="N", help="use N random rows instead of all"),
        replace(WIDTH, default=1200),
        replace(HEIGHT, default=None, help="image height in pixels (default depends on the figure)"),
        replace(SEED, help="seed of --sample and occurrence picks"),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> DimsReport:
    from ..figures import check_figure_path, write_dims_figures
    from ..space import dims_report

    for name in ("output", "stats_plot"):  # before the work: a wrong suffix is the first thing to say
        if getattr(args, name) is not None:
            check_figure_path(getattr(args, name), name)
    report = dims_report(
        args.store,
        top=args.top,
        sample=args.sample,
        seed=args.seed,
        words=args.words,
        level=args.level,
        per_word=args.per_word,
        top_dims=args.top_dims,
        order=args.order,
    )
    return write_dims_figures(report, args.output, args.stats_plot, args.width, args.height)


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
