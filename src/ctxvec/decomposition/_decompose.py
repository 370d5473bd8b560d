"""Sparse decomposition of word occurrences: `cold = 0.66·warm + 0.23·heavy + 0.11·hot`.

Each query vector y (dim,) is written as a sparse non-negative (or, with `signed`, any-sign)
combination of atoms by the LASSO of `ctxvec.lasso._lasso`. Atoms are

- ``"types"``: word-type vectors (the mean of each word's occurrences; each word appears once),
- ``"occurrences"``: every occurrence in the store (the blog's setting; each term has its sentence),
- ``"factors"``: a dictionary learned by `ctxvec.decomposition._factors` (each term labelled by its top words).

The query's own word (and, with `exclude_forms`, its other forms) is never an atom, and neither are
punctuation tokens unless `punctuation=True`. Sparsity is set by `alpha` relative to `alpha_max`
(the smallest value that zeroes every coefficient, so 0 < alpha < 1 always leaves terms), or by
`max_terms` (the smallest alpha found giving at most K terms). Coefficients are reported raw and
normalised to sum to 1 (`weights`, the blog's equation); fit is reported as the cosine between y and
its reconstruction and the relative residual ‖y − Aᵀw‖ / ‖y‖.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import CtxvecError
from ..lasso import _lasso as lasso
from ..store import Occurrence, Store, normalize_word

ATOMS = ("types", "occurrences", "factors")
SOLVERS = ("fista", "lasso", "omp")
DEFAULT_ALPHA = 0.2
MEMORY_LIMIT = 2 << 30  # occurrence atoms above this many bytes (float32) are streamed from the store
_SUFFIXES = ("ings", "ing", "edly", "ed", "ies", "es", "s", "ers", "er", "est", "ly", "'s")
_WORDLIKE = re.compile(r"\w")


def stem(word: str) -> str:
    """A crude English stem (suffix stripping, doubled final consonant undone): colder -> cold."""
    w = normalize_word(word).removeprefix("##")
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)] + ("y" if suf == "ies" else "")
            break
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    return w


def other_forms(word: str, vocabulary: np.ndarray) -> np.ndarray:
    """(n,) bool mask of `vocabulary` entries that are forms of `word`: the same crude stem (`stem`), or,
    for words of 4+ letters, starting with the word or its stem (state -> states, stateless, statehood)."""
    key, w = stem(word), normalize_word(word)
    prefixes = tuple(p for p in {w, key} if len(p) >= 4)

    def is_form(v: str) -> bool:
        return stem(v) == key or (bool(prefixes) and v.startswith(prefixes))

    return np.fromiter((is_form(str(v)) for v in vocabulary), dtype=bool, count=len(vocabulary))


@dataclass
class Term:
    """One term of a decomposition: an atom, its raw coefficient and its share of Σ|coef|."""

    word: str
    coef: float
    weight: float
    atom: int
    row: int = -1  # store row (occurrence atoms)
    occurrence: Occurrence | None = None  # occurrence atoms: the atom's token in its sentence


@dataclass
class Decomposition:
    """Decompositions of k query occurrences.

    rows (k,) query rows (-1: a word in a new sentence); occurrences: the k query occurrences (or None
    when vectors were given); terms: per query, its `Term`s sorted by |coefficient| (largest first);
    alpha (k,) absolute (scikit-learn scale), alpha_max (k,), n_terms (k,), cosine (k,) between query and
    reconstruction, residual (k,) ‖y − Aᵀw‖/‖y‖, objective (k,), converged (k,); notes: per query a line
    when there is something to say (e.g. every coefficient is zero), else ''.
    """

    atoms: str
    solver: str
    signed: bool
    rows: np.ndarray
    occurrences: list[Occurrence | None]
    terms: list[list[Term]]
    alpha: np.ndarray
    alpha_max: np.ndarray
    n_terms: np.ndarray
    cosine: np.ndarray
    residual: np.ndarray
    objective: np.ndarray
    converged: np.ndarray
    notes: list[str] = field(default_factory=list)
    n_atoms: int = 0

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def alpha_relative(self) -> np.ndarray:
        """(k,) alpha / alpha_max (≥ 1 means every coefficient is zero)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.alpha_max > 0, self.alpha / self.alpha_max, np.inf)

    def equation(self, i: int, top: int | None = None, digits: int = 2) -> str:
        """`word = 0.66·warm + 0.23·heavy + 0.11·hot` for query i (normalised coefficients)."""
        occ = self.occurrences[i]
        lhs = occ.token if occ is not None else f"query {i}"
        terms = self.terms[i][:top] if top else self.terms[i]
        if not terms:
            return f"{lhs} = 0"
        parts = []
        for j, t in enumerate(terms):
            sign = "−" if t.weight < 0 else "+"
            body = f"{abs(t.weight):.{digits}f}·{t.word}"
            parts.append(("− " if sign == "−" else "") + body if j == 0 else f" {sign} {body}")
        more = len(self.terms[i]) - len(terms)
        rest = f" + … ({more} more)" if more > 0 else ""
        return f"{lhs} = " + "".join(parts) + rest

    def to_json(self) -> list[dict[str, Any]]:
        """One dict per query: row, token, sentence, fit, and terms with word, coef (normalised), raw_coef."""
        out = []
        for i in range(len(self)):
            occ = self.occurrences[i]
            item: dict[str, Any] = {"row": int(self.rows[i])}
            if occ is not None:
                item.update(
                    token=occ.token, sentence_id=occ.sentence_id, sentence=occ.sentence, span=[occ.start, occ.end]
                )
            item.update(
                alpha=float(self.alpha[i]),
                alpha_max=float(self.alpha_max[i]),
                alpha_relative=float(self.alpha_relative[i]) if np.isfinite(self.alpha_relative[i]) else None,
                n_terms=int(self.n_terms[i]),
                cosine=float(self.cosine[i]),
                residual=float(self.residual[i]),
                objective=float(self.objective[i]),
                converged=bool(self.converged[i]),
                note=self.notes[i] if self.notes else "",
                equation=self.equation(i),
            )
            terms = []
            for t in self.terms[i]:
                d: dict[str, Any] = {"word": t.word, "coef": t.weight, "raw_coef": t.coef, "atom": t.atom}
                if self.atoms == "occurrences":
                    d["row"] = t.row
                    if t.occurrence is not None:
                        d.update(
                            sentence_id=t.occurrence.sentence_id,
                            sentence=t.occurrence.sentence,
                            span=[t.occurrence.start, t.occurrence.end],
                        )
                if self.atoms == "factors":
                    d["factor"] = t.atom
                terms.append(d)
            item["terms"] = terms
            out.append(item)
        return out


@dataclass
class AtomSet:
    """Atoms for a decomposition: the matrix (or stream), a word id per atom, the words, and store rows."""

    kind: str
    atoms: Any  # lasso.Atoms
    word_ids: np.ndarray  # (n_atoms,) index into `words`
    words: np.ndarray  # (n_words,) labels
    rows: np.ndarray | None = None  # (n_atoms,) store rows (occurrence atoms)

    @property
    def n_atoms(self) -> int:
        return int(self.atoms.n_atoms)


def build_atoms(
    store: Store,
    kind: str = "types",
    *,
    min_count: int = 1,
    factors: str = "default",
    device: Any = "cpu",
    memory_limit: int = MEMORY_LIMIT,
) -> AtomSet:
    """The atoms of `kind` for `store` (see module docstring); occurrence atoms above `memory_limit`
    bytes (float32) are streamed from the store's memory map instead of loaded."""
    if kind == "types":
        from ..lexicon import word_types

        wt = word_types(store, min_count)
        if not len(wt):
            raise CtxvecError(f"no word has at least {min_count} occurrences; lower --min-count")
        return AtomSet(
            kind, lasso.ArrayAtoms(wt.vectors, device), np.arange(len(wt)), np.asarray(wt.words, dtype=object)
        )
    if kind == "occurrences":
        if min_count > 1:
            keep = store.word_counts[store.word_ids] >= min_count
            rows = np.flatnonzero(keep)
        else:
            rows = np.arange(store.n_rows)
        if len(rows) * store.dim * 4 <= memory_limit:
            matrix = np.concatenate([b for _, b in store.iter_blocks()]) if store.n_rows else np.zeros((0, store.dim))
            atoms: Any = lasso.ArrayAtoms(matrix[rows] if min_count > 1 else matrix, device)
        else:
            atoms = lasso.StoreAtoms(store, rows if min_count > 1 else None, device)
        return AtomSet(kind, atoms, store.word_ids[rows], store.vocabulary, rows)
    if kind == "factors":
        from ._factors import load_factors

        f = load_factors(store, factors)
        return AtomSet(
            kind,
            lasso.ArrayAtoms(f.components, device),
            np.arange(f.n_factors),
            np.asarray([f"#{j}({lab})" for j, lab in enumerate(f.labels)], dtype=object),
        )
    raise CtxvecError(f"unknown atoms {kind!r}; choose one of {', '.join(ATOMS)}")


def _exclusion(
    atom_set: AtomSet, query_words: list[str | None], exclude_forms: bool, exclude: list[str], punctuation: bool
) -> lasso.Exclusion | None:
    """Per query, the atoms it may not use: its own word (+ forms), `exclude`, punctuation."""
    words = atom_set.words
    base = np.zeros(len(words), dtype=bool)
    if atom_set.kind != "factors":
        if not punctuation:
            base |= np.fromiter((not _WORDLIKE.search(str(w)) for w in words), dtype=bool, count=len(words))
        keys = {normalize_word(w) for w in exclude}
        base |= np.fromiter((str(w) in keys for w in words), dtype=bool, count=len(words))
    groups: dict[str, int] = {}
    word_masks: list[np.ndarray] = []
    group = np.zeros(len(query_words), dtype=np.int64)
    for i, q in enumerate(query_words):
        key = "" if q is None or atom_set.kind == "factors" else normalize_word(q)
        if key not in groups:
            m = base.copy()
            if key:
                m |= words == key
                if exclude_forms:
                    m |= other_forms(key, words)
            groups[key] = len(word_masks)
            word_masks.append(m)
        group[i] = groups[key]
    if not any(m.any() for m in word_masks):
        return None
    masks = np.stack([m[atom_set.word_ids] for m in word_masks])  # (g, n_atoms)
    return lasso.Exclusion(masks, group)


def decompose(
    store: Store,
    word: str | None = None,
    *,
    queries: Any = None,
    sentence: int | None = None,
    row: int | None = None,
    in_sentence: str | None = None,
    limit: int | None = None,
    atoms: str = "types",
    min_count: int = 1,
    factors: str = "default",
    alpha: float | None = None,
    alpha_abs: float | None = None,
    max_terms: int | None = None,
    signed: bool = False,
    solver: str = "fista",
    exclude_forms: bool = False,
    exclude: list[str] | tuple[str, ...] = (),
    punctuation: bool = False,
    tol: float | None = None,
    device: Any = "cpu",
    memory_limit: int = MEMORY_LIMIT,
) -> Decomposition:
    """Decompose query occurrences of `store` into sparse combinations of atoms.

    Queries: `queries` (a `ctxvec.queries.Queries`, or a (k, dim) array of vectors whose word is `word`),
    else chosen as `ctxvec.queries.select_queries(store, word, sentence=, row=, in_sentence=, limit=)`.
    Sparsity: `alpha` in (0, 1) relative to each query's alpha_max (default 0.2), or `alpha_abs` in
    scikit-learn's absolute scale (the blog's alpha=0.9), or `max_terms` K (at most K terms; the only
    option for solver "omp"). `signed` allows negative coefficients.
    """
    if atoms not in ATOMS:
        raise CtxvecError(f"unknown atoms {atoms!r}; choose one of {', '.join(ATOMS)}")
    if solver not in SOLVERS:
        raise CtxvecError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")
    if sum(x is not None for x in (alpha, alpha_abs, max_terms)) > 1:
        raise CtxvecError("give only one of --alpha, --alpha-abs and --max-terms")
    if alpha is not None and not alpha > 0:
        raise CtxvecError(f"--alpha must be > 0 (a fraction of alpha_max, e.g. 0.2), got {alpha}")
    if alpha_abs is not None and not alpha_abs > 0:
        raise CtxvecError(f"--alpha-abs must be > 0, got {alpha_abs}")
    if max_terms is not None and max_terms < 1:
        raise CtxvecError(f"--max-terms must be at least 1, got {max_terms}")
    if solver == "omp" and max_terms is None:
        if alpha is not None or alpha_abs is not None:
            raise CtxvecError("solver omp takes a number of terms, not an alpha: use --max-terms K")
        max_terms = 10
    if alpha is None and alpha_abs is None and max_terms is None:
        alpha = DEFAULT_ALPHA

    rows, vectors, occs, qwords = _queries(store, word, queries, sentence, row, in_sentence, limit)
    atom_set = build_atoms(store, atoms, min_count=min_count, factors=factors, device=device, memory_limit=memory_limit)
    excl = _exclusion(atom_set, qwords, exclude_forms, list(exclude), punctuation)
    positive = not signed
    k = len(vectors)
    amax = lasso.alpha_max(vectors, atom_set.atoms, positive, excl)
    notes = [""] * k
    if max_terms is not None:
        res = lasso.solve(
            vectors,
            atom_set.atoms,
            max_terms=max_terms,
            solver=solver,
            positive=positive,
            exclude=excl,
            tol=tol,
            device=device,
        )
    else:
        abs_alpha = amax * alpha if alpha is not None else np.full(k, float(alpha_abs))  # type: ignore[arg-type]
        res = lasso.solve(
            vectors, atom_set.atoms, abs_alpha, solver=solver, positive=positive, exclude=excl, tol=tol, device=device
        )
    res.alpha_max = amax
    for i in range(k):
        if amax[i] <= 0:
            notes[i] = (
                "no atom correlates positively with this vector, so every non-negative coefficient is "
                "zero; try --signed"
            )
        elif max_terms is None and res.alpha[i] >= amax[i]:
            given = (
                f"--alpha {alpha:g} ≥ 1"
                if alpha is not None
                else f"--alpha-abs {alpha_abs:g} ≥ alpha_max {amax[i]:.4g}"
            )
            notes[i] = (
                f"{given}: every coefficient is zero (alpha_max is the smallest alpha that zeroes them all); "
                f"use --alpha below 1 (a fraction of alpha_max, e.g. {DEFAULT_ALPHA}) or --max-terms K"
            )
        elif not res.converged[i]:
            notes[i] = f"solver stopped before reaching the tolerance (duality gap {res.gap[i]:.2e})"
    return _assemble(store, atom_set, solver, signed, rows, vectors, occs, res, notes)


def _queries(
    store: Store,
    word: str | None,
    queries: Any,
    sentence: int | None,
    row: int | None,
    in_sentence: str | None,
    limit: int | None,
) -> tuple[np.ndarray, np.ndarray, list[Occurrence | None], list[str | None]]:
    """rows (k,), vectors (k, dim) float64, occurrences, and the word each query excludes."""
    if queries is None:
        from ..queries import select_queries

        queries = select_queries(store, word, sentence=sentence, row=row, in_sentence=in_sentence, limit=limit)
    if isinstance(queries, np.ndarray) or (hasattr(queries, "__array__") and not hasattr(queries, "rows")):
        vec = np.atleast_2d(np.asarray(queries, dtype=np.float64))
        if vec.shape[1] != store.dim:
            raise CtxvecError(f"query vectors have dim {vec.shape[1]}, the store has {store.dim}")
        return np.full(len(vec), -1, dtype=np.int64), vec, [None] * len(vec), [word] * len(vec)
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
    res: lasso.LassoResult,
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
