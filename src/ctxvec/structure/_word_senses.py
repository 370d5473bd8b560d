"""A word's senses in a store: clusters of its occurrences (`split_senses`), corrected with the WordNet
evidence (`refine_senses`), each described (size, central sentences, nearest words, keywords) and
labelled from all the evidence (`label_items`); with `in_sentence`, the sense a new usage belongs to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import ParameterError
from ..sampling import sample_rows, unit_rows
from ..store import Store, normalize_word
from ._sense_labels import SynsetVectors
from ._senses import DEFAULT_RULE, Sense, SenseRule, Senses, SenseSplit, split_senses

if TYPE_CHECKING:
    from ._sense_expressions import Expression
    from ._sense_placement import Unplaced
    from ._sense_refine import SenseLabeller

KEYWORD_POOL = 40


def own_lemmas(word: str) -> frozenset[str]:
    """The word and the lemmas it may be a form of (left out of context words and signatures)."""
    from ..lexicon import lemma_analyses

    return frozenset({word, *lemma_analyses(word)})


def _central(
    unit: np.ndarray, rows: np.ndarray, texts: list[str], centroid: np.ndarray, m: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the `m` occurrences nearest `centroid`, one per distinct sentence text, with their cosines."""
    scores = unit @ (centroid / max(np.linalg.norm(centroid), 1e-12))
    keep: list[int] = []
    seen: set[str] = set()
    for i in np.argsort(-scores, kind="stable"):
        if texts[i] not in seen:
            seen.add(texts[i])
            keep.append(int(i))
            if len(keep) == m:
                break
    return rows[keep], scores[keep]


def word_senses(
    store: Store,
    word: str,
    k: int | None = None,
    *,
    rule: SenseRule = DEFAULT_RULE,
    n_sentences: int = 3,
    n_words: int = 8,
    min_count: int = 3,
    max_occurrences: int | None = 2000,
    seed: int = 0,
    rows: list[int] | tuple[int, ...] | None = None,
    wordnet: bool = True,
    device: str = "auto",
    in_sentence: str | None = None,
    where: str | None = None,
) -> Senses:
    """Cluster the occurrences of `word` in `store` into senses (`k=None`: chosen by `rule`, see `split_senses`).

    With `wordnet` and k chosen, the clusters are corrected with the WordNet evidence (`refine_senses`:
    part of speech, minority synsets, merges of one synset). Each sense lists its `n_sentences` most
    central sentences and the `n_words` word types (with at least `min_count` occurrences) nearest its
    centroid: forms of the word itself are left out and the forms of one other word are collapsed into one
    entry (`sense_neighbours`); up to 3 `keywords` (see `sense_keywords`); its share and whether it is small
    (below `rule.small_share`); with `wordnet`, the WordNet 3.0 synset of `label_items` (all the evidence:
    contextual-part embedding match, SemCor prior, Lesk overlap, part of speech; "no confident match" below
    the calibrated probability), and `minorities` lists the synsets that match a few occurrences much
    better than their sense's label (`minority_synsets`).
    At most `max_occurrences` occurrences are clustered (a seeded sample).
    `rows`: occurrences of `word` (store rows) whose sense to tell (`Senses.sense_of`, `row_senses`).
    `in_sentence`: a new sentence holding the word: `Senses.query` tells which sense this usage belongs
    to, or that it is none of the corpus's senses (`query_sense`).
    `where`: cluster only the occurrences in that slice of the document metadata (`ctxvec.slices`).
    """
    from ..lexicon import word_types
    from ..morphology import family_words
    from ._sense_context import store_contexts
    from ._sense_expressions import store_expressions, word_expressions
    from ._sense_labels import minority_synsets, wordnet_synset_vectors
    from ._sense_refine import SenseLabeller, refine_senses
    from ._sense_words import sense_neighbours

    all_rows = store.occurrences(word)
    if where is not None:
        from ..slices import slice_rows

        all_rows = slice_rows(store, where, all_rows)
    asked = _asked_rows(store, word, all_rows, rows)
    query = None
    if in_sentence is not None:
        from ..queries import select_queries

        query = select_queries(store, word, in_sentence=in_sentence, limit=1, device=device)
    picked = sample_rows(all_rows, max_occurrences, seed)
    unit = unit_rows(store.get_vectors(picked))
    groups = store.sentence_ids[picked]
    split = split_senses(unit, k, rule=rule, seed=seed, groups=groups)
    key = normalize_word(word)
    own = own_lemmas(key)
    labels = split.labels
    found: SynsetVectors | None = None
    note = ""
    refined: list[str] = []
    labeller = None
    reasons: np.ndarray | None = None
    mean = unit.mean(axis=0)
    if wordnet:
        found, note = wordnet_synset_vectors(store, key, device=device)
    family = family_words(store, key)  # the word's inflections and derivations say nothing about a sense
    types = word_types(store, min_count=min_count)
    type_words, type_unit = types.words, unit_rows(types.vectors).astype(np.float32)
    if found is not None:
        tags, bags = store_contexts(store, picked, own)

        seen: dict[bytes, list[str]] = {}  # a sense's members -> its nearest lemmas (senses recur across steps)

        def nearest(labels: np.ndarray) -> list[list[str]]:
            from ._sense_evidence import content_lemmas

            out = []
            for s in range(int(labels.max()) + 1):
                members = np.flatnonzero(labels == s)
                if members.tobytes() not in seen:
                    c = unit[members].mean(axis=0)
                    sims = type_unit @ (c / max(np.linalg.norm(c), 1e-12)).astype(np.float32)
                    order = np.argsort(-sims, kind="stable")[: 4 * max(n_words, KEYWORD_POOL)]
                    near = sense_neighbours(key, [str(w) for w in type_words[order]], sims[order], family)
                    seen[members.tobytes()] = sorted(content_lemmas(near.words[:n_words], own))
                out.append(seen[members.tobytes()])
            return out

        expressions = store_expressions(store, picked, word_expressions(own, _offsets(found)))
        labeller = SenseLabeller(unit, mean, tags, bags, found, own, nearest, expressions)
        if k is None and len(picked) >= 2:
            labels, changes = refine_senses(labels, unit, mean, tags, bags, groups, found, own, rule, labeller)
            labels, reasons = _place(store, picked, labels, labeller, found, tags, expressions)
            refined = [c.describe(labels) for c in changes]
    n_senses = int(labels.max()) + 1
    if n_senses != split.k or not np.array_equal(labels, split.labels):
        split = SenseSplit(
            labels, n_senses, split.ks, split.silhouettes, split.null_silhouette, split.valley, split.reason
        )
    texts = [store.sentence(int(sid)) for sid in groups]
    senses = []
    pools = []
    excluded: set[str] = set()
    for label in range(split.k):
        members = np.flatnonzero(labels == label)
        centroid = unit[members].mean(axis=0)
        c_rows, c_scores = _central(unit[members], picked[members], [texts[i] for i in members], centroid, n_sentences)
        sims = type_unit @ (centroid / max(np.linalg.norm(centroid), 1e-12)).astype(np.float32)
        order = np.argsort(-sims, kind="stable")[: 4 * max(n_words, KEYWORD_POOL)]
        near = sense_neighbours(key, [str(w) for w in type_words[order]], sims[order], family)
        excluded |= set(near.excluded)
        pools.append(near.words[:KEYWORD_POOL])
        share = len(members) / len(picked)
        senses.append(
            Sense(
                label=label,
                size=len(members),
                rows=picked[members],
                centroid=centroid.astype(np.float32),
                central=[store.occurrence(int(r)) for r in c_rows],
                central_scores=c_scores.astype(np.float32),
                nearest_words=near.words[:n_words],
                nearest_scores=near.scores[:n_words],
                nearest_forms=near.forms[:n_words],
                share=share,
                small=split.k > 1 and share < rule.small_share,
            )
        )
    for sense, words in zip(senses, sense_keywords(key, pools), strict=True):
        sense.keywords = words
    result = Senses(key, picked, labels, split, senses, len(all_rows), rule=rule, refined=refined)
    if reasons is not None:
        result.unplaced = _unplaced_groups(store, picked, reasons, texts)
    result.excluded_forms = sorted(excluded)
    result.wordnet_note = note
    if found is not None and labeller is not None:
        sense_labels = labeller(labels)  # with each sense's nearest words (`nearest`)
        for sense, synset_label in zip(senses, sense_labels, strict=True):
            sense.wordnet = synset_label
        placed = labels >= 0
        probs = labeller.occurrence_probabilities
        result.minorities = minority_synsets(
            unit[placed],
            labels[placed],
            sense_labels,
            found,
            picked[placed],
            evidence=None if probs is None else probs[placed],
        )
        at = {int(r): i for i, r in enumerate(picked)}
        for m in result.minorities:
            m.occurrences = [store.occurrence(r) for r in _one_per_text(m.rows, [texts[at[r]] for r in m.rows])]
    if asked:
        centroids = unit_rows(np.stack([s.centroid for s in senses]))
        for r in asked:
            hit = np.flatnonzero(picked == r)
            if len(hit):
                result.row_senses[r] = int(labels[hit[0]])
            else:
                near_c = centroids @ unit_rows(store.get_vectors([r]))[0]
                result.row_senses[r] = int(np.argmax(near_c))
    if query is not None:
        from ._sense_query import query_sense

        result.query = query_sense(store, result, unit, query.vectors[0], query.occurrences[0], found, own)
    return result


def _place(
    store: Store,
    picked: np.ndarray,
    labels: np.ndarray,
    labeller: SenseLabeller,
    found: SynsetVectors,
    tags: list[str],
    expressions: list[Expression | None],
) -> tuple[np.ndarray, np.ndarray]:
    """(labels with -1 for the occurrences not placed, renumbered 0 = largest; the reason of each (n,),
    -1 where placed): `unplace` on the refined senses; the labeller's doubtful senses follow the renumbering."""
    from ._sense_placement import store_names, unplace
    from ._senses import _by_size

    reasons = unplace(
        labels,
        labeller(labels),
        found,
        tags,
        store_names(store, picked),
        expressions,
        labeller.occurrence_probabilities,
    )
    placed = reasons < 0
    if placed.all() or not placed.any():
        return labels, np.full(len(labels), -1, dtype=np.int64)
    out = np.full(len(labels), -1, dtype=np.int64)
    out[placed] = _by_size(np.unique(labels[placed], return_inverse=True)[1])
    moved = {int(a): int(b) for a, b in zip(labels[placed], out[placed], strict=True)}
    labeller.doubtful = {moved[d] for d in labeller.doubtful if d in moved}
    return out, reasons


def _unplaced_groups(store: Store, picked: np.ndarray, reasons: np.ndarray, texts: list[str]) -> list[Unplaced]:
    """One `Unplaced` per reason that set occurrences apart, with up to 3 example occurrences."""
    from ._sense_placement import REASONS, Unplaced

    out = []
    for code, reason in enumerate(REASONS):
        idx = np.flatnonzero(reasons == code)
        if len(idx):
            rows = [int(picked[i]) for i in idx]
            group = Unplaced(reason, rows)
            group.occurrences = [store.occurrence(r) for r in _one_per_text(rows, [texts[i] for i in idx])]
            out.append(group)
    return out


def _offsets(found: SynsetVectors) -> frozenset[tuple[str, int]]:
    """(part of speech, offset) of the synsets in `found`, as the ``index.<pos>`` files key them."""
    return frozenset((ss.word_class, ss.offset) for ss in found.synsets)


def _one_per_text(rows: list[int], texts: list[str], m: int = 3) -> list[int]:
    """The first `m` of `rows` with distinct `texts`."""
    seen: dict[str, int] = {}
    for r, t in zip(rows, texts, strict=True):
        seen.setdefault(t, r)
    return list(seen.values())[:m]


def _asked_rows(
    store: Store, word: str, occurrences: np.ndarray, rows: list[int] | tuple[int, ...] | None
) -> list[int]:
    """`rows` checked: each an occurrence of `word` (one message naming the row and the fix otherwise)."""
    asked = list(dict.fromkeys(int(r) for r in rows or ()))
    known = set(occurrences.tolist()) if asked else set()
    for r in asked:
        if r not in known:
            if not 0 <= r < store.n_rows:
                raise ParameterError("rows", f"{{name}} {r} is out of range; use 0..{store.n_rows - 1}")
            token = store.occurrence(r).token
            raise ParameterError(
                "rows", f"{{name}} {r} is {token!r}, not an occurrence of {word!r}; ask for the senses of {token!r}"
            )
    return asked


def sense_keywords(word: str, pools: list[list[str]], n: int = 3) -> list[list[str]]:
    """Short labels for senses: from each sense's nearest words (`pools`, best first), the first `n`
    that are alphabetic, do not share the word's first four letters (its inflections) and are in no
    other sense's pool."""
    stem = word[:4]
    out = []
    for i, pool in enumerate(pools):
        others = {w for j, p in enumerate(pools) if j != i for w in p}
        good = [w for w in pool if w.isalpha() and not w.startswith(stem) and w not in others]
        out.append(good[:n])
    return out
