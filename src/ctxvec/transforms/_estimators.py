"""Post-processing transforms that make an embedding space more isotropic.

Each transform is a scikit-learn estimator (``fit`` / ``transform`` / ``fit_transform``;
``__init__`` only stores parameters, checked against ``_parameter_constraints`` when fitting;
fitted state ends in ``_``), so they chain in a ``sklearn.pipeline.Pipeline``. ``fit(X)`` takes
a (n, dim) array; ``fit_source(source)`` streams any `ctxvec.sources.VectorSource` (a `Store`,
in-place transform applied) block by block into float64 moment accumulators (`ctxvec.stats`),
never copied into memory. Every transform is a function of those moments only.

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
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar, Self

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import Tags
from sklearn.utils._param_validation import Interval, make_constraint
from sklearn.utils.validation import check_is_fitted, validate_data

from ..errors import CtxvecError, ParameterError
from ..sources import VectorSource
from ..stats import Moments, eigh_desc, moments, moments_of_array
from ._names import METHOD_NAMES


class TransformParameterError(ParameterError):
    """A transform parameter that does not fit the data (a ValueError for scikit-learn users)."""


def _literal(text: str) -> str:
    """`text` safe inside a `ParameterError` template (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def _constraint_text(constraints: list[object]) -> str:
    texts = [str(make_constraint(c)) for c in constraints]
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} or {texts[-1]}"


class MomentTransform(TransformerMixin, BaseEstimator):
    """Shared fit/transform plumbing: fit from the moments of an array, a `VectorSource` or `Moments`."""

    method: ClassVar[str] = ""
    _parameter_constraints: ClassVar[dict[str, list[object]]] = {}
    _arrays: ClassVar[tuple[str, ...]] = ()
    _scalars: ClassVar[tuple[str, ...]] = ("n_features_in_", "n_samples_seen_")

    def fit(self, X: ArrayLike, y: object = None) -> Self:
        """Fit on X, a (n, dim) array (float32 stays float32 when transformed)."""
        self._check_parameters()
        if isinstance(X, VectorSource):
            raise CtxvecError(f"fit() takes arrays; fit a store or other vector source with fit_source({X!r})")
        x = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        return self._fit(moments_of_array(x))

    def fit_source(self, source: VectorSource, block_rows: int = 16384) -> Self:
        """Fit on every (n_rows, dim) vector of `source`, streamed in blocks of `block_rows` (for a
        `Store`, its in-place transform applied)."""
        self._check_parameters()
        self.n_features_in_ = source.dim
        return self._fit(moments(source, block_rows))

    def fit_moments(self, m: Moments) -> Self:
        """Fit from precomputed `Moments` (for example `ctxvec.stats.moments(store)`, reused across transforms)."""
        self._check_parameters()
        self.n_features_in_ = m.dim
        return self._fit(m)

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Transform X (n, dim) -> (n, k); float32 input stays float32."""
        check_is_fitted(self)
        x = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self._apply(x)

    def _fit(self, m: Moments) -> Self:
        self.n_samples_seen_ = m.n
        self._fit_moments(m)
        return self

    def _check_parameters(self) -> None:
        """TransformParameterError naming the first parameter that meets none of its `_parameter_constraints`."""
        for name, constraints in self._parameter_constraints.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not any(make_constraint(c).is_satisfied_by(value) for c in constraints):
                raise TransformParameterError(
                    name, f"{{name}}={_literal(repr(value))} is out of range; choose {_constraint_text(constraints)}"
                )

    def _fit_moments(self, m: Moments) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _apply(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _p(self, name: str, dtype: np.dtype) -> np.ndarray:
        """A fitted array in the dtype of the input."""
        arr: np.ndarray = getattr(self, name)
        return arr if arr.dtype == dtype else arr.astype(dtype)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _n_components(value: int | None, dim: int, default: int) -> int:
    """`value` checked against the dimension (`_parameter_constraints` checked the rest), or `default`."""
    if value is None:
        return default
    if not 1 <= value <= dim:
        raise TransformParameterError(
            "n_components", f"{{name}}={value!r} is out of range; choose an integer from 1 to {dim} (the dimension)"
        )
    return int(value)


_N_COMPONENTS: list[object] = [Interval(Integral, 1, None, closed="left"), None]


class Center(OneToOneFeatureMixin, MomentTransform):
    """Subtract the mean: x − μ. Fitted: ``mean_`` (dim,)."""

    method = "center"
    _arrays = ("mean_",)

    def _fit_moments(self, m: Moments) -> None:
        self.mean_ = m.mean

    def _apply(self, X: np.ndarray) -> np.ndarray:
        out: np.ndarray = X - self._p("mean_", X.dtype)
        return out


class AllButTheTop(OneToOneFeatureMixin, MomentTransform):
    """All-but-the-top (Mu & Viswanath 2018): centre, then remove the top `n_components` PCs of the centred data.

    Fitted: ``mean_`` (dim,), ``components_`` (D, dim), ``explained_variance_`` (D,), ``n_components_``.
    Default D = max(1, dim // 100).
    """

    method = "abtt"
    _parameter_constraints: ClassVar[dict[str, list[object]]] = {"n_components": _N_COMPONENTS}
    _arrays = ("mean_", "components_", "explained_variance_")
    _scalars = (*MomentTransform._scalars, "n_components_")

    def __init__(self, n_components: int | None = None):
        self.n_components = n_components

    def _fit_moments(self, m: Moments) -> None:
        d = m.dim
        k = _n_components(self.n_components, d, max(1, d // 100))
        values, comps = eigh_desc(m.covariance)
        self.mean_ = m.mean
        self.components_ = comps[:k]
        self.explained_variance_ = values[:k]
        self.n_components_ = k

    def _apply(self, X: np.ndarray) -> np.ndarray:
        u = self._p("components_", X.dtype)
        xc = X - self._p("mean_", X.dtype)
        out: np.ndarray = xc - (xc @ u.T) @ u
        return out


class Whitening(ClassNamePrefixFeaturesOutMixin, MomentTransform):
    """Whitening (Su et al. 2021): x̃ = (x − μ) U Λ^(-1/2), optionally the first `n_components` columns only.

    Fitted: ``mean_`` (dim,), ``whitening_`` (dim, k), ``explained_variance_`` (k,), ``n_components_``.
    """

    method = "whitening"
    _parameter_constraints: ClassVar[dict[str, list[object]]] = {"n_components": _N_COMPONENTS}
    _arrays = ("mean_", "whitening_", "explained_variance_")
    _scalars = (*MomentTransform._scalars, "n_components_")

    def __init__(self, n_components: int | None = None):
        self.n_components = n_components

    def _fit_moments(self, m: Moments) -> None:
        d = m.dim
        k = _n_components(self.n_components, d, d)
        values, comps = eigh_desc(m.covariance)
        tol = values[0] * d * 1e-12 if values[0] > 0 else 0.0
        inv_sqrt = np.where(values > tol, 1.0 / np.sqrt(np.where(values > tol, values, 1.0)), 0.0)
        self.mean_ = m.mean
        self.whitening_ = (comps.T * inv_sqrt)[:, :k]
        self.explained_variance_ = values[:k]
        self.n_components_ = k
        self._n_features_out = k

    def _apply(self, X: np.ndarray) -> np.ndarray:
        out: np.ndarray = (X - self._p("mean_", X.dtype)) @ self._p("whitening_", X.dtype)
        return out


class ConceptorNegation(OneToOneFeatureMixin, MomentTransform):
    """Conceptor negation (Liu, Ungar & Sedoc 2019): x̃ = (I − C) x with C = R (R + α⁻² I)⁻¹, R = XᵀX / n uncentred.

    `alpha` is the aperture (2 is usual). Fitted: ``conceptor_`` (dim, dim), ``components_`` (dim, dim)
    eigenvectors of R (rows), ``correlation_eigenvalues_`` (dim,), ``conceptor_eigenvalues_`` (dim,) in [0, 1).
    """

    method = "conceptor"
    _parameter_constraints: ClassVar[dict[str, list[object]]] = {"alpha": [Interval(Real, 0, np.inf, closed="neither")]}
    _arrays = ("conceptor_", "components_", "correlation_eigenvalues_", "conceptor_eigenvalues_")

    def __init__(self, alpha: float = 2.0):
        self.alpha = alpha

    def _fit_moments(self, m: Moments) -> None:
        values, comps = eigh_desc(m.correlation)
        c_values = values / (values + self.alpha**-2)
        self.components_ = comps
        self.correlation_eigenvalues_ = values
        self.conceptor_eigenvalues_ = c_values
        self.conceptor_ = (comps.T * c_values) @ comps

    def _apply(self, X: np.ndarray) -> np.ndarray:
        out: np.ndarray = X - X @ self._p("conceptor_", X.dtype)
        return out


class PCA(ClassNamePrefixFeaturesOutMixin, MomentTransform):
    """Principal component projection: x̃ = (x − μ) Vᵀ with V the top `n_components` eigenvectors of Σ.

    Fitted: ``mean_`` (dim,), ``components_`` (k, dim), ``explained_variance_`` (k,),
    ``explained_variance_ratio_`` (k,), ``n_components_``. Default: all dim components.
    """

    method = "pca"
    _parameter_constraints: ClassVar[dict[str, list[object]]] = {"n_components": _N_COMPONENTS}
    _arrays = ("mean_", "components_", "explained_variance_", "explained_variance_ratio_")
    _scalars = (*MomentTransform._scalars, "n_components_")

    def __init__(self, n_components: int | None = None):
        self.n_components = n_components

    def _fit_moments(self, m: Moments) -> None:
        d = m.dim
        k = _n_components(self.n_components, d, d)
        values, comps = eigh_desc(m.covariance)
        total = values.sum()
        self.mean_ = m.mean
        self.components_ = comps[:k]
        self.explained_variance_ = values[:k]
        self.explained_variance_ratio_ = values[:k] / total if total > 0 else np.zeros(k)
        self.n_components_ = k
        self._n_features_out = k

    def _apply(self, X: np.ndarray) -> np.ndarray:
        out: np.ndarray = (X - self._p("mean_", X.dtype)) @ self._p("components_", X.dtype).T
        return out


METHODS: dict[str, type[MomentTransform]] = {
    c.method: c for c in (Center, AllButTheTop, Whitening, ConceptorNegation, PCA)
}
"""Transform class by method name (the keys are `METHOD_NAMES`)."""
assert tuple(METHODS) == METHOD_NAMES
CLASSES: dict[str, type[MomentTransform]] = {c.__name__: c for c in METHODS.values()}
"""Transform class by class name (what a saved ``transform.json`` records)."""


def make_transform(method: str, n_components: int | None = None, alpha: float | None = None) -> MomentTransform:
    """An unfitted transform by method name: center | abtt | whitening | conceptor | pca.

    `n_components` applies to abtt (directions removed), whitening and pca (dimensions kept);
    `alpha` to conceptor (aperture, default 2).
    """
    cls = METHODS.get(method)
    if cls is None:
        raise ParameterError(
            "method", f"unknown transform {{name}} {_literal(repr(method))}; choose one of {', '.join(METHODS)}"
        )
    if cls is ConceptorNegation:
        if n_components is not None:
            raise ParameterError("n_components", "{name} does not apply to conceptor (its parameter is alpha)")
        return ConceptorNegation(alpha=2.0 if alpha is None else float(alpha))
    if alpha is not None:
        raise ParameterError("alpha", f"{{name}} only applies to conceptor, not {_literal(method)}")
    if cls is Center:
        if n_components is not None:
            raise ParameterError("n_components", "{name} does not apply to center")
        return Center()
    return cls(n_components=n_components)
