"""Search at growing sizes: exact scan, HNSW (8-bit codes) and IVF-PQ on synthetic clustered float16 vectors.

Each size is a real store (seeded clustered vectors, dim 384 like MiniLM; one token "w" a row, 50
rows a sentence), written block by block so that 10^7 rows (7.7 GB) never sit in memory. Every
method runs in its own child process: the exact scan (no build), then each index built with
`build_index` under a time budget (`max_seconds`; where the budget refuses a build, the table says
so with its projected time). For each: build time, index file size, the build's estimated peak
memory (`IndexPlan.peak_bytes`) and its MEASURED peak (the child's anonymous memory, sampled every
0.1 s, and VmHWM, which also counts the pages of the memory-mapped vectors it read), query latency
(100 stored rows as queries in one call, after a one-query warm-up) and recall@10 against the exact
scan (a returned row scoring at least the exact 10th cosine counts as found).

    python benchmarks/bench_scale_search.py --sizes 100000 1000000 10000000 --budget 1500 --log scale.jsonl

(`--resume` keeps the results already in `--log` and runs only the missing methods, plus the exact
scan for their recall, or those named by `--rerun`; the table says which budget each build ran under.)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
from _results import write_section

DIM = 384
N_QUERIES = 100
K = 10
METHODS = ("exact", "hnsw-sq8", "ivfpq")
IMG = Path(__file__).resolve().parents[1] / "docs" / "img" / "scale_search.png"
MiB = 2**20


def synthetic_store(path: Path, n: int, seed: int = 0) -> None:
    """n clustered float16 rows of DIM dims (about sqrt(n) centres, noise 0.7 a dim), written in blocks."""
    from ctxvec.store import StoreWriter

    rng = np.random.default_rng(seed)
    n_clusters = max(10, int(np.sqrt(n)))
    centers = rng.normal(size=(n_clusters, DIM)).astype(np.float32)
    per = 50
    sids = np.arange(n, dtype=np.int64) // per
    n_sent = int(sids[-1] + 1)
    zeros = np.zeros(n, dtype=np.int32)
    rows = pa.table(
        {
            "sentence_id": sids,
            "position": (np.arange(n) % per).astype(np.int32),
            "token": pa.array(["w"]).take(pa.array(zeros)),
            "start": zeros,
            "end": zeros,
        }
    )
    sentences = pa.table(
        {
            "sentence_id": np.arange(n_sent, dtype=np.int64),
            "doc_id": np.zeros(n_sent, dtype=np.int64),
            "text": pa.array(["w"]).take(pa.array(np.zeros(n_sent, dtype=np.int32))),
        }
    )
    manifest = {"model": {"name": "synthetic", "path": None, "weights_sha256": None}, "encode": None}
    manifest["n_windowed_sentences"] = 0
    w = StoreWriter.create(path, manifest, rows, sentences, DIM, "float16")
    for start in range(0, n, 500_000):
        stop = min(start + 500_000, n)
        labels = rng.integers(0, n_clusters, stop - start)
        x = centers[labels] + 0.7 * rng.normal(size=(stop - start, DIM)).astype(np.float32)
        w.write_range(start, x.astype(np.float16))
    w.finalize()


class PeakMemory:
    """The peak of this process's anonymous resident memory (RssAnon), sampled every 0.1 s."""

    def __init__(self) -> None:
        self.base = self.peak = self.status("RssAnon")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def status(field: str) -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.status("RssAnon"))
            time.sleep(0.1)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.status("RssAnon"))
        return {
            "anon_base_mib": self.base / MiB,
            "anon_peak_mib": self.peak / MiB,
            "hwm_mib": self.status("VmHWM") / MiB,
        }


def child(store_path: str, method: str, budget: float, exact_file: str) -> dict[str, object]:
    """One method on one store, in this (child) process: build (measured), then search and recall."""
    from ctxvec.errors import ParameterError
    from ctxvec.neighbours import build_index, search_vectors
    from ctxvec.neighbours._recipes import plan_index
    from ctxvec.store import Store

    store = Store.open(store_path)
    rows = np.sort(np.random.default_rng(1).choice(store.n_rows, N_QUERIES, replace=False))
    q = np.asarray(store.get_vectors(rows), dtype=np.float32)
    out: dict[str, object] = {"method": method, "budget_s": budget}
    if method == "exact":
        search_vectors(store, q[:1], K, exclude_rows=rows[:1])  # warm-up: torch import, first kernels
        mem = PeakMemory()
        t = time.perf_counter()
        m = search_vectors(store, q, K, exclude_rows=rows)
        out["latency_ms"] = 1000 * (time.perf_counter() - t) / N_QUERIES
        out.update(mem.stop(), build_s=0.0, size_mib=(store.path / "vectors.npy").stat().st_size / MiB)
        out["recall"], out["estimate_mib"] = 1.0, None
        np.savez(exact_file, rows=m.rows, scores=m.scores)
        return out
    plan = plan_index(method, store.n_rows, store.dim)
    out["estimate_mib"] = plan.peak_bytes(65536) / MiB
    out["params"] = plan.params
    mem = PeakMemory()
    t = time.perf_counter()
    try:
        idx = build_index(store, method, max_seconds=budget or None)
    except ParameterError as e:
        out.update(mem.stop(), note=str(e), build_s=time.perf_counter() - t)
        return out
    out.update(mem.stop(), build_s=idx.info.build_seconds, size_mib=idx.info.bytes / MiB)
    out["params"] = dict(idx.info.params)  # as built (ivfpq's rerank is chosen by the build)
    out["recall_at_10_build"] = idx.info.recall_at_10
    idx.search(q[:1], K, exclude_rows=rows[:1])
    t = time.perf_counter()
    m = idx.search(q, K, exclude_rows=rows)
    out["latency_ms"] = 1000 * (time.perf_counter() - t) / N_QUERIES
    kth = np.load(exact_file)["scores"][:, K - 1]
    found = np.where(m.rows >= 0, m.scores, -np.inf)
    out["recall"] = float(np.mean(np.minimum((found >= kth[:, None] - 1e-6).sum(axis=1), K) / K))
    return out


def run_child(store: Path, method: str, budget: float, exact_file: Path) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", str(store), method, str(budget), str(exact_file)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"method": method, "note": f"child failed ({done.returncode}): {done.stderr.strip()[-300:]}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def plot(results: dict[int, list[dict[str, object]]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    colours = {"exact": "C0", "hnsw-sq8": "C1", "ivfpq": "C2"}
    for method in METHODS:
        pts = [(n, r) for n, rs in results.items() for r in rs if r["method"] == method and "latency_ms" in r]
        c = colours[method]
        if pts:
            ns = [n for n, _ in pts]
            axes[0].loglog(ns, [float(r["latency_ms"]) for _, r in pts], "o-", color=c, label=method)  # type: ignore[arg-type]
            if method != "exact":
                axes[1].loglog(ns, [float(r["build_s"]) for _, r in pts], "o-", color=c, label=method)  # type: ignore[arg-type]
            axes[2].loglog(ns, [float(r["size_mib"]) for _, r in pts], "o-", color=c, label=method)  # type: ignore[arg-type]
        for n, rs in results.items():  # a build the budget refused: its projected time, hollow
            for r in rs:
                found = re.search(r"would take about ([\d,]+) s", str(r.get("note", "")))
                if r["method"] == method and found:
                    projected = float(found.group(1).replace(",", ""))
                    axes[1].loglog([n], [projected], "o", mfc="none", color=c, label=f"{method}: projected, refused")
    axes[0].set(xlabel="rows", ylabel="ms per query (100 queries, one call)", title="query latency")
    axes[1].set(xlabel="rows", ylabel="seconds", title="index build time")
    axes[2].set(xlabel="rows", ylabel="MiB (exact: the float16 vectors)", title="index size")
    for ax in axes:
        ax.legend()
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    IMG.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(IMG, dpi=110)


def table(results: dict[int, list[dict[str, object]]], load: str) -> str:
    budgets = "; ".join(
        f"{n:,} rows: " + ", ".join(f"{r['method']} {float(r.get('budget_s') or 0) or 'none'}" for r in rs[1:])  # type: ignore[arg-type]
        for n, rs in results.items()
    )
    lines = [
        f"Synthetic clustered float16 vectors, dim {DIM} (about sqrt(n) centres, noise 0.7 a dimension), "
        f"written as real stores; {N_QUERIES} stored rows as queries (one call, after a one-query warm-up); "
        "recall@10 against the exact scan. Every method ran in its own child process: **peak MiB** is "
        "its measured peak anonymous memory (RssAnon sampled every 0.1 s) during the build (exact: "
        "during the search), with its growth over the child's memory just before (interpreter, torch, "
        "faiss) in brackets, **HWM** its VmHWM (also counting the pages of the memory-mapped vectors "
        "it read), **est.** the estimate the memory budget checks (`IndexPlan.peak_bytes`). Index "
        f"builds ran under a time budget (`max_seconds`: {budgets}); a refused build shows the budget's message "
        f"and how long it ran before refusing. Load while it ran: {load}; other jobs may have shared the cores: "
        "compare ratios within a size.",
        "",
        "| rows | method | ms/query | recall@10 | build s | size MiB | peak MiB | HWM MiB | est. MiB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, rs in results.items():
        for r in rs:
            est = "" if r.get("estimate_mib") is None else f"{float(r['estimate_mib']):,.0f}"  # type: ignore[arg-type]
            mem = ""
            if "anon_peak_mib" in r:
                peak, base = float(r["anon_peak_mib"]), float(r["anon_base_mib"])  # type: ignore[arg-type]
                mem = f"{peak:,.0f} (+{peak - base:,.0f}) | {float(r['hwm_mib']):,.0f}"  # type: ignore[arg-type]
            else:
                mem = " | "
            method = str(r["method"])
            built = r.get("params") if isinstance(r.get("params"), dict) else {}
            if method == "ivfpq" and "note" not in r:
                method += f" (nlist {built['nlist']}, rerank {built['rerank']})"  # type: ignore[index]
            if "note" in r:
                ran = f" (ran {float(r['build_s']):,.0f} s)" if "build_s" in r else ""  # type: ignore[arg-type]
                lines.append(f"| {n:,} | {method} | refused: {r['note']}{ran} | | | | {mem} | {est} |")
                continue
            lines.append(
                f"| {n:,} | {method} | {float(r['latency_ms']):.2f} | {float(r['recall']):.3f} "  # type: ignore[arg-type]
                f"| {float(r['build_s']):,.1f} | {float(r['size_mib']):,.1f} | {mem} | {est} |"  # type: ignore[arg-type]
            )
    params = {r["method"]: r.get("params") for rs in results.values() for r in rs if r.get("params")}
    lines += ["", "Index parameters (the defaults, as built) at the largest size: " + json.dumps(params) + "."]
    lines += ["", "![search at growing sizes](../docs/img/scale_search.png)"]
    return "\n".join(lines)


def read_log(log: str, sizes: list[int]) -> tuple[dict[int, dict[str, dict[str, object]]], list[str]]:
    """The results already in `log` ({rows: {method: result}}, the last of each) and their loads."""
    done: dict[int, dict[str, dict[str, object]]] = {}
    loads: list[str] = []
    for line in Path(log).read_text().splitlines():
        r = json.loads(line)
        n = int(r.pop("rows"))
        loads += [str(r.pop("load"))] if "load" in r else []
        if n in sizes:
            done.setdefault(n, {})[str(r["method"])] = r
    return done, loads


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        store, method, budget, exact_file = sys.argv[2:6]
        print(json.dumps(child(store, method, float(budget), exact_file)), flush=True)
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--budget", type=float, default=1500.0, help="max_seconds of each HNSW build")
    ap.add_argument("--ivfpq-budget", type=float, default=0.0, help="max_seconds of each ivfpq build (0: none)")
    ap.add_argument("--folder", default="/tmp", help="where the synthetic stores are written (and deleted)")
    ap.add_argument("--log", default=None, help="append each method's result here as JSON lines")
    ap.add_argument(
        "--resume",
        action="store_true",
        help="results in --log are kept; the methods missing at a size run (the exact scan again, for recall)",
    )
    ap.add_argument(
        "--rerun",
        nargs="*",
        default=[],
        help="with --resume: run these methods again, at every size or at one (METHOD@ROWS)",
    )
    args = ap.parse_args()
    done: dict[int, dict[str, dict[str, object]]] = {}
    loads: list[str] = []
    if args.resume and args.log and Path(args.log).is_file():
        done, loads = read_log(args.log, args.sizes)
        for n in done:
            for entry in args.rerun:
                method, _, rows = entry.partition("@")
                if not rows or int(rows) == n:
                    done[n].pop(method, None)
        print("kept from the log:", {n: sorted(rs) for n, rs in done.items()}, flush=True)
    budgets = {"exact": 0.0, "hnsw-sq8": args.budget, "ivfpq": args.ivfpq_budget}
    for n in args.sizes:
        kept = done.setdefault(n, {})
        todo = [m for m in METHODS if m not in kept]
        if not todo:
            continue
        if "exact" not in todo:  # the indexes' recall needs the exact answers of this run
            todo.insert(0, "exact")
        folder = Path(args.folder) / f"ctxvec-scale-{n}"
        manifest = folder / "s" / "manifest.json"
        reuse = manifest.is_file() and '"complete"' in manifest.read_text()
        if not reuse:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        try:
            t = time.perf_counter()
            if not reuse:  # the same seed writes the same rows: a complete store left by a killed run is kept
                synthetic_store(folder / "s", n)
            print(f"{n:,} rows ready in {time.perf_counter() - t:.0f} s", flush=True)
            for method in todo:
                r = run_child(folder / "s", method, budgets[method], folder / "exact.npz")
                loads.append(Path("/proc/loadavg").read_text().split()[1])
                print(n, json.dumps(r), flush=True)
                kept[method] = r
                if args.log:
                    with open(args.log, "a") as f:
                        f.write(json.dumps({"rows": n, **r, "load": loads[-1]}) + "\n")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    results = {n: [done[n][m] for m in METHODS if m in done[n]] for n in sorted(done)}
    plot(results)
    load = f"5-minute average {min(loads)}-{max(loads)} on 2 cores" if loads else "unknown"
    if args.resume:
        load += "; the rows come from the --log of several runs (this command ran the missing ones), so load differed between rows"
    write_section("Search at growing sizes", table(results, load))


if __name__ == "__main__":
    main()
