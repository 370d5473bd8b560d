"""Search at growing sizes: exact scan, HNSW and IVF-PQ on synthetic clustered float16 vectors.

Each size is a real store (seeded clustered vectors, dim 128 so that 10^7 rows stay 2.5 GB on
disk; one token "w" a row, 50 rows a sentence). For each method: build time, index size, the
estimated peak memory of the build (`IndexPlan.peak_bytes`), query latency (100 stored rows as
queries, one call) and recall@10 against the exact scan. HNSW is built under a time budget
(`max_seconds`); where the budget refuses it, the table says so.

    python benchmarks/bench_scale_search.py --sizes 100000 1000000 10000000 --hnsw-seconds 300
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from _results import write_section

from ctxvec.errors import ParameterError
from ctxvec.neighbours import build_index, search_vectors
from ctxvec.neighbours._recipes import plan_index
from ctxvec.store import Store, write_store

DIM = 128
N_QUERIES = 100
IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "scale_search.png"


def synthetic_store(path: Path, n: int, seed: int = 0) -> Store:
    """n clustered float16 rows of DIM dims (about sqrt(n) clusters), written block by block in memory."""
    rng = np.random.default_rng(seed)
    n_clusters = max(10, int(np.sqrt(n)))
    centers = rng.normal(size=(n_clusters, DIM)).astype(np.float32)
    x = np.empty((n, DIM), dtype=np.float16)
    for start in range(0, n, 1_000_000):
        stop = min(start + 1_000_000, n)
        labels = rng.integers(0, n_clusters, stop - start)
        x[start:stop] = centers[labels] + 0.7 * rng.normal(size=(stop - start, DIM)).astype(np.float32)
    per = 50
    sids = np.arange(n) // per
    spans = np.zeros((n, 2), dtype=np.int64)
    return write_store(path, x, ["w"] * n, sids, ["w"] * int(sids[-1] + 1), spans=spans)


def recall(approx: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact, strict=True)]))


def measure(store: Store, hnsw_seconds: float) -> list[dict[str, object]]:
    rows = np.sort(np.random.default_rng(1).choice(store.n_rows, N_QUERIES, replace=False))
    q = store.get_vectors(rows)
    t = time.perf_counter()
    exact = search_vectors(store, q, 10, exclude_rows=rows)
    out: list[dict[str, object]] = [
        {"method": "exact", "latency_ms": 1000 * (time.perf_counter() - t) / N_QUERIES, "recall": 1.0}
    ]
    vec_mib = (store.path / "vectors.npy").stat().st_size / 2**20
    out[0].update(build_s=0.0, size_mib=vec_mib, peak_mib=vec_mib)
    for kind, budget in (("hnsw", hnsw_seconds), ("ivfpq", None)):
        plan = plan_index(kind, store.n_rows, store.dim)
        try:
            idx = build_index(store, kind, max_seconds=budget)
        except ParameterError as e:
            out.append({"method": kind, "note": str(e)})
            continue
        t = time.perf_counter()
        m = idx.search(q, 10, exclude_rows=rows)
        out.append(
            {
                "method": kind,
                "latency_ms": 1000 * (time.perf_counter() - t) / N_QUERIES,
                "recall": recall(m.rows, exact.rows),
                "build_s": idx.info.build_seconds,
                "size_mib": idx.info.bytes / 2**20,
                "peak_mib": plan.peak_bytes(65536) / 2**20,
            }
        )
    return out


def plot(results: dict[int, list[dict[str, object]]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for method in ("exact", "hnsw", "ivfpq"):
        pts = [(n, r) for n, rs in results.items() for r in rs if r["method"] == method and "latency_ms" in r]
        if not pts:
            continue
        ns = [n for n, _ in pts]
        axes[0].loglog(ns, [float(r["latency_ms"]) for _, r in pts], "o-", label=method)  # type: ignore[arg-type]
        axes[1].loglog(ns, [float(r["size_mib"]) for _, r in pts], "o-", label=method)  # type: ignore[arg-type]
    axes[0].set(xlabel="rows", ylabel="ms per query (100 queries, one call)", title="query latency")
    axes[1].set(xlabel="rows", ylabel="MiB (exact: the float16 vectors)", title="index size")
    for ax in axes:
        ax.legend()
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    IMG.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(IMG, dpi=120)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--hnsw-seconds", type=float, default=300.0, help="HNSW build budget per size")
    args = ap.parse_args()
    results: dict[int, list[dict[str, object]]] = {}
    for n in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="ctxvec-scale-"))
        try:
            results[n] = measure(synthetic_store(folder / "s", n), args.hnsw_seconds)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(n, results[n], flush=True)
    plot(results)
    lines = [
        f"Synthetic clustered float16 vectors, dim {DIM}, stored as real stores; {N_QUERIES} stored rows as "
        "queries (one call); recall@10 against the exact scan; peak = the build's estimated peak memory. "
        "The machine was shared by 8 engineers (load far above its 2 cores): compare ratios within a size.",
        "",
        "| rows | method | ms/query | recall@10 | build s | size MiB | peak MiB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n, rs in results.items():
        for r in rs:
            if "note" in r:
                lines.append(f"| {n:,} | {r['method']} | left out: {r['note']} | | | | |")
                continue
            lines.append(
                f"| {n:,} | {r['method']} | {r['latency_ms']:.2f} | {r['recall']:.3f} | {r['build_s']:.1f} "
                f"| {r['size_mib']:.1f} | {r['peak_mib']:.0f} |"
            )
    lines += ["", "![search at growing sizes](../docs/img/scale_search.png)"]
    write_section("Search at growing sizes", "\n".join(lines))


if __name__ == "__main__":
    main()
