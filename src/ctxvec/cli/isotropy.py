"""`ctxvec isotropy STORE` / `ctxvec isotropy CORPUS --all-layers`: how crowded the space is."""

from __future__ import annotations

import argparse
import math
from dataclasses import replace
from typing import TYPE_CHECKING

from rich import box
from rich.markup import escape
from rich.table import Table

from ..errors import CtxvecError
from ..space import Sampling
from ._output import console
from ._params import DEVICE, STORE, Command, Opt, options, opts_of, spec_of

if TYPE_CHECKING:
    from ..space import LayerIsotropy, StoreIsotropy


COMMAND = Command(
    "isotropy",
    help="isotropy report of a store, or of every layer of a model on a corpus",
    description="Isotropy report: IsoScore, mean cosine of random occurrence pairs from different sentences, "
    "partition ratio I(W), variance on the top principal components, effective rank, and Ethayarajh's "
    "self-similarity, intra-sentence similarity and maximum explainable variance (each also minus its "
    "anisotropy baseline). Global figures use every row; the others are sampled with --seed. "
    "With --all-layers, SOURCE is a corpus (file, folder, wiki, lee) or a store, and the report is "
    "computed for every layer of the model (layer 0 = input embeddings) on a sample of its sentences.",
    served=True,
    options=options(
        replace(STORE, name="source", metavar="SOURCE", cli_opens=False, api="store",
                help="store folder; with --all-layers also a corpus (file, folder, wiki, lee)"),
        Opt("all_layers", bool, local_only=True, help="report every layer of the model (needs the model; slower)"),
        Opt("model", local_only=True, help="with --all-layers: model folder or hub id (default: the store's model, "
            "or the embedded all-MiniLM-L6-v2 for a corpus)"),
        Opt("sample_sentences", int, 500, flag="--sample", low=2, local_only=True, metavar="N",
            help="sentences the sampled measures are drawn from (the same draw for a store's report and "
            "--all-layers, so both agree on a layer); with --all-layers they are encoded"),
        Opt("plot", metavar="FILE", local_only=True, help="with --all-layers: save a line plot of the figures per layer (PNG)"),
        replace(DEVICE, help="with --all-layers: auto, cpu, cuda or mps"),
        Opt("raw", bool, help="the store's stored vectors, ignoring its in-place transform (`ctxvec transform --in-place`)"),
        opts_of(Sampling, only=("seed", "n_pairs", "min_count", "max_words", "max_occurrences", "max_sentences")),
        Opt("top_k", int, 10, "principal components summed in top_k_pc_variance", low=1, web_high=100),
    ),
)  # fmt: skip


def _fmt(value: float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    if isinstance(value, float) and value != 0 and abs(value) < 1e-3:
        return f"{value:.3e}"
    return f"{value:.4f}" if isinstance(value, float) else f"{value:,}"


def compute(args: argparse.Namespace) -> StoreIsotropy | LayerIsotropy:
    from ..figures import check_layer_plot_path, write_layer_plot
    from ..space import isotropy, layer_isotropy
    from ..store import Store

    if not args.all_layers:
        for flag, value in (("--model", args.model), ("--plot", args.plot)):
            if value is not None:
                raise CtxvecError(f"{flag} only applies with --all-layers")
        return isotropy(
            args.source if isinstance(args.source, Store) else Store.open(args.source),
            raw=args.raw,
            sampling=spec_of(Sampling, args),
            top_k=args.top_k,
            sample_sentences=args.sample_sentences,
        )
    if args.raw:
        raise CtxvecError("--raw applies to a store's report, not with --all-layers")
    if args.plot is not None:  # before the work: a folder that does not exist is the first thing to say
        check_layer_plot_path(args.plot)
    layers = layer_isotropy(
        args.source,
        args.model,
        sample_sentences=args.sample_sentences,
        device=args.device,
        sampling=spec_of(Sampling, args),
        top_k=args.top_k,
    )
    return layers if args.plot is None else write_layer_plot(layers, args.plot)


def render(result: StoreIsotropy | LayerIsotropy, args: argparse.Namespace) -> None:
    from ..space import SUMMARY_FIELDS, StoreIsotropy

    if isinstance(result, StoreIsotropy):
        shown = f" (transform {result.transform_id})" if result.transform_id else ""
        title = f"isotropy of {result.store}" + (" (raw vectors)" if getattr(args, "raw", False) else shown)
        table = Table(title=escape(title), title_justify="left")
        table.add_column("figure (--json key)", style="bold", no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("meaning")
        for key, label in SUMMARY_FIELDS:
            label = label.replace("top-k", f"top-{result.top_k}")
            table.add_row(key, _fmt(getattr(result, key)), label)
        console.print(table)
        console.print(
            f"all {result.n_rows:,} rows (dim {result.dim}) for IsoScore, I(W), PCs, effective rank; "
            + escape(str(result.sample.get("description", "")))
        )
        return
    cols = [
        ("isoscore", "IsoScore", 3),
        ("mean_cosine", "cos", 3),
        ("log_partition_ratio", "log I", 2),
        ("self_similarity", "self", 3),
        ("self_similarity_adjusted", "adj", 3),
        ("intra_sentence_similarity", "intra", 3),
        ("intra_sentence_similarity_adjusted", "adj", 3),
        ("mev", "MEV", 3),
        ("mev_adjusted", "adj", 3),
    ]
    table = Table(
        title=escape(f"isotropy per layer of {result.model}"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("layer", justify="right", style="bold", no_wrap=True)
    for _, label, _ in cols:
        table.add_column(label, justify="right", no_wrap=True, min_width=6)
    for layer, r in zip(result.layers, result.reports, strict=True):
        table.add_row(str(layer), *(f"{getattr(r, key):.{digits}f}" for key, _, digits in cols))
    console.print(table)
    console.print(
        "cos = mean cosine of random pairs; log I = log partition ratio; self / intra = self- and intra-sentence "
        "similarity; MEV = max. explainable variance; adj = minus the anisotropy baseline. Everything: --json"
    )
    r0 = result.reports[0]
    console.print(
        f"{result.n_sentences:,} sentences encoded, {result.n_rows:,} words; per layer, "
        + escape(str(r0.sample.get("description", "")))
        + "; layer 0 = input embeddings"
        + (f"; plot saved to {escape(result.plot)}" if result.plot else "")
    )
