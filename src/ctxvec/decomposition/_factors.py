"""Transformer factors kept in a store: learn them from its vectors, label them, save and load them.

`learn_factors` fits a `FactorLearner` on random mini-batches of rows streamed from the store, then
one pass over the store records each factor's top-activating occurrences and labels it by their most
frequent words; the result is saved inside the store (``factors/NAME/``: ``components.npy``,
``top_rows.npy``, ``top_codes.npy``, ``factors.json``, which records the vectors it was learned from,
``Store.vectors_record()``). `load_factors` reads it back while those are still the store's vectors.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch

from .._io import OLD_SUFFIX, check_output_path, folder_at, replace_folder, save_npy_atomic, write_json_atomic
from .._threads import thread_limits
from ..errors import CtxvecError, ParameterError
from ..lexicon import lemmatize
from ..results import JSON, Result
from ..sources import VectorSource
from ..store import Occurrence, Store, normalize_word, writes_store
from ._learner import FactorLearner
from ._names import DEFAULT_EPOCHS, DEFAULT_SAMPLES

FACTORS_DIR = "factors"


@dataclass
class Factors(Result):
    """A learned dictionary kept in a store: components (n_factors, dim) unit rows; labels (n_factors,)
    top words of each factor; top_rows / top_codes (n_factors, n_top) its top-activating store rows
    (-1 padded) and their codes; counts (n_factors,) rows using the factor; meta: parameters, history and
    the vectors it was learned from (``meta["vectors"]``, a `Store.vectors_record()`)."""

    name: str
    components: np.ndarray
    labels: list[str]
    top_rows: np.ndarray
    top_codes: np.ndarray
    counts: np.ndarray
    meta: JSON = field(default_factory=dict)

    @property
    def n_factors(self) -> int:
        return len(self.components)

    def occurrences(self, store: Store, factor: int, top: int = 10) -> list[tuple[Occurrence, float]]:
        """Factor `factor`'s top-activating occurrences with their codes, strongest first."""
        if not 0 <= factor < self.n_factors:
            raise CtxvecError(f"factor {factor} is out of range; {self.name!r} has factors 0..{self.n_factors - 1}")
        rows = self.top_rows[factor][:top]
        codes = self.top_codes[factor][:top]
        return [(store.occurrence(int(r)), float(c)) for r, c in zip(rows, codes, strict=True) if r >= 0]

    def objective_by_epoch(self) -> list[float]:
        """Mean objective of the mini-batches of each epoch, each batch measured before its update."""
        history = self.meta.get("objective_history") or []
        epochs = int(self.meta.get("n_epochs") or 1)
        per = -(-len(history) // epochs) if history else 0
        return [float(np.mean(history[e * per : (e + 1) * per])) for e in range(epochs) if history[e * per :]]

    def summary(self) -> JSON:
        """The learning summary: name, n_factors, alpha, alpha_abs, n_samples, n_epochs, the objective of
        the first and last batch and of each epoch, mean active factors per row, seconds."""
        history = self.meta.get("objective_history") or []
        n_rows = (self.meta.get("vectors") or {}).get("n_rows")
        return {
            "name": self.name,
            "n_factors": self.n_factors,
            "alpha": self.meta.get("alpha"),
            "alpha_abs": self.meta.get("alpha_abs"),
            "n_samples": self.meta.get("n_samples"),
            "n_epochs": self.meta.get("n_epochs", 1),
            "objective_first_batch": history[0] if history else None,
            "objective_last_batch": history[-1] if history else None,
            "objective_by_epoch": self.objective_by_epoch(),
            "mean_active_factors_per_row": float(self.counts.sum() / max(int(n_rows or 0), 1)),
            "seconds": self.meta.get("total_seconds"),
        }

    def to_dict(self) -> JSON:
        """`summary()` and each factor's label and count (``factors``)."""
        factors = [{"factor": j, "label": self.labels[j], "count": int(self.counts[j])} for j in range(self.n_factors)]
        return {**self.summary(), "factors": factors}


@dataclass
class FactorOccurrences(Result):
    """One factor of dictionary `name`: its label, how many rows use it, and its top-activating
    occurrences with their codes (strongest first)."""

    name: str
    factor: int
    label: str
    count: int
    occurrences: list[tuple[Occurrence, float]]

    def to_dict(self) -> JSON:
        return {
            "factor": self.factor,
            "label": self.label,
            "count": self.count,
            "occurrences": [
                {
                    "row": o.row,
                    "code": c,
                    "token": o.token,
                    "sentence_id": o.sentence_id,
                    "sentence": o.sentence,
                    "span": [o.start, o.end],
                }
                for o, c in self.occurrences
            ],
        }


@dataclass
class FactorsOverview(Result):
    """Every factor of dictionary `factors` with its top-activating contexts (`FactorOccurrences`, strongest
    first): the way Yun et al. read a factor."""

    factors: Factors
    shown: list[FactorOccurrences]

    def to_dict(self) -> JSON:
        """The dictionary's `summary()` and, per factor, its label, count and top contexts."""
        return {**self.factors.summary(), "factors": [f.to_dict() for f in self.shown]}


@dataclass
class FactorsList(Result):
    """The names of the dictionaries learned in the store at `store`."""

    store: str
    names: list[str]

    def to_dict(self) -> JSON:
        return {"store": self.store, "factors": self.names}


def factors_path(store: Store, name: str = "default") -> Path:
    """The folder of dictionary `name` inside `store` (the name checked)."""
    if not name or "/" in name or name.startswith("."):
        raise ParameterError("name", f"bad factors {{name}} {name!r}; use letters, digits, '-' or '_'")
    return store.path / FACTORS_DIR / name


def list_factors(store: Store) -> list[str]:
    """Names of the dictionaries learned in `store`."""
    root = store.path / FACTORS_DIR
    if not root.is_dir():
        return []
    names = {p.name.removesuffix(OLD_SUFFIX) for p in root.iterdir() if not p.name.endswith(".tmp")}
    return sorted(n for n in names if (folder_at(root / n) / "factors.json").is_file())


def factors_list(store: Store) -> FactorsList:
    """`list_factors` as a result."""
    return FactorsList(str(store.path), list_factors(store))


@writes_store("store")
def save_factors(store: Store, factors: Factors) -> Path:
    """Write `factors` into the store (replacing any of the same name); returns its folder."""
    path = factors_path(store, factors.name)
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_npy_atomic(tmp / "components.npy", factors.components.astype(np.float32))
    save_npy_atomic(tmp / "top_rows.npy", factors.top_rows.astype(np.int64))
    save_npy_atomic(tmp / "top_codes.npy", factors.top_codes.astype(np.float32))
    meta = dict(
        factors.meta,
        name=factors.name,
        labels=list(factors.labels),
        counts=factors.counts.tolist(),
        n_factors=factors.n_factors,
        dim=int(factors.components.shape[1]),
    )
    write_json_atomic(tmp / "factors.json", meta)
    replace_folder(tmp, path)  # readers see the old dictionary or the new one, whole, at every instant
    return path


def load_factors(store: Store, name: str = "default") -> Factors:
    """The dictionary `name` learned in `store`; CtxvecError when there is none or it does not fit."""
    path = folder_at(factors_path(store, name))  # the old one while a replacement was killed midway
    if not (path / "factors.json").is_file():
        have = list_factors(store)
        hint = f" (it has: {', '.join(have)})" if have else ""
        raise CtxvecError(
            f"no factors named {name!r} in {store.path}{hint}; learn them first "
            "(learn_factors, or `ctxvec factors learn` on the command line)"
        )
    meta = json.loads((path / "factors.json").read_text())
    if not store.is_current(meta.get("vectors")) or meta.get("dim") != store.dim:
        raise CtxvecError(
            f"factors {name!r} were learned on other vectors than {store.path} now gives (its in-place "
            "transform changed, or they predate the record of their vectors); learn them again"
        )
    return Factors(
        name,
        np.load(path / "components.npy"),
        list(meta["labels"]),
        np.load(path / "top_rows.npy"),
        np.load(path / "top_codes.npy"),
        np.asarray(meta["counts"], dtype=np.int64),
        meta,
    )


def factor_occurrences(store: Store, factor: int, *, name: str = "default", top: int = 10) -> FactorOccurrences:
    """Factor `factor` of dictionary `name` in `store` with its `top` top-activating occurrences."""
    f = load_factors(store, name)
    hits = f.occurrences(store, factor, top)
    return FactorOccurrences(f.name, factor, f.labels[factor], int(f.counts[factor]), hits)


def factors_overview(store: Store, *, name: str = "default", top: int = 2) -> FactorsOverview:
    """Every factor of dictionary `name` in `store` with its `top` top-activating occurrences."""
    f = load_factors(store, name)
    shown = [
        FactorOccurrences(f.name, j, f.labels[j], int(f.counts[j]), f.occurrences(store, j, top))
        for j in range(f.n_factors)
    ]
    return FactorsOverview(f, shown)


def top_activations(
    source: VectorSource,
    learner: FactorLearner,
    n_top: int = 50,
    block_rows: int = 4096,
    progress: Callable[[int, int], None] | None = None,
    n_workers: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One streamed pass coding every row: (n_factors, n_top) top rows and codes, (n_factors,) usage counts.

    Blocks are coded by `n_workers` threads at once (default: torch's thread count, i.e. the cores),
    each on one torch thread: many mid-sized products keep the cores busier than one product split
    across them, and nothing waits on another thread's OpenMP barrier when the cores are shared.
    """
    nf = learner.n_factors
    best_v = torch.full((nf, 0), -1.0)
    best_i = torch.zeros((nf, 0), dtype=torch.int64)
    counts = np.zeros(nf, dtype=np.int64)
    workers = max(1, n_workers or torch.get_num_threads())
    learner._atoms().lipschitz()  # the Gram matrix and step size, once, before the threads share them
    pending: deque[tuple[int, int, Future[sp.csr_array]]] = deque()

    def merge(start: int, n: int, codes: sp.csr_array) -> None:
        nonlocal best_v, best_i
        counts[:] += np.bincount(codes.indices, minlength=nf)
        dense = torch.from_numpy(codes.toarray().T.astype(np.float32))  # (nf, b)
        v, i = dense.topk(min(n_top, dense.shape[1]), dim=1)
        cat_v, cat_i = torch.cat([best_v, v], 1), torch.cat([best_i, i + start], 1)
        best_v, sel = cat_v.topk(min(n_top, cat_v.shape[1]), dim=1)
        best_i = cat_i.gather(1, sel)
        if progress:
            progress(start + n, source.n_rows)

    with thread_limits(1), ThreadPoolExecutor(workers) as pool:
        for start, block in source.iter_blocks(block_rows):
            pending.append((start, len(block), pool.submit(learner.sparse_codes, block)))
            if len(pending) > workers:  # at most one block waiting per worker
                s, n, fut = pending.popleft()
                merge(s, n, fut.result())
        while pending:
            s, n, fut = pending.popleft()
            merge(s, n, fut.result())
    rows, vals = best_i.numpy(), best_v.numpy()
    rows[vals <= 0] = -1
    vals[vals <= 0] = 0
    return rows, vals, counts


def top_lemmas(store: Store, rows: np.ndarray, codes: np.ndarray, n_words: int) -> tuple[list[str], float]:
    """The `n_words` lemmas with the largest total code among occurrences `rows` (-1 ignored) with codes
    `codes`, each shown as its most weighted form (``charged / charges`` count as one), and the share of
    the code its first lemma holds (0 when none)."""
    by_lemma: dict[str, dict[str, float]] = {}
    for r, c in zip(rows.tolist(), codes.tolist(), strict=True):
        if r >= 0 and c > 0:
            form = normalize_word(str(store.tokens[r]))
            forms = by_lemma.setdefault(lemmatize(form), {})
            forms[form] = forms.get(form, 0.0) + c
    ranked = sorted(by_lemma.values(), key=lambda f: -sum(f.values()))
    total = sum(sum(f.values()) for f in ranked)
    share = sum(ranked[0].values()) / total if ranked else 0.0
    return [max(f, key=lambda w: f[w]) for f in ranked[:n_words]], share


def factor_labels(store: Store, top_rows: np.ndarray, top_codes: np.ndarray, n_words: int = 3) -> list[str]:
    """Each factor's label: its `n_words` strongest lemmas among its top occurrences (`top_lemmas`)."""
    labels = []
    for rows, codes in zip(top_rows, top_codes, strict=True):
        words, _ = top_lemmas(store, rows, codes, n_words)
        labels.append("/".join(words) or "(unused)")
    return labels


@writes_store("store", when="save")
def learn_factors(
    store: Store,
    n_factors: int = 1000,
    *,
    alpha: float = 0.3,
    batch_size: int = 1024,
    n_samples: int | None = None,
    n_epochs: int = DEFAULT_EPOCHS,
    n_top: int = 50,
    name: str = "default",
    random_state: int = 0,
    tol: float = 1e-4,
    device: str = "cpu",
    coder: str = "auto",
    save: bool = True,
    progress: Callable[[str, int, int, float | None], None] | None = None,
) -> Factors:
    """Learn `n_factors` factors from a random sample of `n_samples` rows of `store` (default: up to
    DEFAULT_SAMPLES, each once), `n_epochs` passes in shuffled mini-batches; code every row of the store
    once to record each factor's top activations and label; save as `name` inside the store.
    `progress(stage, done, total, objective)` with stage "learn" (rows learned from, the objective of the
    last mini-batch) or "code" (rows coded, objective None)."""
    if n_epochs < 1:
        raise ParameterError("n_epochs", f"{{name}} must be at least 1, got {n_epochs}")
    if store.n_rows == 0:
        raise CtxvecError(f"{store.path} has no rows to learn factors from")
    n_samples = min(store.n_rows, DEFAULT_SAMPLES) if n_samples is None else n_samples
    if n_samples < 1:
        raise ParameterError("n_samples", f"{{name}} must be at least 1, got {n_samples}")
    folder = factors_path(store, name).parent  # the name checked before the long part
    if save:
        check_output_path(folder, "folder", overwrite=True, name="store")
    learner = FactorLearner(n_factors, alpha, batch_size, n_epochs, tol, random_state, device, coder)
    t0 = time.perf_counter()
    learner.fit_source(
        store,
        n_samples,
        progress=(lambda a, b: progress("learn", a, b, learner.objective_history_[-1])) if progress else None,
    )
    learn_s = time.perf_counter() - t0
    top_rows, top_codes, counts = top_activations(
        store, learner, n_top, progress=(lambda a, b: progress("code", a, b, None)) if progress else None
    )
    meta = {
        "alpha": alpha,
        "alpha_abs": learner.alpha_,
        "batch_size": batch_size,
        "n_samples": n_samples,
        "n_epochs": n_epochs,
        "coder": coder,
        "random_state": random_state,
        "tol": tol,
        "n_steps": learner.n_steps_,
        "objective_history": learner.objective_history_,
        "vectors": store.vectors_record(),
        "learn_seconds": learn_s,
        "total_seconds": time.perf_counter() - t0,
    }
    factors = Factors(
        name, learner.components_, factor_labels(store, top_rows, top_codes), top_rows, top_codes, counts, meta
    )
    if save:
        save_factors(store, factors)
    return factors
