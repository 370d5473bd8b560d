"""Isotropy of a store before and after each transform, fit cost, and the per-layer curve of its model.

Usage: python benchmarks/bench_isotropy.py [STORE] [--sentences 500] [--plot docs/img/isotropy_layers.png]

- the isotropy report of STORE (default /work/stores/wiki.store), then of STORE seen through each
  transform fitted on all of its rows (center, abtt, whitening, conceptor, pca to dim/2);
- each fit's time and peak heap memory (tracemalloc; the memory-mapped vectors are not heap), next to
  scikit-learn's PCA on the same vectors loaded into memory (the in-memory way), as ratios;
- writing a transformed store (`transform_store`) once, for throughput;
- the report for every layer of the store's model on a seeded sample of its sentences, as a table and
  a PNG line plot.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section

from ctxvec.figures import plot_layers
from ctxvec.space import IsotropyReport, Sampling, isotropy, store_layer_isotropy, transform_store
from ctxvec.store import Store
from ctxvec.transforms import make_transform

ROOT = Path(__file__).resolve().parent.parent


CPU: dict[str, float] = {}


def measured(fn, name: str = ""):
    """(result, wall seconds, peak heap MiB) of fn(); its CPU seconds go to CPU[name]."""
    tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    seconds = time.perf_counter() - t0
    CPU[name] = time.process_time() - c0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, seconds, peak


def row(name: str, r: IsotropyReport, base: IsotropyReport | None, fit_s: str, mem: str) -> str:
    def arrow(a: float, b: float, up: bool) -> str:
        if abs(a - b) < 1e-4:
            return "="
        return "yes" if (a > b) == up else "NO"

    iso_ok = "" if base is None else f" ({arrow(r.isoscore, base.isoscore, True)})"
    cos_ok = "" if base is None else f" ({arrow(r.mean_cosine, base.mean_cosine, False)})"
    return (
        f"| {name} | {fit_s} | {mem} | {r.isoscore:.3f}{iso_ok} | {r.mean_cosine:.4f}{cos_ok} | "
        f"{r.partition_ratio:.3g} | {r.top_pc_variance:.4f} | {r.effective_rank:.1f} | "
        f"{r.self_similarity_adjusted:.3f} | {r.intra_sentence_similarity_adjusted:.3f} | {r.mev_adjusted:.3f} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", nargs="?", default="/work/stores/wiki.store")
    ap.add_argument("--sentences", type=int, default=500, help="sentences sampled for the per-layer curve")
    ap.add_argument("--plot", default=str(ROOT / "docs" / "img" / "isotropy_layers.png"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    store = Store.open(args.store)
    dim = store.dim
    print(f"{store}: {store.n_rows:,} rows", flush=True)
    base, base_s, base_mem = measured(lambda: isotropy(store, sampling=Sampling(seed=args.seed)), "report")
    print(f"report before: {base_s:.1f} s", flush=True)

    methods = [("center", {}), ("abtt", {}), ("whitening", {}), ("conceptor", {}), ("pca", {"n_components": dim // 2})]
    lines = []
    fits = {}
    for method, params in methods:
        t = make_transform(method, **params)
        _, fit_s, fit_mem = measured(lambda t=t: t.fit_source(store), method)
        fits[method] = (fit_s, fit_mem)
        report = isotropy(store, transform=t, sampling=Sampling(seed=args.seed))
        label = f"{method}" + (f" (k={params['n_components']})" if params else "")
        if method == "abtt":
            label += f" (D={t.n_components_})"
        lines.append(row(label, report, base, f"{fit_s:.2f} ({CPU[method]:.2f})", f"{fit_mem:.0f}"))
        print(f"{method}: fit {fit_s:.2f} s, {fit_mem:.0f} MiB; IsoScore {report.isoscore:.3f}", flush=True)

    # the in-memory way: load every vector, scikit-learn PCA (its default solver)
    import sklearn.decomposition

    def sklearn_pca():
        x = np.asarray(store.vectors, dtype=np.float32)
        return sklearn.decomposition.PCA(dim // 2).fit(x)

    ref, sk_s, sk_mem = measured(sklearn_pca, "sklearn")
    ours_pca = make_transform("pca", n_components=dim // 2).fit_source(store)
    agree = float(np.max(np.abs(ours_pca.explained_variance_ - ref.explained_variance_) / ref.explained_variance_))

    # writing a transformed store
    tmp = Path(tempfile.mkdtemp(prefix="bench_isotropy_"))
    try:
        t = make_transform("abtt").fit_source(store)
        _, write_s, write_mem = measured(lambda: transform_store(store, t, tmp / "abtt.store"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # per layer
    layers, layer_s, _ = measured(
        lambda: store_layer_isotropy(store, sample_sentences=args.sentences, sampling=Sampling(seed=args.seed))
    )
    plot = Path(args.plot)
    plot.parent.mkdir(parents=True, exist_ok=True)
    plot_layers(layers, plot, title=f"{layers.model}: {layers.n_sentences} sentences of {store.path.name}")
    print(f"per layer: {layer_s:.1f} s", flush=True)

    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or "default"
    head = (
        "| vectors | fit s (CPU s) | fit peak heap MiB | IsoScore (up?) | mean cos (down?) | I(W) | PC1 var | eff. rank "
        "| self-sim adj | intra-sim adj | MEV adj |\n|---|---|---|---|---|---|---|---|---|---|---|"
    )
    body = f"""Store `{store.path}`: {store.n_rows:,} rows, dim {dim}, {store.manifest["dtype"]}, model
`{store.manifest["model"]["name"]}`. Every transform is fitted on **all** rows by one streaming pass
(float64 accumulators); every report uses all rows for IsoScore, I(W), PCs and effective rank, and seeded
samples for the rest ({base.n_pairs:,} random pairs from different sentences, {base.n_words} words with at
least {base.min_count} occurrences, {base.n_sentences} sentences; seed {args.seed}). BLAS threads: {threads}.
The report itself took {base_s:.1f} s ({CPU["report"]:.1f} CPU s; two streaming passes plus sampling), peak heap {base_mem:.0f} MiB.

{head}
{row("raw", base, None, "-", "-")}
{chr(10).join(lines)}

IsoScore is invariant to shifts and rotations, so centring (and PCA keeping every direction) cannot change it;
they act on the cosines. I(W) is the partition ratio over ±eigenvectors (1 = isotropic); adjusted figures are
Ethayarajh's measures minus their anisotropy baselines.

Fit cost against the in-memory way (scikit-learn `PCA({dim // 2})` on all vectors loaded as float32):

| fit | seconds | CPU seconds | peak heap MiB |
|---|---|---|---|
| ctxvec PCA, streamed | {fits["pca"][0]:.2f} | {CPU["pca"]:.2f} | {fits["pca"][1]:.0f} |
| scikit-learn PCA, in memory | {sk_s:.2f} | {CPU["sklearn"]:.2f} | {sk_mem:.0f} |
| ratio (sklearn / ctxvec) | {sk_s / fits["pca"][0]:.1f}x | {CPU["sklearn"] / CPU["pca"]:.1f}x | {sk_mem / fits["pca"][1]:.1f}x |

Largest relative difference of the explained variances: {agree:.1e}.
Writing the all-but-the-top store (`transform_store`, {store.n_rows:,} rows): {write_s:.1f} s,
{store.n_rows / write_s:,.0f} rows/s, peak heap {write_mem:.0f} MiB.

Per layer of `{layers.model}` on {layers.n_sentences} seeded sentences of the store ({layers.n_rows:,} words;
layer 0 = input embeddings; {layer_s:.1f} s including encoding). Plot: `{plot.relative_to(ROOT) if plot.is_relative_to(ROOT) else plot}`.

| layer | IsoScore | mean cos | log I(W) | PC1 var | eff. rank | self-sim | self-sim adj | intra-sim | intra adj | MEV | MEV adj |
|---|---|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(
        f"| {layer} | {r.isoscore:.3f} | {r.mean_cosine:.3f} | {r.log_partition_ratio:.2f} | {r.top_pc_variance:.3f} | "
        f"{r.effective_rank:.1f} | {r.self_similarity:.3f} | {r.self_similarity_adjusted:.3f} | "
        f"{r.intra_sentence_similarity:.3f} | {r.intra_sentence_similarity_adjusted:.3f} | {r.mev:.3f} | "
        f"{r.mev_adjusted:.3f} |"
        for layer, r in zip(layers.layers, layers.reports, strict=True)
    )
    write_section("bench_isotropy", body)


if __name__ == "__main__":
    main()
