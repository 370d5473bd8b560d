"""Senses that match meanings: the clusters of `split_senses` corrected with the WordNet evidence.

Clusters follow the geometry of the contexts, which splits one meaning by topic (biological cells in
zoology and in chemistry articles) and merges meanings that share a topic (the verb "state" inside the
noun's cluster). Three corrections, in order, each keeping every sense at least the rule's minimum size
(`MIN_SPLIT_SHARE` of the occurrences and `min_size` distinct sentences):

1. part of speech: occurrences of a sense whose part of speech (`guess_pos`) is not the sense's majority
   one, and for which WordNet has synsets, become a sense of their own when there are enough of them;
2. minority synsets: occurrences confidently labelled (`label_items` per occurrence, probability at least
   `OCCURRENCE_PROBABILITY`) with a synset other than their sense's label become a sense of their own
   when there are enough of them;
3. merge: senses whose confident labels are the same synset are merged when no deep density valley
   separates them (`valley_ratio` at least `MERGE_VALLEY` on a PCA of their centered vectors) or when
   their centroids point the same way (cosine of the mean unit vectors at least `MERGE_COSINE`): a topic
   split of one meaning (biological cells in zoology and in chemistry, banks in two countries' economies)
   has a shallow valley or near centroids, while small dense clusters have deep valleys whatever they mean.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._sense_evidence import POS_ORDER, Items
from ._sense_labels import SenseLabel, SynsetVectors, label_items
from ._senses import SenseRule, _by_size, _reduce, centered, valley_ratio

OCCURRENCE_PROBABILITY = 0.6
#: A part-of-speech or synset split needs this share of the occurrences (or the rule's `min_share`, if
#: smaller) and `min_size` distinct sentences: the evidence names the meaning, so less than a cluster needs.
MIN_SPLIT_SHARE = 0.02
#: Verb uses split from a noun or adjective sense with `min_size` distinct sentences, whatever their share:
#: a verb use is another meaning however rare (the verb "state" among 600 nouns).
VERB_SPLIT_SHARE = 0.0
#: Two senses with one confident synset stay apart only across a valley this deep (`valley_ratio`).
MERGE_VALLEY = 0.1
#: ... or when their centroids (mean unit vectors) have at least this cosine. Chosen on the calibration
#: half of benchmarks/data/senses_judged.tsv (wiki store, default model): the Cold War against cold
#: weather measured 0.76, water currents against a mix of ocean and electric currents 0.885 (merging made
#: it impure), one meaning split by topic 0.86-0.95.
MERGE_COSINE = 0.89


def occurrence_items(unit: np.ndarray, mean: np.ndarray, tags: list[str], bags: list[set[str]]) -> Items:
    """`Items` for single occurrences: contextual parts (n, dim), context lemmas, one-hot parts of speech."""
    shares = np.zeros((len(tags), 4))
    for i, t in enumerate(tags):
        if t:
            shares[i, POS_ORDER.index(t)] = 1.0
    decided = np.array([1.0 if t else 0.0 for t in tags])
    return Items(
        np.asarray(unit - mean[None, :], dtype=np.float64), [dict.fromkeys(b, 1.0) for b in bags], shares, decided
    )


def _big_enough(
    members: np.ndarray, n: int, groups: np.ndarray, rule: SenseRule, share: float = MIN_SPLIT_SHARE
) -> bool:
    smallest = max(rule.min_size, math.ceil(min(rule.min_share, share) * n))
    return len(members) >= smallest and len(np.unique(groups[members])) >= rule.min_size


def split_by_pos(
    labels: np.ndarray, tags: list[str], groups: np.ndarray, classes: set[str], rule: SenseRule
) -> tuple[np.ndarray, list[str]]:
    """Step 1 of the module doc: (new labels (n,), what was done)."""
    labels = labels.copy()
    done = []
    arr = np.array(tags)
    for sense in range(int(labels.max()) + 1):
        members = np.flatnonzero(labels == sense)
        decided = [t for t in arr[members] if t]
        if not decided:
            continue
        major = max(set(decided), key=decided.count)
        for pos in sorted(classes - {major}):
            part = members[arr[members] == pos]
            share = VERB_SPLIT_SHARE if pos == "v" else MIN_SPLIT_SHARE
            if _big_enough(part, len(labels), groups, rule, share) and len(part) <= len(members) / 2:
                labels[part] = int(labels.max()) + 1
                done.append(f"{len(part)} {_POS_NAMES[pos]} uses split from sense {sense + 1}")
    return labels, done


_POS_NAMES = {"n": "noun", "v": "verb", "a": "adjective", "r": "adverb"}


def split_by_synset(
    labels: np.ndarray,
    sense_labels: list[SenseLabel],
    occ_labels: list[SenseLabel],
    groups: np.ndarray,
    rule: SenseRule,
) -> tuple[np.ndarray, list[str]]:
    """Step 2 of the module doc: occurrences confidently of another synset than their sense's label."""
    labels = labels.copy()
    done = []
    k = int(labels.max()) + 1
    own = np.array([sense_labels[s].synset for s in labels])
    theirs = np.array([o.synset if o.score >= OCCURRENCE_PROBABILITY else "" for o in occ_labels])
    for sense in range(k):
        members = np.flatnonzero(labels == sense)
        for synset in sorted(set(theirs[members]) - {"", own[members[0]]}):
            part = members[theirs[members] == synset]
            if _big_enough(part, len(labels), groups, rule) and len(part) <= len(members) / 2:
                labels[part] = int(labels.max()) + 1
                done.append(f"{len(part)} uses of {synset} split from sense {sense + 1}")
    return labels, done


def centroid_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of the mean vectors of two sets of unit vectors (n_a, dim) and (n_b, dim)."""
    ca, cb = a.mean(axis=0), b.mean(axis=0)
    return float(ca @ cb / max(float(np.linalg.norm(ca) * np.linalg.norm(cb)), 1e-12))


def merge_same_synset(
    labels: np.ndarray, sense_labels: list[SenseLabel], unit: np.ndarray, rule: SenseRule
) -> tuple[np.ndarray, list[str]]:
    """Step 3 of the module doc: senses with one confident synset, near centroids or no density valley."""
    k = int(labels.max()) + 1
    parent = list(range(k))

    def root(a: int) -> int:
        while parent[a] != a:
            a = parent[a]
        return a

    done = []
    for a in range(k):
        for b in range(a + 1, k):
            la, lb = sense_labels[a], sense_labels[b]
            if not (la.match and lb.match and la.synset == lb.synset) or root(a) == root(b):
                continue
            near = centroid_cosine(unit[labels == a], unit[labels == b])
            if near >= MERGE_COSINE:
                why = f"centroids' cosine {near:.2f}"
            else:
                pair = np.flatnonzero((labels == a) | (labels == b))
                y = _reduce(centered(unit[pair], rule.soft), rule)
                if valley_ratio(y, (labels[pair] == b).astype(np.int64)) < MERGE_VALLEY:
                    continue
                why = "no deep density valley"
            parent[root(b)] = root(a)
            done.append(f"senses {a + 1} and {b + 1} merged (both {la.synset}, {why})")
    mapped = np.array([root(int(s)) for s in labels])
    return _by_size(np.unique(mapped, return_inverse=True)[1]), done


def refine_senses(
    labels: np.ndarray,
    unit: np.ndarray,
    mean: np.ndarray,
    tags: list[str],
    bags: list[set[str]],
    groups: np.ndarray,
    found: SynsetVectors,
    own: frozenset[str],
    rule: SenseRule,
    sense_labeller: SenseLabeller,
) -> tuple[np.ndarray, list[str]]:
    """The three steps of the module doc on clusters `labels` (n,) of unit vectors (n, dim); returns
    the new labels (0 = largest) and a line per change. `sense_labeller(labels)` labels the senses."""
    classes = {ss.word_class for ss in found.synsets}
    labels, done = split_by_pos(labels, tags, groups, classes, rule)
    occ_labels, _ = label_items(occurrence_items(unit, mean, tags, bags), found, mean, own)
    labels, more = split_by_synset(labels, sense_labeller(labels), occ_labels, groups, rule)
    done += more
    labels, more = merge_same_synset(_by_size(labels), sense_labeller(_by_size(labels)), unit, rule)
    return labels, done + more


class SenseLabeller:
    """Labels the senses of one set of occurrences: `labeller(labels)` -> one `SenseLabel` per sense."""

    def __init__(
        self,
        unit: np.ndarray,
        mean: np.ndarray,
        tags: list[str],
        bags: list[set[str]],
        found: SynsetVectors,
        own: frozenset[str],
        nearest: Callable[[np.ndarray], list[list[str]]] | None = None,
    ):
        """`nearest(labels)`: each sense's nearest words (lemmas), added to its Lesk context when
        `__call__` is given no `extra`, so the refinement sees the labels the senses will finally get."""
        self.unit, self.mean, self.tags, self.bags, self.found, self.own = unit, mean, tags, bags, found, own
        self.nearest = nearest

    def __call__(self, labels: np.ndarray, extra: list[list[str]] | None = None) -> list[SenseLabel]:
        from ._sense_context import items_for

        k = int(labels.max()) + 1
        if extra is None and self.nearest is not None:
            extra = self.nearest(labels)
        residuals = np.stack([self.unit[labels == s].mean(axis=0) - self.mean for s in range(k)])
        items = items_for(residuals, labels, k, self.tags, self.bags, extra)
        return label_items(items, self.found, self.mean, self.own)[0]
