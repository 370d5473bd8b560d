"""`ctxvec index STORE --kind hnsw`: build (list, remove) faiss indexes kept inside a store."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from rich.table import Table

from ..neighbours import KINDS, IndexParams
from ._output import console
from ._params import STORE, Command, Opt, options, opts_of, spec_of

if TYPE_CHECKING:
    from ..neighbours import IndexInfo, IndexList, IndexRemoved


def _byte_size(text: str) -> int:
    """``4G`` / ``512M`` / ``100K`` / plain bytes -> bytes."""
    units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    scale = units.get(t[-1:], 1)
    try:
        value = float(t[:-1] if t[-1:] in units else t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (bytes, or e.g. 512M, 4G)") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return int(value * scale)


def _writes(*opts: Opt) -> tuple[Opt, ...]:
    """Options of building or removing an index (they write files): the CLI's only."""
    return tuple(replace(o, local_only=True) for o in opts)


COMMAND = Command(
    "index",
    help="build a faiss index (hnsw, hnsw-sq8, ivf, ivfpq, flat) inside a store for fast `similar`",
    description="Build a faiss index over the store's unit-normalised vectors (float16 codes) and save "
    "it in STORE/index/. `similar` then uses it (re-scoring its candidates exactly) unless --exact. "
    "hnsw: graph search, fastest, approximate, larger than the vectors; hnsw-sq8: the same graph over "
    "8-bit codes, smaller than the vectors; ivf: k-means cells, approximate; ivfpq: IVF + PQ codes, "
    "a small fraction of the vectors, its candidates re-scored deeper; flat: a full float16 scan, exact "
    "after re-scoring. With --list, show the indexes present; with --remove, delete one.",
    served=True,  # the web only lists (GET /api/index): building and removing write files
    options=options(
        STORE,
        *_writes(
            Opt("kind", default="hnsw", choices=KINDS, help="index kind"),
            *opts_of(IndexParams),
            Opt("max_seconds", float, low=0, open_low=True, help="stop the build when it takes (or would take) longer"),
            Opt("max_memory_bytes", int, flag="--max-memory", convert=_byte_size, low=1, metavar="SIZE",
                help="refuse a build whose estimated peak memory is larger (bytes, or 512M, 4G)"),
            Opt("quiet", bool, short="-q", help="no progress bars"),
        ),
        Opt("list", bool, group="action", local_only=True, web_default=True, help="list the indexes of the store"),
        *_writes(Opt("remove", bool, group="action", help="remove the --kind index")),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> IndexInfo | IndexList | IndexRemoved:
    from ..neighbours import build_index, list_indexes, remove_index

    store = args.store
    if args.list:
        return list_indexes(store)
    if args.remove:
        return remove_index(store, args.kind)
    built = build_index(
        store,
        args.kind,
        spec_of(IndexParams, args),
        max_seconds=args.max_seconds,
        max_memory_bytes=args.max_memory_bytes,
        quiet=args.quiet or args.json,
    )
    return built.info


def render(result: IndexInfo | IndexList | IndexRemoved, args: argparse.Namespace) -> None:
    if args.list:
        _render_list(cast("IndexList", result))
    elif args.remove:
        removed = cast("IndexRemoved", result)
        console.print(f"removed the {removed.kind} index of {removed.store}")
    else:
        info = cast("IndexInfo", result)
        console.print(
            f"built {info.describe()} in {info.build_seconds:.1f} s: {info.file} ({info.bytes / 2**20:.1f} MiB)"
            + ("" if info.recall_at_10 is None else f"; recall@10 {info.recall_at_10:.3f} against the exact scan")
        )


def _render_list(result: IndexList) -> None:
    if not result.indexes:
        console.print(f"{result.store} has no index; build one with `ctxvec index {result.store} --kind hnsw`")
        return
    table = Table(title=f"indexes of {result.store}", title_justify="left")
    for col in ("kind", "parameters", "size", "build", "recall@10", "state"):
        table.add_column(col)
    for kind, info in result.indexes.items():
        params = ", ".join(f"{k}={v}" for k, v in info.params.items()) or "-"
        state = "stale: rebuild" if info.stale else "ok"
        recall = "-" if info.recall_at_10 is None else f"{info.recall_at_10:.3f}"
        table.add_row(kind, params, f"{info.bytes / 2**20:.1f} MiB", f"{info.build_seconds:.1f} s", recall, state)
    console.print(table)
