"""What `decompose` returns: per query occurrence, its terms (atom, raw and normalised coefficient) and
how well they reconstruct it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..results import JSON, Result, jsonable
from ..store import Occurrence
from ._atomset import Excluded


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
class Decomposition(Result):
    """Decompositions of k query occurrences.

    rows (k,) query rows (-1: a word in a new sentence); occurrences: the k query occurrences (or None
    when vectors were given); terms: per query, its `Term`s sorted by |coefficient| (largest first);
    alpha (k,) absolute (scikit-learn scale), alpha_max (k,), n_terms (k,), cosine (k,) between query and
    reconstruction, residual (k,) ‖y − Aᵀw‖/‖y‖, objective (k,), converged (k,); notes: per query a line
    when there is something to say (e.g. every coefficient is zero), else ''; normalized: queries and atoms
    were scaled to unit norm (raw coefficients are then in units of unit vectors); excluded: per query,
    what its atoms left out (`left_out(i)` says it in one line).
    """

    frame_path = ("queries", "terms")  # rows of to_frame(), items of result[i]

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
    normalized: bool = False  # queries and atoms scaled to unit norm before the LASSO
    excluded: list[Excluded] = field(default_factory=list)  # per query: what its atoms left out
    contextual: bool = False  # the queries were their contextual part (vector minus the word type's mean)
    keep_family: bool = False  # the query's family was allowed as atoms
    keep_lookalikes: bool = False  # the query's spelling look-alikes were allowed as atoms
    excluded_classes: list[str] = field(default_factory=list)  # e.g. ["punctuation", "stop words"]: never atoms

    def left_out(self, i: int) -> str:
        """One line saying what query i's atoms left out ('' when nothing was)."""
        if not self.excluded:
            return ""
        e = self.excluded[i]
        parts = []
        if e.words:
            shown = ", ".join(e.words[:12]) + (f" … ({len(e.words) - 12} more)" if len(e.words) > 12 else "")
            parts.append(f"words: {shown}")
        if e.sentence_rows:
            parts.append(f"{e.sentence_rows} tokens of its own sentence")
        if e.lookalikes:
            shown = ", ".join(e.lookalikes[:12]) + (
                f" … ({len(e.lookalikes) - 12} more)" if len(e.lookalikes) > 12 else ""
            )
            parts.append(f"as spelling look-alikes: {shown}")
        return "left out " + "; ".join(parts) if parts else ""

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def alpha_relative(self) -> np.ndarray:
        """(k,) alpha / alpha_max (≥ 1 means every coefficient is zero)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            relative: np.ndarray = np.where(self.alpha_max > 0, self.alpha / self.alpha_max, np.inf)
        return relative

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

    def to_dict(self) -> JSON:
        """atoms, n_atoms, solver, signed, normalized, and per query (``queries``): row, token, sentence, fit,
        and its terms with word, coef (normalised), raw_coef, atom (plus row and sentence for occurrence atoms)."""
        return {
            "atoms": self.atoms,
            "n_atoms": self.n_atoms,
            "solver": self.solver,
            "signed": self.signed,
            "normalized": self.normalized,
            "contextual": self.contextual,
            "keep_family": self.keep_family,
            "keep_lookalikes": self.keep_lookalikes,
            "excluded_classes": self.excluded_classes,
            "queries": [self._query_dict(i) for i in range(len(self))],
        }

    def _query_dict(self, i: int) -> JSON:
        occ = self.occurrences[i]
        item: JSON = {"row": int(self.rows[i])}
        if occ is not None:
            item.update(token=occ.token, sentence_id=occ.sentence_id, sentence=occ.sentence, span=[occ.start, occ.end])
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
        if self.excluded:
            item["excluded_words"] = list(self.excluded[i].words)
            item["excluded_sentence_rows"] = self.excluded[i].sentence_rows
            item["excluded_lookalikes"] = list(self.excluded[i].lookalikes)
        terms = []
        for t in self.terms[i]:
            d: JSON = {"word": t.word, "coef": t.weight, "raw_coef": t.coef, "atom": t.atom}
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
        plain: JSON = jsonable(item)
        return plain
