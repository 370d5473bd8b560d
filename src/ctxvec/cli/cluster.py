"""`ctxvec cluster STORE --k 50`: k-means clusters of word types or occurrences."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.table import Table

from ..structure import CLUSTER_LEVELS
from ._output import console
from ._params import SEED, STORE, Command, Opt, options

if TYPE_CHECKING:
    from ..structure import Clusters


COMMAND = Command(
    "cluster",
    help="k-means clusters of word types or occurrences",
    description="Cluster the word types (mean vector of each word, --min-count occurrences or more) or every "
    "occurrence of the store with k-means on centred, unit-length vectors (cosine), and list each cluster's "
    "size and most central members. Occurrences: k-means is fitted on --fit-rows sampled rows, then every row "
    "is assigned in one streaming pass.",
    served=True,
    options=options(
        STORE,
        Opt("k", int, 50, "number of clusters", flag="--k", low=1, web_high=200),
        Opt("level", default="types", choices=CLUSTER_LEVELS, help="cluster word types or occurrences"),
        Opt(
            "n_members",
            int,
            10,
            "central members listed per cluster",
            flag="--members",
            low=1,
            web_high=100,
            metavar="N",
        ),
        Opt("min_count", int, 5, "types: words with N occurrences", low=1, metavar="N"),
        Opt("fit_rows", int, 50000, "occurrences: rows k-means is fitted on", low=1, web_high=100_000, metavar="N"),
        replace(SEED, help="seed of k-means and sampling"),
    ),
)


def compute(args: argparse.Namespace) -> Clusters:
    from ..structure import cluster

    return cluster(
        args.store,
        args.k,
        level=args.level,
        n_members=args.n_members,
        min_count=args.min_count,
        fit_rows=args.fit_rows,
        seed=args.seed,
    )


def render(result: Clusters, args: argparse.Namespace) -> None:
    what = "word types" if result.level == "types" else "occurrences"
    table = Table(title=f"{result.k} clusters of {len(result.labels):,} {what}", title_justify="left")
    table.add_column("cluster", justify="right")
    table.add_column("size", justify="right")
    table.add_column("most central members")
    for c in result.clusters:
        table.add_row(str(c.label + 1), f"{c.size:,}", ", ".join(c.members))
    console.print(table)
