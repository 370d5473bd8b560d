"""The two sides of a comparison: two stores, or two slices of one store; a word's occurrences on a side."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..store import Store, normalize_word


@dataclass(eq=False)
class Side:
    """The occurrences of one side: rows of `store` where `mask` (n_rows,) bool is true (None: all);
    `name` says what it is (a store path or a filter)."""

    store: Store
    mask: np.ndarray | None
    name: str

    @cached_property
    def lemmas(self):  # type: ignore[no-untyped-def]  # StoreLemmas (lexicon is imported lazily)
        from ..lexicon import store_lemmas

        return store_lemmas(self.store)

    def keep(self, rows: np.ndarray) -> np.ndarray:
        """The rows of `rows` (k,) inside this side."""
        rows = np.asarray(rows, dtype=np.int64)
        return rows if self.mask is None else rows[self.mask[rows]]

    def word_rows(self, word: str, forms: bool) -> tuple[np.ndarray, list[str]]:
        """(rows (k,), the words counted): with `forms`, the occurrences of `word` itself; else those of
        every vocabulary word with the lemma of `word`."""
        key = normalize_word(word)
        if forms:
            if self.store.find_word(key) < 0:
                return np.zeros(0, dtype=np.int64), []
            return self.keep(self.store.occurrences(key)), [key]
        lem = self.lemmas
        lemma = lem.lemma(key)
        ids = np.flatnonzero(lem.lemmas.astype(str) == lemma)
        if len(ids) == 0:
            return np.zeros(0, dtype=np.int64), []
        rows = np.sort(np.concatenate([self.store.occurrences(str(lem.words[i])) for i in ids]))
        return self.keep(rows), [str(lem.words[i]) for i in ids]

    def unit_keys(self, forms: bool) -> tuple[np.ndarray, np.ndarray]:
        """The units words are compared by: (names (n_units,) str, unit id of every store row (n_rows,)):
        lemmas, or with `forms` the vocabulary words."""
        if forms:
            return self.store.vocabulary.astype(str), self.store.word_ids
        lem = self.lemmas
        return lem.lemma_names.astype(str), lem.row_lemma_ids

    @cached_property
    def sentence_docs(self) -> np.ndarray:
        """(n_sentences,) int64 document id of each sentence of the store."""
        return np.asarray(self.store.sentences.column("doc_id").to_numpy(), dtype=np.int64)

    def blocks(self, rows: np.ndarray, block: str) -> np.ndarray:
        """(k,) int64 block id of each of `rows`: its sentence, its document, or (``occurrence``) itself."""
        if block == "occurrence":
            return np.asarray(rows, dtype=np.int64)
        sids = self.store.sentence_ids[rows]
        return np.asarray(sids if block == "sentence" else self.sentence_docs[sids], dtype=np.int64)

    @cached_property
    def side_rows(self) -> np.ndarray:
        """(k,) every row of this side."""
        return np.arange(self.store.n_rows, dtype=np.int64) if self.mask is None else np.flatnonzero(self.mask)


BLOCKS = ("sentence", "document", "occurrence")


def pooled_blocks(a: Side, b: Side, rows_a: np.ndarray, rows_b: np.ndarray, block: str) -> np.ndarray:
    """(k_a + k_b,) block ids of both sides' rows, distinct across sides (B's shifted past A's when the
    sides are two stores)."""
    if block not in BLOCKS:
        raise ParameterError("block", f"{{name}} {block!r} is unknown; use one of {', '.join(BLOCKS)}")
    ga, gb = a.blocks(rows_a, block), b.blocks(rows_b, block)
    if a.store is not b.store or (a.mask is None and b.mask is None):  # two stores (or one store twice)
        gb = gb + (int(ga.max()) + 1 if len(ga) else 0)
    shared = np.intersect1d(ga, gb)
    if len(shared):
        raise ParameterError(
            "block",
            f"{{name}} {block!r}: {len(shared):,} {block}(s) lie on both sides; slice by whole {block}s "
            "or use a smaller block",
        )
    return np.r_[ga, gb]


def check_same_space(a: Store, b: Store) -> None:
    """Refuse (one line) two stores whose vectors are not comparable: another model, weights, encoding
    spec, dimension or in-place transform."""
    ma, mb = a.manifest, b.manifest
    problems = []
    model_a, model_b = ma.get("model") or {}, mb.get("model") or {}
    if model_a.get("weights_sha256") != model_b.get("weights_sha256") or model_a.get("name") != model_b.get("name"):
        problems.append(f"model {model_a.get('name')!r} vs {model_b.get('name')!r}")
    enc_a, enc_b = ma.get("encode") or {}, mb.get("encode") or {}
    diff = sorted(k for k in set(enc_a) | set(enc_b) if k != "model" and enc_a.get(k) != enc_b.get(k))
    if diff:
        problems.append("encoding " + ", ".join(f"{k} {enc_a.get(k)!r} vs {enc_b.get(k)!r}" for k in diff))
    if a.dim != b.dim:
        problems.append(f"dim {a.dim} vs {b.dim}")
    if a.transform_id != b.transform_id:
        problems.append(f"in-place transform {a.transform_id} vs {b.transform_id}")
    if problems:
        raise CtxvecError(
            f"{a.path} and {b.path} are not in one vector space ({'; '.join(problems)}); "
            "embed both corpora with the same model and options"
        )


def store_sides(a: Store, b: Store) -> tuple[Side, Side]:
    """Two whole stores as sides (checked to share one vector space)."""
    check_same_space(a, b)
    return Side(a, None, str(a.path)), Side(b, None, str(b.path))


def slice_sides(store: Store, where: str, vs: str) -> tuple[Side, Side]:
    """Two disjoint slices of one store (`where` and `vs` filters on its metadata) as sides."""
    from ..slices import Where, sentence_mask, slice_rows

    wa, wb = Where.parse(where, "where"), Where.parse(vs, "vs")
    sa, sb = sentence_mask(store, wa), sentence_mask(store, wb)
    both = int((sa & sb).sum())
    if both:
        raise ParameterError(
            "vs", f"the slices {wa.text!r} and {{name}} {wb.text!r} share {both:,} sentence(s); make them disjoint"
        )
    slice_rows(store, wa)  # a slice that keeps nothing: one line naming it
    slice_rows(store, wb)
    sid = store.sentence_ids
    return Side(store, sa[sid], wa.text), Side(store, sb[sid], wb.text)
