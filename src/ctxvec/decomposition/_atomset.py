"""The atoms of a decomposition (word types, every occurrence, or learned factors), with a label per
atom, and the atoms each query may not use (its own word and family, chosen words, punctuation, and
for occurrence atoms the query's own sentence)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..lasso import ArrayAtoms, Atoms, Exclusion, SourceAtoms
from ..store import Store, normalize_word
from ._forms import family_mask
from ._names import ATOMS

MEMORY_LIMIT = 2 << 30  # occurrence atoms above this many bytes (float32) are streamed from the store
_WORDLIKE = re.compile(r"\w")


@dataclass
class AtomSet:
    """Atoms for a decomposition: the matrix (or stream), a word id per atom, the words, and store rows."""

    kind: str
    atoms: Atoms
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
    device: str = "cpu",
    memory_limit: int = MEMORY_LIMIT,
    unit: bool = False,
) -> AtomSet:
    """The atoms of `kind` (one of `ATOMS`) for `store`, on torch `device`, each scaled to unit norm when
    `unit` (factors are unit already); occurrence atoms above `memory_limit` bytes (float32) are streamed
    from the store's memory map instead of loaded."""
    if kind == "types":
        from ..lexicon import word_types

        wt = word_types(store, min_count)
        if not len(wt):
            raise ParameterError("min_count", f"no word has at least {min_count} occurrences; lower {{name}}")
        return AtomSet(
            kind, ArrayAtoms(wt.vectors, device, unit=unit), np.arange(len(wt)), np.asarray(wt.words, dtype=object)
        )
    if kind == "occurrences":
        if min_count > 1:
            keep = store.word_counts[store.word_ids] >= min_count
            rows = np.flatnonzero(keep)
        else:
            rows = np.arange(store.n_rows)
        if not len(rows):
            raise ParameterError("min_count", f"no word has at least {min_count} occurrences; lower {{name}}")
        atoms: Atoms
        if len(rows) * store.dim * 4 <= memory_limit:
            matrix = np.concatenate([b for _, b in store.iter_blocks()]) if store.n_rows else np.zeros((0, store.dim))
            atoms = ArrayAtoms(matrix[rows] if min_count > 1 else matrix, device, unit=unit)
        else:
            atoms = SourceAtoms(store, rows if min_count > 1 else None, device, unit=unit)
        return AtomSet(kind, atoms, store.word_ids[rows], store.vocabulary, rows)
    if kind == "factors":
        from ._factors import load_factors

        f = load_factors(store, factors)
        return AtomSet(
            kind,
            ArrayAtoms(f.components, device),
            np.arange(f.n_factors),
            np.asarray([f"#{j}({lab})" for j, lab in enumerate(f.labels)], dtype=object),
        )
    raise ParameterError("atoms", f"unknown {{name}} {kind!r}; choose one of {', '.join(ATOMS)}")


@dataclass
class Excluded:
    """What a query's atoms left out: the family words (and `exclude` words) present among the atoms,
    and for occurrence atoms how many rows of the query's own sentence."""

    words: list[str]
    sentence_rows: int = 0
    lookalikes: list[str] = field(default_factory=list)  # spelling look-alikes left out (not family)


def query_exclusion(
    store: Store,
    atom_set: AtomSet,
    query_words: list[str | None],
    exclude_family: bool,
    exclude: list[str],
    punctuation: bool,
    query_sentences: list[int] | None = None,
    stop_words: bool = True,
    exclude_lookalikes: bool = False,
) -> tuple[Exclusion | None, list[Excluded]]:
    """Per query, the atoms it may not use: its own word (+ family), `exclude`, punctuation, and for
    occurrence atoms the rows of its own sentence (`query_sentences`, -1: none) and (unless `stop_words`)
    stop words, and (with `exclude_lookalikes`) its spelling look-alikes (`ctxvec.morphology.Lookalikes`),
    and what was left out.

    Raises `CtxvecError` when nothing is left for a query."""
    words = atom_set.words
    base = np.zeros(len(words), dtype=bool)
    chosen = np.zeros(len(words), dtype=bool)
    if atom_set.kind != "factors":
        if not punctuation:
            base |= np.fromiter((not _WORDLIKE.search(str(w)) for w in words), dtype=bool, count=len(words))
        if not stop_words and atom_set.kind == "occurrences":
            from ..morphology import STOP_WORDS

            base |= np.fromiter((str(w) in STOP_WORDS for w in words), dtype=bool, count=len(words))
        keys = {normalize_word(w) for w in exclude}
        chosen = np.fromiter((str(w) in keys for w in words), dtype=bool, count=len(words))
        base |= chosen
    families = None
    if exclude_family and atom_set.kind != "factors":
        from ..morphology import store_families

        families = store_families(store)
    lookalikes = None
    if exclude_lookalikes and atom_set.kind != "factors":
        from ..morphology import store_lookalikes

        lookalikes = store_lookalikes(store)
    present = np.zeros(len(words), dtype=bool)
    present[np.unique(atom_set.word_ids)] = True
    sentences = query_sentences if query_sentences is not None else [-1] * len(query_words)
    groups: dict[tuple[str, int], int] = {}
    masks: list[np.ndarray] = []
    excluded: list[Excluded] = []
    group = np.zeros(len(query_words), dtype=np.int64)
    for i, q in enumerate(query_words):
        key = "" if q is None or atom_set.kind == "factors" else normalize_word(q)
        sid = sentences[i] if atom_set.kind == "occurrences" else -1
        if (key, sid) not in groups:
            m = base.copy()
            if key:
                m |= words == key
                if families is not None:
                    m |= family_mask(families, key, words)
            names = sorted(str(w) for w in words[(m & ~base | chosen) & present])
            looks: list[str] = []
            if key and lookalikes is not None:
                look = lookalikes.mask(words, [key]) & ~m
                looks = sorted(str(w) for w in words[look & present])
                m |= look
            atom_mask = m[atom_set.word_ids]
            n_sentence = 0
            if sid >= 0 and atom_set.rows is not None:
                own = store.sentence_ids[atom_set.rows] == sid
                n_sentence = int((own & ~atom_mask).sum())
                atom_mask = atom_mask | own
            if atom_mask.all():
                what = f"the family and look-alikes of {q!r}" if key else "the exclusions"
                raise CtxvecError(
                    f"no atom is left for {q!r} once {what} and the chosen exclusions are left out; "
                    "keep the family (keep_family=True) or look-alikes (keep_lookalikes=True), exclude fewer "
                    "words, or lower min_count"
                )
            groups[(key, sid)] = len(masks)
            masks.append(atom_mask)
            excluded.append(Excluded(names, n_sentence, looks))
        group[i] = groups[(key, sid)]
    out = [excluded[g] for g in group]
    if not any(m.any() for m in masks):
        return None, out
    return Exclusion(np.stack(masks), group), out
