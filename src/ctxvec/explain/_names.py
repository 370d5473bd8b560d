"""Light constants of `ctxvec.explain` (no heavy imports: the CLI's parser reads them)."""

from __future__ import annotations

ABLATIONS = ("delete", "mask")  # how a context word is left out (see `ctxvec.explain.explain_pair`)
DEFAULT_ABLATION = "mask"  # chosen by benchmarks/bench_explain.py
DEFAULT_TOP = 3  # context words marked in each sentence
