"""Post-processing transforms that make an embedding space more isotropic.

Each transform is a scikit-learn estimator (``fit`` / ``transform`` / ``fit_transform``;
``__init__`` only stores parameters; fitted state ends in ``_``), so they chain in a
``sklearn.pipeline.Pipeline``. ``fit`` takes a (n, dim) array **or a ``Store``**: a store
is streamed block by block into float64 moment accumulators (`ctxvec.stats`), never
copied into memory. Every transform is a function of those moments only.

Conventions (public implementations disagree; these are ours):

- ``Center``: x − μ.
- ``AllButTheTop(n_components=D)`` (Mu & Viswanath 2018): subtract the mean μ, then remove
  the projections on the top D principal directions u₁..u_D *of the centred data*:
  x̃ = (x − μ) − Σᵢ uᵢuᵢᵀ(x − μ). The output has mean 0 on the fitted data and no variance
  along u₁..u_D. Default D = max(1, dim // 100).
- ``Whitening(n_components=None)`` (Su et al. 2021): μ and the covariance Σ (ddof=1);
  Σ = U Λ Uᵀ; W = U Λ^(-1/2); x̃ = (x − μ) W, keeping the first k columns of W when
  ``n_components=k``. The output covariance on the fitted data is the identity.
  Directions with (numerically) zero variance are mapped to 0 instead of divided by 0.
- ``ConceptorNegation(alpha=2)`` (Liu, Ungar & Sedoc 2019): the *uncentred* correlation
  R = XᵀX / n, the conceptor C = R (R + α⁻² I)⁻¹, and x̃ = (I − C) x. C has R's eigenvectors
  and eigenvalues sᵢ / (sᵢ + α⁻²) in [0, 1).
- ``PCA(n_components=None)``: x̃ = (x − μ) Vᵀ with V the top-k eigenvectors of Σ as rows.

Principal directions are eigenvectors of Σ in decreasing eigenvalue order, each signed so
that its largest-magnitude entry is positive (`ctxvec.stats.eigh_desc`).

Fitted transforms are saved as plain ``.npy`` arrays plus a small ``transform.json``
(no pickle) with `save_transform` / `load_transform`; a ``Pipeline`` of them is saved as
one sub-folder per step. `transform_id` is a content hash used to name caches.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, OneToOneFeatureMixin, TransformerMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted, validate_data

from ..errors import CtxvecError
from ..stats import Moments, eigh_desc, moments
from ..store import TRANSFORM_DIR, Store, StoreWriter, write_json_atomic

TRANSFORM_JSON = "transform.json"
FORMAT = "ctxvec-transform"
FORMAT_VERSION = 1
APPLIED_DIR = "applied_transform"


class TransformParameterError(CtxvecError, ValueError):
    """A transform parameter that does not fit the data (a ValueError for scikit-learn users)."""


class _MomentTransform(TransformerMixin, BaseEstimator):
    """Shared fit/transform plumbing: fit from moments of an array or a streamed Store."""

    method: ClassVar[str] = ""
    _arrays: ClassVar[tuple[str, ...]] = ()
    _scalars: ClassVar[tuple[str, ...]] = ("n_features_in_", "n_samples_seen_")

    def fit(self, X: Any, y: Any = None) -> Any:
        """Fit on X: a (n, dim) array, or a `Store` (streamed in blocks, in-place transform applied)."""
        if isinstance(X, Store):
            m = moments(X)
            self.n_features_in_ = m.dim
        else:
            X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
            m = moments(X)
        self.n_samples_seen_ = m.n
        self._fit_moments(m)
        return self

    def fit_moments(self, m: Moments) -> Any:
        """Fit from precomputed `Moments` (for example `ctxvec.stats.moments(store)`, reused across transforms)."""
        self.n_features_in_ = m.dim
        self.n_samples_seen_ = m.n
        self._fit_moments(m)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Transform X (n, dim) -> (n, k); float32 input stays float32."""
        check_is_fitted(self)
        if isinstance(X, Store):
            raise CtxvecError(
                "transform() takes arrays; to transform a whole store use ctxvec.transforms._transforms.transform_store"
            )
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self._apply(X)

    def _fit_moments(self, m: Moments) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _apply(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _p(self, name: str, dtype: np.dtype) -> np.ndarray:
        """A fitted array in the dtype of the input."""
        arr: np.ndarray = getattr(self, name)
        return arr if arr.dtype == dtype else arr.astype(dtype)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _n_components(value: Any, dim: int, name: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 1 <= value <= dim:
        raise TransformParameterError(
            f"{name}={value!r} is out of range; choose an integer from 1 to {dim} (the dimension)"
        )
    return int(value)


class Center(OneToOneFeatureMixin, _MomentTransform):
    """Subtract the mean: x − μ. Fitted: ``mean_`` (dim,)."""

    method = "center"
    _arrays = ("mean_",)

    def _fit_moments(self, m: Moments) -> None:
        self.mean_ = m.mean

    def _apply(self, X: np.ndarray) -> np.ndarray:
        return X - self._p("mean_", X.dtype)


class AllButTheTop(OneToOneFeatureMixin, _MomentTransform):
    """All-but-the-top (Mu & Viswanath 2018): centre, then remove the top `n_components` PCs of the centred data.

    Fitted: ``mean_`` (dim,), ``components_`` (D, dim), ``explained_variance_`` (D,), ``n_components_``.
    Default D = max(1, dim // 100).
    """

    method = "abtt"
    _arrays = ("mean_", "components_", "explained_variance_")
    _scalars = (*_MomentTransform._scalars, "n_components_")

    def __init__(self, n_components: int | None = None):
        self.n_components = n_components

    def _fit_moments(self, m: Moments) -> None:
        d = m.dim
        k = _n_components(self.n_components, d, "n_components", max(1, d // 100))
        values, comps = eigh_desc(m.covariance)
        self.mean_ = m.mean
        self.components_ = comps[:k]
        self.explained_variance_ = values[:k]
        self.n_components_ = k

    def _apply(self, X: np.ndarray) -> np.ndarray:
        u = self._p("components_", X.dtype)
        xc = X - self._p("mean_", X.dtype)
        return xc - (xc @ u.T) @ u


class Whitening(ClassNamePrefixFeaturesOutMixin, _MomentTransform):
    """Whitening (Su et al. 2021): x̃ = (x − μ) U Λ^(-1/2), optionally the first `n_components` columns only.

    Fitted: ``mean_`` (dim,), ``whitening_`` (dim, k), ``explained_variance_`` (k,), ``n_components_``.
    """

    method = "whitening"
    _arrays = ("mean_", "whitening_", "explained_variance_")
    _scalars = (*_MomentTransform._scalars, "n_components_")

    def __init__(self, n_components: int | None = None):
        self.n_components = n_components

    def _fit_moments(self, m: Moments) -> None:
        d = m.dim
        k = _n_components(self.n_components, d, "n_components", d)
        values, comps = eigh_desc(m.covariance)
        tol = values[0] * d * 1e-12 if values[0] > 0 else 0.0
        inv_sqrt = np.where(values > tol, 1.0 / np.sqrt(np.where(values > tol, values, 1.0)), 0.0)
        self.mean_ = m.mean
        self.whitening_ = (comps.T * inv_sqrt)[:, :k]
        self.explained_variance_ = values[:k]
        self.n_components_ = k
        self._n_features_out = k

    def _apply(self, X: np.ndarray) -> np.ndarray:
        return (X - self._p("mean_", X.dtype)) @ self._p("whitening_", X.dtype)


class ConceptorNegation(OneToOneFeatureMixin, _MomentTransform):
    """Conceptor negation (Liu, Ungar & Sedoc 2019): x̃ = (I − C) x with C = R (R + α⁻² I)⁻¹, R = XᵀX / n uncentred.

    Fitted: ``conceptor_`` (dim, dim), ``components_`` (dim, dim) eigenvectors of R (rows),
    ``correlation_eigenvalues_`` (dim,), ``conceptor_eigenvalues_`` (dim,) in [0, 1).
    """

    method = "conceptor"
    _arrays = ("conceptor_", "components_", "correlation_eigenvalues_", "conceptor_eigenvalues_")

    def __init__(self, alpha: float = 2.0):
        self.alpha = alpha

    def _fit_moments(self, m: Moments) -> None:
        if not np.isfinite(self.alpha) or self.alpha <= 0:
            raise TransformParameterError(f"alpha={self.alpha!r} must be a positive number (the aperture; 2 is usual)")
        values, comps = eigh_desc(m.correlation)
        c_values = values / (values + self.alpha**-2)
        self.components_ = comps
        self.correlation_eigenvalues_ = values
        self.conceptor_eigenvalues_ = c_values
        self.conceptor_ = (comps.T * c_values) @ comps

    def _apply(self, X: np.ndarray) -> np.ndarray:
        return X - X @ self._p("conceptor_", X.dtype)


class PCA(ClassNamePrefixFeaturesOutMixin, _MomentTransform):
    """Principal component projection: x̃ = (x − μ) Vᵀ with V the top `n_components` eigenvectors of Σ.

    Fitted: ``mean_`` (dim,), ``components_`` (k, dim), ``explained_variance_`` (k,),
    ``explained_variance_ratio_`` (k,), ``n_components_``. Default: all dim components.
    """

    method = "pca"
    _arrays = ("mean_", "components_", "explained_variance_", "explained_variance_ratio_")
    _scalars = (*_MomentTransform._scalars, "n_components_")

    def __init__(self, n_components: int | None = None):
        self.n_components = n_components

    def _fit_moments(self, m: Moments) -> None:
        d = m.dim
        k = _n_components(self.n_components, d, "n_components", d)
        values, comps = eigh_desc(m.covariance)
        total = values.sum()
        self.mean_ = m.mean
        self.components_ = comps[:k]
        self.explained_variance_ = values[:k]
        self.explained_variance_ratio_ = values[:k] / total if total > 0 else np.zeros(k)
        self.n_components_ = k
        self._n_features_out = k

    def _apply(self, X: np.ndarray) -> np.ndarray:
        return (X - self._p("mean_", X.dtype)) @ self._p("components_", X.dtype).T


METHODS: dict[str, type[_MomentTransform]] = {
    c.method: c for c in (Center, AllButTheTop, Whitening, ConceptorNegation, PCA)
}
_CLASSES: dict[str, type[_MomentTransform]] = {c.__name__: c for c in METHODS.values()}


def make_transform(method: str, n_components: int | None = None, alpha: float | None = None) -> _MomentTransform:
    """An unfitted transform by CLI name: center | abtt | whitening | conceptor | pca."""
    cls = METHODS.get(method)
    if cls is None:
        raise CtxvecError(f"unknown transform method {method!r}; choose one of {', '.join(METHODS)}")
    if cls is ConceptorNegation:
        if n_components is not None:
            raise CtxvecError("--n-components does not apply to conceptor; use --alpha")
        return ConceptorNegation(alpha=2.0 if alpha is None else float(alpha))
    if alpha is not None:
        raise CtxvecError(f"--alpha only applies to conceptor, not {method}")
    if cls is Center:
        if n_components is not None:
            raise CtxvecError("--n-components does not apply to center")
        return Center()
    return cls(n_components=n_components)  # type: ignore[call-arg]


# ---- saving and loading (plain .npy + JSON) ------------------------------------------------------


def _record(t: Any) -> dict[str, Any]:
    if isinstance(t, Pipeline):
        return {"class": "Pipeline", "steps": [name for name, _ in t.steps]}
    if type(t).__name__ not in _CLASSES or _CLASSES[type(t).__name__] is not type(t):
        raise CtxvecError(f"cannot save a {type(t).__name__}; only ctxvec transforms and Pipelines of them are saved")
    check_is_fitted(t)
    scalars = {name: getattr(t, name) for name in t._scalars if hasattr(t, name)}
    return {
        "class": type(t).__name__,
        "method": t.method,
        "params": t.get_params(),
        "scalars": {k: int(v) for k, v in scalars.items()},
        "arrays": list(t._arrays),
    }


def _saveable(t: Any) -> bool:
    steps = [s for _, s in t.steps] if isinstance(t, Pipeline) else [t]
    return all(_CLASSES.get(type(s).__name__) is type(s) for s in steps)


def save_transform(t: Any, folder: str | os.PathLike[str]) -> Path:
    """Write a fitted transform (or Pipeline of them) into `folder`: transform.json + one .npy per array."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rec = _record(t)
    rec.update(format=FORMAT, format_version=FORMAT_VERSION, transform_id=transform_id(t))
    if isinstance(t, Pipeline):
        for i, (name, step) in enumerate(t.steps):
            save_transform(step, folder / f"{i}_{name}")
    else:
        for name in t._arrays:
            np.save(folder / f"{name}.npy", np.asarray(getattr(t, name)), allow_pickle=False)
    write_json_atomic(folder / TRANSFORM_JSON, rec)
    return folder


def load_transform(folder: str | os.PathLike[str]) -> Any:
    """Read a transform saved by `save_transform`; a clear CtxvecError when the folder is not one."""
    folder = Path(folder)
    path = folder / TRANSFORM_JSON
    try:
        rec = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise CtxvecError(f"{folder} does not hold a saved transform ({e}); refit it with `ctxvec transform`") from None
    if rec.get("format") != FORMAT or rec.get("format_version") != FORMAT_VERSION:
        raise CtxvecError(f"{path} is not a ctxvec transform of format version {FORMAT_VERSION}; refit it")
    if rec["class"] == "Pipeline":
        return Pipeline([(name, load_transform(folder / f"{i}_{name}")) for i, name in enumerate(rec["steps"])])
    cls = _CLASSES.get(rec["class"])
    if cls is None:
        raise CtxvecError(f"{path} names an unknown transform class {rec['class']!r}")
    t = cls(**rec["params"])
    for name, value in rec["scalars"].items():
        setattr(t, name, value)
    for name in rec["arrays"]:
        setattr(t, name, np.load(folder / f"{name}.npy", allow_pickle=False))
    if hasattr(t, "n_components_") and isinstance(t, Whitening | PCA):
        t._n_features_out = t.n_components_
    return t


def transform_id(t: Any) -> str:
    """A short content hash naming a fitted transform, e.g. ``whitening-3f2a9c01b4de`` (safe in file names)."""
    h = hashlib.sha256()
    steps = t.steps if isinstance(t, Pipeline) else [("", t)]
    names = []
    for _, step in steps:
        rec = _record(step)
        names.append(rec["method"])
        h.update(json.dumps(rec, sort_keys=True, default=str).encode())
        for name in step._arrays:
            a = np.ascontiguousarray(getattr(step, name))
            h.update(f"{name}:{a.dtype}:{a.shape}".encode())
            h.update(a.tobytes())
    return f"{'+'.join(names)}-{h.hexdigest()[:12]}"


def describe(t: Any) -> dict[str, Any]:
    """A JSON-able summary of a fitted transform: method(s), parameters, id."""
    steps = t.steps if isinstance(t, Pipeline) else [("", t)]
    return {
        "transform_id": transform_id(t),
        "steps": [
            {"method": s.method, "params": s.get_params(), "n_samples_seen": s.n_samples_seen_} for _, s in steps
        ],
    }


# ---- applying to stores ----------------------------------------------------------------------------


def output_dim(t: Any, dim: int) -> int:
    """Number of output columns of fitted transform `t` on `dim`-dimensional input."""
    return int(np.asarray(t.transform(np.zeros((1, dim)))).shape[1])


def check_new_output(out: str | os.PathLike[str], source: Store | None = None) -> Path:
    """`out` as a Path; CtxvecError when it already exists (a store is never overwritten)."""
    path = Path(out)
    if path.exists():
        raise CtxvecError(f"output {path} already exists; choose a new path or remove it first")
    if source is not None and path.resolve() == source.path.resolve():  # pragma: no cover - exists() catches it
        raise CtxvecError("the output must differ from the input store; use --in-place to transform a store itself")
    return path


def transform_store(
    store: Store,
    t: Any,
    out: str | os.PathLike[str],
    dtype: str | None = None,
    block_rows: int = 16384,
) -> Store:
    """Write a new store at `out`: same rows and sentences, vectors = t(store vectors), streamed in blocks.

    `t` is a fitted ctxvec transform, a Pipeline of them, or any fitted scikit-learn transformer.
    The manifest records it under ``applied_transform`` (method, parameters, id, source store), and
    for ctxvec transforms the map from raw model outputs to the new vectors (the source's own in-place
    transform, if any, followed by `t`) is saved in ``out/applied_transform/`` so that freshly
    encoded sentences can be mapped the same way. On any error the half-written output is removed.
    """
    out = check_new_output(out, store)
    check_is_fitted(t[-1] if isinstance(t, Pipeline) else t)
    if getattr(t, "n_features_in_", store.dim) != store.dim:
        raise CtxvecError(
            f"the transform was fitted on {t.n_features_in_}-dim vectors but {store.path} has dim {store.dim}"
        )
    k = output_dim(t, store.dim)
    source_t = store.transform
    if source_t is None:
        applied = t
    else:
        src_steps = source_t.steps if isinstance(source_t, Pipeline) else [("source", source_t)]
        new_steps = t.steps if isinstance(t, Pipeline) else [("new", t)]
        applied = Pipeline([(f"s{i}", s) for i, (_, s) in enumerate([*src_steps, *new_steps])])
    skip = {
        "state",
        "checksums",
        "transform_id",
        "transform",
        "format_version",
        "dim",
        "dtype",
        "n_rows",
        "n_sentences",
    }
    manifest = {key: v for key, v in store.manifest.items() if key not in skip}
    writer = StoreWriter.create(
        out, manifest, store.rows, store.sentences, dim=k, dtype=dtype or store.manifest["dtype"]
    )
    try:
        for start, block in store.iter_blocks(block_rows):
            writer.write(start, t.transform(block))
        if _saveable(applied):
            save_transform(applied, out / APPLIED_DIR)
            record = {**describe(t), "raw_to_vectors": {"path": APPLIED_DIR, "transform_id": transform_id(applied)}}
        else:  # any other scikit-learn transformer: recorded by name, not saved
            record = {"transform_id": None, "steps": [{"class": type(t).__name__}], "raw_to_vectors": None}
        record["source"] = str(store.path)
        record["source_transform_id"] = store.manifest.get("transform_id") if source_t is not None else None
        return writer.finalize(applied_transform=record)
    except BaseException:
        writer.abort()
        raise


def check_no_transform(store: Store) -> None:
    """CtxvecError when `store` already has an in-place transform (they are not stacked)."""
    if store.transform is not None:
        raise CtxvecError(
            f"{store.path} already has an in-place transform ({store.manifest.get('transform_id')}); "
            f"remove it with `ctxvec transform {store.path} --remove` or write a new store with --out"
        )


def set_store_transform(store: Store, t: Any) -> Store:
    """Keep fitted `t` inside `store` (``store/transform/``) so `get_vectors`/`iter_blocks` apply it on the fly.

    The manifest gets ``transform_id`` first, then the folder is moved into place, so a crash
    never leaves a transform without its id. Refuses a store that already has one.
    """
    check_no_transform(store)
    if not _saveable(t):
        raise CtxvecError(f"cannot keep a {type(t).__name__} in a store; use a ctxvec transform or a Pipeline of them")
    if output_dim(t, store.dim) != store.dim:
        raise CtxvecError("an in-place transform must keep the dimension; use --out for PCA or truncated whitening")
    tmp = store.path / (TRANSFORM_DIR + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    save_transform(t, tmp)
    manifest = dict(store.manifest)
    manifest["transform_id"] = transform_id(t)
    manifest["transform"] = describe(t)
    write_json_atomic(store.path / "manifest.json", manifest)
    os.replace(tmp, store.path / TRANSFORM_DIR)
    return Store.open(store.path)


def remove_store_transform(store: Store) -> Store:
    """Drop the in-place transform of `store` (its folder, then its manifest entries)."""
    folder = store.path / TRANSFORM_DIR
    if not folder.is_dir():
        raise CtxvecError(f"{store.path} has no in-place transform to remove")
    trash = store.path / (TRANSFORM_DIR + ".removed")
    shutil.rmtree(trash, ignore_errors=True)
    os.replace(folder, trash)
    shutil.rmtree(trash, ignore_errors=True)
    manifest = {k: v for k, v in store.manifest.items() if k not in ("transform_id", "transform")}
    write_json_atomic(store.path / "manifest.json", manifest)
    return Store.open(store.path)
