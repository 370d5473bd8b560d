"""`ctxvec cluster STORE --k 50`: k-means clusters of word types or occurrences."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.table import Table

from ..structure import CLUSTER_LEVELS
from ._output import add_json_flag, console

if TYPE_CHECKING:
    from ..structure import Clusters


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "cluster",
        help="k-means clusters of word types or occurrences",
        description="Cluster the word types (mean vector of each word, --min-count occurrences or more) or every "
        "occurrence of the store with k-means on centred, unit-length vectors (cosine), and list each cluster's "
        "size and most central members. Occurrences: k-means is fitted on --fit-rows sampled rows, then every row "
        "is assigned in one streaming pass.",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument("--k", type=int, default=50, help="number of clusters (default 50)")
    p.add_argument(
        "--level", default="types", choices=CLUSTER_LEVELS, help="cluster word types or occurrences (default types)"
    )
    p.add_argument(
        "--members",
        type=int,
        default=10,
        metavar="N",
        dest="n_members",
        help="central members listed per cluster (default 10)",
    )
    p.add_argument("--min-count", type=int, default=5, metavar="N", help="types: words with N occurrences (default 5)")
    p.add_argument(
        "--fit-rows",
        type=int,
        default=50000,
        metavar="N",
        help="occurrences: rows k-means is fitted on (default 50000)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of k-means and sampling (default 0)")
    add_json_flag(p)


def compute(args: argparse.Namespace) -> Clusters:
    from ..store import Store
    from ..structure import cluster

    return cluster(
        Store.open(args.store),
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
