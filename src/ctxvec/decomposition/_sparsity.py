"""How sparse a decomposition is: one choice among `Alpha`, `AbsoluteAlpha` and `MaxTerms` (the
`Sparsity` union `decompose` takes). Light (no numpy), so the CLI and the web derive their
``--alpha`` / ``--alpha-abs`` / ``--max-terms`` options (one group: at most one) from these fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from ..params import check_fields, option
from ._names import DEFAULT_ALPHA, DEFAULT_OMP_TERMS


@dataclass(frozen=True)
class Alpha:
    """The LASSO penalty as a fraction of each query's alpha_max (the smallest penalty that zeroes
    every coefficient), so any value in (0, 1) leaves terms."""

    alpha: float = option(
        DEFAULT_ALPHA,
        "regularisation as a fraction of alpha_max, the smallest alpha that zeroes every coefficient, so any "
        "value in (0, 1) leaves terms; smaller = more terms",
        low=0,
        open_low=True,
    )

    def __post_init__(self) -> None:
        check_fields(self)


@dataclass(frozen=True)
class AbsoluteAlpha:
    """The LASSO penalty in scikit-learn's absolute scale (the blog's ``alpha=0.9``)."""

    alpha_abs: float = option(
        0.9,
        "absolute alpha in scikit-learn's scale (the blog used 0.9, which zeroes everything; the output says so)",
        low=0,
        open_low=True,
        metavar="ALPHA",
    )

    def __post_init__(self) -> None:
        check_fields(self)


@dataclass(frozen=True)
class MaxTerms:
    """At most `max_terms` terms: the best point with at most K terms on the LASSO path as alpha falls
    (the knot before the (K+1)-th atom enters), or K steps of orthogonal matching pursuit (solver omp)."""

    max_terms: int = option(
        DEFAULT_OMP_TERMS,
        "at most K terms: the best point with at most K terms on the LASSO path as alpha falls (the knot "
        "before the (K+1)-th atom enters), with the path's own coefficients there",
        low=1,
        web_high=100,
        metavar="K",
    )

    def __post_init__(self) -> None:
        check_fields(self)


Sparsity = Union[Alpha, AbsoluteAlpha, MaxTerms]  # noqa: UP007 (a runtime alias, also for isinstance)
SPARSITIES: tuple[type[Alpha], type[AbsoluteAlpha], type[MaxTerms]] = (Alpha, AbsoluteAlpha, MaxTerms)
"""The choices, in the order the CLI lists them; `Alpha()` is the default (`MaxTerms()` for omp)."""
