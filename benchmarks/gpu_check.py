"""The GPU path in one go: embedding with ``device="cuda"`` (float32 and bfloat16) against the CPU store,
the Ray runner with one GPU actor, and FISTA decomposition on the GPU against the CPU.

    .venv/bin/python benchmarks/gpu_check.py                    # on a machine with a CUDA GPU: whole wiki
    .venv/bin/python benchmarks/gpu_check.py --limit 300        # anywhere: the CPU fallback, a few minutes

On a GPU it embeds the `wiki` corpus (`--limit` sentences; all by default) with the default model on
``cuda`` in float32 and in bfloat16 and reports, for each, tokens/s (model loading excluded: the
embed call after a warm-up load), peak GPU memory (``torch.cuda.max_memory_allocated``) and the
fidelity of its stored vectors to a CPU store of the same sentences and settings (float32 compute):
mean / minimum cosine per row and the mean overlap of the top-10 neighbours of a seeded sample of
occurrences. The CPU store is `--cpu-store` when it holds exactly those sentences (the shared wiki
store), else it is built here. Then the Ray runner (a local cluster, one actor with one GPU) embeds
`--ray-limit` sentences and its store is compared with the local runner's on the same device, byte
for byte; and `decompose` (FISTA, word-type atoms) of `--words` seeded occurrences runs on ``cuda``
and on the CPU (coefficients, cosine, time).

Without a GPU every step runs on the CPU instead (``cuda`` replaced by ``cpu``, Ray with one CPU
actor), so the script itself is checked anywhere; it then writes no RESULTS.md section unless
`--write` is given. With a GPU it writes the ``gpu_check`` section with the card's name.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from bench_embed import fidelity  # one fidelity measure for both benchmarks

WIKI_STORE = Path("/work/stores/wiki.store")


def embed_timed(limit: int | None, out: Path, device: str, compute_dtype: str, **kw: object) -> dict[str, object]:
    """Embed `limit` wiki sentences into `out`; seconds of the embed call, tokens/s, peak GPU memory."""
    import torch

    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    shutil.rmtree(out, ignore_errors=True)
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    store = embed("wiki", out, EncodeSpec(compute_dtype=compute_dtype), limit=limit, device=device, **kw)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t0
    peak = torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else float("nan")
    tokens = int(store.manifest["n_tokens"])
    return {"seconds": seconds, "tokens": tokens, "tokens_s": tokens / seconds, "gpu_mb": peak, "store": store}


def cpu_reference(limit: int | None, given: Path, tmp: Path) -> tuple[object, str]:
    """A CPU float32 store of the same sentences: `given` when it matches, else built now."""
    from ctxvec import Store
    from ctxvec.corpus import read_corpus

    n = len(read_corpus("wiki", limit=limit).texts)
    if given.is_dir():
        store = Store.open(given)
        enc = store.manifest.get("encode") or {}
        if (
            store.n_sentences == n
            and enc.get("compute_dtype") == "float32"
            and store.manifest.get("dtype") == "float16"
        ):
            return store, f"{given} (existing)"
    built = embed_timed(limit, tmp / "cpu.store", "cpu", "float32")
    return built["store"], f"built here in {built['seconds']:.0f} s ({built['tokens_s']:,.0f} tokens/s on the CPU)"


def fista(store: object, device: str, words: int, seed: int = 0) -> tuple[float, object]:
    """decompose (FISTA, word types) of `words` seeded occurrences on `device`: (seconds, result)."""
    from ctxvec.decomposition import decompose
    from ctxvec.queries import Queries

    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(store.n_rows, size=words, replace=False)).astype(np.int64)  # type: ignore[attr-defined]
    occurrences = [store.occurrence(int(r)) for r in rows]  # type: ignore[attr-defined]
    queries = Queries(rows, store.get_vectors(rows), occurrences)  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    result = decompose(store, queries=queries, solver="fista", device=device)  # type: ignore[arg-type]
    return time.perf_counter() - t0, result


def main() -> None:
    import torch

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--limit", type=int, default=None, help="wiki sentences (default: all)")
    p.add_argument("--cpu-store", type=Path, default=WIKI_STORE, help="CPU float32 store of the same sentences")
    p.add_argument("--ray-limit", type=int, default=2000, help="sentences for the Ray comparison (default 2000)")
    p.add_argument("--words", type=int, default=200, help="occurrences decomposed on each device (default 200)")
    p.add_argument("--queries", type=int, default=2000, help="sampled occurrences for the top-10 overlap")
    p.add_argument("--write", action="store_true", help="write the RESULTS.md section even without a GPU")
    args = p.parse_args()

    gpu = torch.cuda.is_available()
    device = "cuda" if gpu else "cpu"
    card = torch.cuda.get_device_name(0) if gpu else "none (CPU fallback)"
    print(f"device: {card}", flush=True)
    lines = [f"Card: **{card}**; torch {torch.__version__}; `--limit {args.limit}`."]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cpu_store, how = cpu_reference(args.limit, args.cpu_store, tmp)
        ref = np.asarray(cpu_store.vectors)  # type: ignore[attr-defined]
        lines += [f"CPU reference store: {how}.", ""]
        lines += ["| compute on " + device + " | tokens/s | GPU peak memory | mean cos | min cos | top-10 overlap |"]
        lines += ["|---|---:|---:|---:|---:|---:|"]
        embed_timed(min(args.limit or 50, 50), tmp / "warm.store", device, "float32")  # load + warm the device
        for dtype in ("float32", "bfloat16"):
            r = embed_timed(args.limit, tmp / f"{dtype}.store", device, dtype)
            f = fidelity(ref, np.asarray(r["store"].vectors), args.queries)  # type: ignore[attr-defined]
            print(dtype, {k: v for k, v in r.items() if k != "store"}, f, flush=True)
            lines.append(
                f"| {dtype} | {r['tokens_s']:,.0f} | {r['gpu_mb']:,.0f} MB | {f['mean_cos']:.6f} | "
                f"{f['min_cos']:.5f} | {f['top10']:.4f} |"
            )

        local = embed_timed(args.ray_limit, tmp / "local.store", device, "float32", shard_sentences=500)
        ray = embed_timed(
            args.ray_limit,
            tmp / "ray.store",
            device,
            "float32",
            shard_sentences=500,
            runner="ray",
            workers=1,
            gpus_per_worker=1.0 if gpu else 0.0,
        )
        a, b = (np.asarray(x["store"].vectors) for x in (local, ray))  # type: ignore[attr-defined]
        same = (tmp / "local.store/vectors.npy").read_bytes() == (tmp / "ray.store/vectors.npy").read_bytes()
        diff = float(np.abs(a.astype(np.float32) - b.astype(np.float32)).max())
        print("ray", ray["seconds"], "identical", same, "max diff", diff, flush=True)
        lines += [
            "",
            f"Ray runner, one {'GPU' if gpu else 'CPU'} actor, {args.ray_limit} sentences: {ray['seconds']:.0f} s "
            f"(cluster start included) against {local['seconds']:.0f} s locally; vectors byte-identical to the "
            f"local runner's: {'yes' if same else f'no (max abs difference {diff:.2e})'}.",
        ]

        fista(cpu_store, "cpu", 5, seed=1)  # builds the word-type cache, so neither timing pays it
        t_dev, on_dev = fista(cpu_store, device, args.words)
        t_cpu, on_cpu = fista(cpu_store, "cpu", args.words)
        cos_gap = float(np.abs(on_dev.cosine - on_cpu.cosine).max())  # type: ignore[attr-defined]
        same_terms = np.mean(
            [
                {t.word for t in x} == {t.word for t in y}
                for x, y in zip(on_dev.terms, on_cpu.terms, strict=True)  # type: ignore[attr-defined]
            ]
        )
        print("fista", t_dev, t_cpu, cos_gap, same_terms, flush=True)
        lines += [
            "",
            f"FISTA decomposition (word-type atoms) of {args.words} occurrences drawn with seed 0: {device} "
            f"{t_dev:.1f} s, CPU {t_cpu:.1f} s; same set of terms for {same_terms:.1%} of the queries; largest "
            f"difference of the reconstruction cosine {cos_gap:.2e}.",
        ]
    body = "\n".join(lines)
    print(body)
    if gpu or args.write:
        from _results import write_section

        write_section("gpu_check", body)


if __name__ == "__main__":
    main()
