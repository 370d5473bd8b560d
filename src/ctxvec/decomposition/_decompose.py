"""Sparse decomposition of word occurrences: `cold = 0.66·warm + 0.23·heavy + 0.11·hot`.

Each query vector y (dim,) is written as a sparse non-negative (or, with `signed`, any-sign)
combination of atoms by the LASSO of `ctxvec.lasso`. Atoms are

- ``"types"``: word-type vectors (the mean of each word's occurrences; each word appears once),
- ``"occurrences"``: every occurrence in the store (the blog's setting; each term has its sentence),
- ``"factors"``: a dictionary learned by `learn_factors` (each term labelled by its top words).

Which atoms a query may use is one `AtomFilter` (`atom_filter`): the query's own word and, unless `keep_family`, its morphological family (`ctxvec.morphology`: banks,
banking, banker for bank; musical, musician, musically for music) are never atoms, nor (unless `keep_lookalikes`) its spelling look-alikes (`ctxvec.morphology.Lookalikes`:
bankhead, banknotes for bank: same first wordpiece, weight for spelling, not meaning), nor are punctuation
tokens unless `punctuation=True`, nor (occurrence atoms, unless `own_sentence`) the other words of the
query's own sentence: they are its context, not its meaning, nor (occurrence atoms, unless `stop_words`)
stop words (`ctxvec.morphology.STOP_WORDS`: Bank = … + 0.09·and + 0.04·a said nothing). Each query's `excluded` says what was
left out. With `contextual`, the query vector is replaced by its contextual part, the vector minus its
word type's mean (as `senses` clusters), so the terms say what this context adds to the word. Sparsity is set by `Alpha(alpha)` relative to `alpha_max`
(the smallest value that zeroes every coefficient, so 0 < alpha < 1 always leaves terms), or by
`MaxTerms(max_terms)` (the best point with at most K terms on the LASSO path, `ctxvec.lasso.max_terms_search`).
With `normalize`, queries and atoms are scaled to unit norm first (the blog's setting). Coefficients are reported raw and
normalised to sum to 1 (`weights`, the blog's equation); fit is reported as the cosine between y and
its reconstruction and the relative residual ‖y − Aᵀw‖ / ‖y‖.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..errors import CtxvecError, ParameterError
from ..lasso import LassoResult, alpha_max, solve, unit_rows
from ..store import Occurrence, Store
from ._atom_filter import DEFAULT_ATOM_FILTER, AtomFilter
from ._atomset import MEMORY_LIMIT, AtomSet, build_atoms, query_exclusion
from ._names import ATOMS, DEFAULT_ALPHA, DEFAULT_CONTEXTUAL, DEFAULT_NORMALIZE, SOLVERS
from ._result import Decomposition, Term
from ._sparsity import SPARSITIES, AbsoluteAlpha, Alpha, MaxTerms, Sparsity

if TYPE_CHECKING:
    from ..neighbours import UsageCheck
    from ..queries import Queries


def solver_device(device: str) -> str:
    """The torch device the solver runs on for `decompose`'s `device`: ``"auto"`` is the CPU (the
    solver runs on a GPU only when asked by name), anything else itself."""
    return "cpu" if device == "auto" else device


def decompose(
    store: Store,
    word: str | None = None,
    *,
    queries: Queries | None = None,
    vectors: np.ndarray | None = None,
    sentence: int | None = None,
    row: int | None = None,
    in_sentence: str | None = None,
    limit: int | None = None,
    atoms: str = "types",
    min_count: int = 1,
    factors: str = "default",
    sparsity: Sparsity | None = None,
    signed: bool = False,
    solver: str = "fista",
    atom_filter: AtomFilter = DEFAULT_ATOM_FILTER,
    contextual: bool = DEFAULT_CONTEXTUAL,
    tol: float | None = None,
    device: str = "auto",
    memory_limit: int = MEMORY_LIMIT,
    normalize: bool = DEFAULT_NORMALIZE,
    usage_check: UsageCheck | None = None,
) -> Decomposition:
    """Decompose query occurrences of `store` into sparse combinations of atoms (`ATOMS`).

    Queries: `queries` (a `ctxvec.queries.Queries`), or `vectors` (k, dim) whose word is `word`, else
    ``ctxvec.queries.select_queries(store, word, sentence=, row=, in_sentence=, limit=, device=)``.
    `sparsity`: `Alpha(a)`, a in (0, 1) relative to each query's alpha_max (default ``Alpha(0.2)``), or
    `AbsoluteAlpha(a)` in scikit-learn's absolute scale (the blog's 0.9), or `MaxTerms(k)`, at most k terms
    (the only choice for solver "omp", default ``MaxTerms(10)`` there). `signed` allows negative coefficients. `normalize`: queries and atoms scaled
    to unit norm first (default `DEFAULT_NORMALIZE`), so the L1 penalty does not favour long vectors; the
    raw vectors otherwise. `atom_filter` (`AtomFilter`): which atoms each query may use. `device`: ``"auto"`` embeds an
    `in_sentence` on the best device and solves on the CPU; a named device (``"cuda"``) is used for both.
    `usage_check`: how a query in a new sentence is checked against the word's occurrences, its warning
    put in the note (default `ctxvec.neighbours.check_occurrence`, as `similar` does).
    """
    if atoms not in ATOMS:
        raise ParameterError("atoms", f"unknown {{name}} {atoms!r}; choose one of {', '.join(ATOMS)}")
    if solver not in SOLVERS:
        raise ParameterError("solver", f"unknown {{name}} {solver!r}; choose one of {', '.join(SOLVERS)}")
    if sparsity is None:
        sparsity = MaxTerms() if solver == "omp" else Alpha()
    if not isinstance(sparsity, SPARSITIES):
        raise ParameterError(
            "sparsity", "{name} must be Alpha(a), AbsoluteAlpha(a) or MaxTerms(k), not " + repr(type(sparsity).__name__)
        )
    if solver == "omp" and not isinstance(sparsity, MaxTerms):
        raise ParameterError("max_terms", "solver omp takes a number of terms, not an alpha: give {name}")
    alpha = sparsity.alpha if isinstance(sparsity, Alpha) else None
    alpha_abs = sparsity.alpha_abs if isinstance(sparsity, AbsoluteAlpha) else None
    max_terms = sparsity.max_terms if isinstance(sparsity, MaxTerms) else None

    if queries is None and vectors is None:
        from ..queries import select_queries

        queries = select_queries(
            store, word, sentence=sentence, row=row, in_sentence=in_sentence, limit=limit, device=device
        )
    rows, ys, occs, qwords = _query_vectors(store, word, queries, vectors)
    if contextual:
        ys = contextual_part(store, ys, qwords)
    if normalize:
        ys = unit_rows(ys)
    atom_set = build_atoms(
        store,
        atoms,
        min_count=min_count,
        factors=factors,
        device=solver_device(device),
        memory_limit=memory_limit,
        unit=normalize,
    )
    sids = [o.sentence_id if o is not None and o.row >= 0 and not atom_filter.own_sentence else -1 for o in occs]
    excl, left_out = query_exclusion(
        store, atom_set, qwords, not atom_filter.keep_family, list(atom_filter.exclude), atom_filter.punctuation, sids,
        atom_filter.stop_words, not atom_filter.keep_lookalikes,
    )  # fmt: skip
    positive = not signed
    amax = alpha_max(ys, atom_set.atoms, positive, excl)
    if max_terms is not None:
        res = solve(ys, atom_set.atoms, max_terms=max_terms, solver=solver, positive=positive, exclude=excl, tol=tol)
    else:
        abs_alpha = amax * alpha if alpha is not None else np.full(len(ys), float(alpha_abs or 0.0))
        res = solve(ys, atom_set.atoms, abs_alpha, solver=solver, positive=positive, exclude=excl, tol=tol)
    res.alpha_max = amax
    notes = _notes(res, alpha, alpha_abs, max_terms)
    if in_sentence is not None and queries is not None:  # the usage warning `similar --in` gives (neighbours)
        from ..neighbours import check_occurrence

        check = check_occurrence if usage_check is None else usage_check
        for i, occ in enumerate(queries.occurrences):
            warning = check(store, occ, queries.vectors[i]).warning
            notes[i] = f"warning: {warning}" + (f"; {notes[i]}" if notes[i] else "") if warning else notes[i]
    result = _assemble(store, atom_set, solver, signed, rows, ys, occs, res, notes)
    result.normalized = normalize
    result.excluded = left_out
    result.contextual = contextual
    result.keep_family = atom_filter.keep_family
    result.keep_lookalikes = atom_filter.keep_lookalikes
    if atoms != "factors":
        result.excluded_classes = [name for name, allowed in (("punctuation", atom_filter.punctuation),) if not allowed]
        if atoms == "occurrences" and not atom_filter.stop_words:
            result.excluded_classes.append("stop words")
    return result


def contextual_part(store: Store, vectors: np.ndarray, words: list[str | None]) -> np.ndarray:
    """(k, dim) float64: each vector minus the mean vector of its word's occurrences in `store` (the
    word type); a word the store does not hold raises `CtxvecError`."""
    from ..lexicon import word_types

    types = word_types(store)
    out = np.array(vectors, dtype=np.float64)
    for i, w in enumerate(words):
        if w is None:
            raise CtxvecError("the contextual part needs the query's word (give word with vectors)")
        j = types.find([w])[0]
        out[i] -= types.vectors[j]
    return out


def _notes(res: LassoResult, alpha: float | None, alpha_abs: float | None, max_terms: int | None) -> list[str]:
    """Per query, a line when its solution needs explaining (no terms, or the solver stopped early), else ''."""
    amax = res.alpha_max
    notes = [""] * len(amax)
    for i in range(len(amax)):
        if amax[i] <= 0:
            notes[i] = (
                "no atom correlates positively with this vector, so every non-negative coefficient is "
                "zero; allow negative coefficients (signed)"
            )
        elif max_terms is None and res.alpha[i] >= amax[i]:
            given = (
                f"alpha {alpha:g} ≥ 1" if alpha is not None else f"alpha_abs {alpha_abs:g} ≥ alpha_max {amax[i]:.4g}"
            )
            notes[i] = (
                f"{given}: every coefficient is zero (alpha_max is the smallest alpha that zeroes them all); "
                f"use alpha below 1 (a fraction of alpha_max, e.g. {DEFAULT_ALPHA}) or max_terms K"
            )
        elif not res.converged[i]:
            notes[i] = f"solver stopped before reaching the tolerance (duality gap {res.gap[i]:.2e})"
    return notes


def _query_vectors(
    store: Store, word: str | None, queries: Queries | None, vectors: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, list[Occurrence | None], list[str | None]]:
    """rows (k,), vectors (k, dim) float64, occurrences, and the word each query excludes."""
    if vectors is not None:
        if queries is not None:
            raise ParameterError("vectors", "give {name} or queries, not both")
        vec = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
        if vec.shape[1] != store.dim:
            raise ParameterError("vectors", f"{{name}} have dim {vec.shape[1]}, the store has {store.dim}")
        return np.full(len(vec), -1, dtype=np.int64), vec, [None] * len(vec), [word] * len(vec)
    assert queries is not None
    occs: list[Occurrence | None] = list(queries.occurrences)
    qwords: list[str | None] = [o.token if o is not None else queries.word for o in occs]
    vec = np.asarray(queries.vectors, dtype=np.float64)
    if len(vec) == 0:
        raise CtxvecError("no query occurrences selected")
    return np.asarray(queries.rows, dtype=np.int64), vec, occs, qwords


def _assemble(
    store: Store,
    atom_set: AtomSet,
    solver: str,
    signed: bool,
    rows: np.ndarray,
    vectors: np.ndarray,
    occs: list[Occurrence | None],
    res: LassoResult,
    notes: list[str],
) -> Decomposition:
    coef = sp.csr_array(res.coef)
    k = len(vectors)
    cosine, residual, n_terms = np.zeros(k), np.ones(k), np.zeros(k, dtype=np.int64)
    all_terms: list[list[Term]] = []
    for i in range(k):
        lo, hi = coef.indptr[i], coef.indptr[i + 1]
        idx, val = coef.indices[lo:hi], coef.data[lo:hi]
        nz = val != 0
        idx, val = idx[nz], val[nz]
        order = np.argsort(-np.abs(val), kind="stable")
        idx, val = idx[order], val[order]
        n_terms[i] = len(idx)
        y = vectors[i]
        recon = val @ atom_set.atoms.take(idx).cpu().numpy() if len(idx) else np.zeros_like(y)
        ny, nr = np.linalg.norm(y), np.linalg.norm(recon)
        cosine[i] = float(y @ recon / (ny * nr)) if ny > 0 and nr > 0 else 0.0
        residual[i] = float(np.linalg.norm(y - recon) / ny) if ny > 0 else 0.0
        total = np.abs(val).sum()
        terms = []
        for a, c in zip(idx.tolist(), val.tolist(), strict=True):
            srow = int(atom_set.rows[a]) if atom_set.rows is not None else -1
            terms.append(
                Term(
                    word=str(atom_set.words[atom_set.word_ids[a]])
                    if atom_set.kind != "occurrences"
                    else str(store.tokens[srow]),
                    coef=float(c),
                    weight=float(c / total),
                    atom=int(a),
                    row=srow,
                    occurrence=store.occurrence(srow) if srow >= 0 else None,
                )
            )
        all_terms.append(terms)
    return Decomposition(
        atoms=atom_set.kind,
        solver=solver,
        signed=signed,
        rows=rows,
        occurrences=occs,
        terms=all_terms,
        alpha=np.asarray(res.alpha, dtype=np.float64),
        alpha_max=np.asarray(res.alpha_max, dtype=np.float64),
        n_terms=n_terms,
        cosine=cosine,
        residual=residual,
        objective=np.asarray(res.objective),
        converged=np.asarray(res.converged),
        notes=notes,
        n_atoms=atom_set.n_atoms,
    )
