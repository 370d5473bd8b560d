"""Senses that match meanings: the clusters of `split_senses` corrected with the WordNet evidence.

Clusters follow the geometry of the contexts, which splits one meaning by topic (biological cells in
zoology and in chemistry articles) and merges meanings that share a topic (the verb "state" inside the
noun's cluster). Four corrections, in order, each keeping every sense at least the rule's minimum size
(`MIN_SPLIT_SHARE` of the occurrences and `min_size` distinct sentences):

0. expressions: occurrences standing in one idiomatic WordNet multiword expression ("Cold War", "free of
   charge", `_sense_expressions`) that are a minority of their sense become a sense of their own when
   there are enough of them;
1. part of speech: occurrences of a sense whose part of speech (`guess_pos`) is not the sense's majority
   one, and for which WordNet has synsets, become a sense of their own when there are enough of them;
2. minority synsets: occurrences confidently labelled (`label_items` per occurrence, probability at least
   `OCCURRENCE_PROBABILITY`) with a synset other than their sense's label become a sense of their own
   when there are enough of them;
2b. minority synsets by their vectors: occurrences whose nearest synset vector (raw cosine, as in
   `minority_synsets`) beats their sense label's by at least `MINORITY_MARGIN`, in a part of speech
   their own does not rule out, become a sense of their own when there are enough of one synset (the
   tennis court among legal courts, oxidation states among political states);
2c. halves: a sense whose two 2-means halves are separated by a density valley (`valley_ratio` at most
   the rule's `valley`) and take different confident synsets, each of its half's part of speech,
   splits in two;
3. merge: senses whose confident labels are the same synset are merged when no deep density valley
   separates them (`valley_ratio` at least `MERGE_VALLEY` on a PCA of their centered vectors) or when
   their centroids point the same way (cosine of the mean unit vectors at least `MERGE_COSINE`): a topic
   split of one meaning (biological cells in zoology and in chemistry, banks in two countries' economies)
   has a shallow valley or near centroids, while small dense clusters have deep valleys whatever they mean.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ._sense_evidence import occurrence_items
from ._sense_expressions import Expression, dominant_idiom, idiom_groups
from ._sense_labels import SenseLabel, SynsetVectors, label_items, word_synset
from ._senses import SenseRule, _by_size, _kmeans, _reduce, centered, valley_ratio

OCCURRENCE_PROBABILITY = 0.6
#: A part-of-speech or synset split needs this share of the occurrences (or the rule's `min_share`, if
#: smaller) and `min_size` distinct sentences: the evidence names the meaning, so less than a cluster needs.
MIN_SPLIT_SHARE = 0.02
#: Verb uses split from a noun or adjective sense with `min_size` distinct sentences, whatever their share:
#: a verb use is another meaning however rare (the verb "state" among 600 nouns).
VERB_SPLIT_SHARE = 0.0
#: An occurrence's nearest synset vector must beat its sense label's by this cosine for step 2b. Chosen
#: on the calibration half of benchmarks/data/senses_judged.tsv (wiki store, default model): fewest
#: mixed senses there (6 at 0.07-0.09, 7 at 0.10-0.15), the largest such margin.
MINORITY_MARGIN = 0.09
#: Two senses with one confident synset stay apart only across a valley this deep (`valley_ratio`).
MERGE_VALLEY = 0.1
#: ... or when their centroids (mean unit vectors) have at least this cosine. Chosen on the calibration
#: half of benchmarks/data/senses_judged.tsv (wiki store, default model): the Cold War against cold
#: weather measured 0.76, water currents against a mix of ocean and electric currents 0.885 (merging made
#: it impure), one meaning split by topic 0.86-0.95.
MERGE_COSINE = 0.89


@dataclass(frozen=True)
class Change:
    """One correction: `text` with ``{0}``, ``{1}``... standing for the senses that hold the occurrences
    `parts[0]`, `parts[1]`... (indices into the clustered occurrences) once every step has run, so a line
    names the sense as it is printed, not a cluster of an earlier step."""

    text: str
    parts: tuple[np.ndarray, ...]

    @classmethod
    def split(cls, what: str, part: np.ndarray, members: np.ndarray) -> Change:
        """`what` (the uses `part`) split from the sense of the rest of `members`."""
        return cls(f"{what} split from sense {{0}} into sense {{1}}", (np.setdiff1d(members, part), part))

    def describe(self, labels: np.ndarray) -> str:
        """The line, each part named by the final sense (``labels`` (n,), -1 = not placed) most of it holds."""
        names = []
        for part in self.parts:
            placed = labels[part][labels[part] >= 0]
            names.append(str(int(np.bincount(placed).argmax()) + 1) if len(placed) else "(not placed)")
        if len(names) == 2 and names[0] == names[1] and " into sense {1}" in self.text:
            return self.text.replace(" into sense {1}", ", then merged back").format(*names)
        return self.text.format(*names)


def _big_enough(
    members: np.ndarray, n: int, groups: np.ndarray, rule: SenseRule, share: float = MIN_SPLIT_SHARE
) -> bool:
    smallest = max(rule.min_size, math.ceil(min(rule.min_share, share) * n))
    return len(members) >= smallest and len(np.unique(groups[members])) >= rule.min_size


def split_by_pos(
    labels: np.ndarray, tags: list[str], groups: np.ndarray, classes: set[str], rule: SenseRule
) -> tuple[np.ndarray, list[Change]]:
    """Step 1 of the module doc: (new labels (n,), what was done)."""
    labels = labels.copy()
    done: list[Change] = []
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
                done.append(Change.split(f"{len(part)} {_POS_NAMES[pos]} uses", part, members))
    return labels, done


_POS_NAMES = {"n": "noun", "v": "verb", "a": "adjective", "r": "adverb"}


def split_by_expression(
    labels: np.ndarray, found: list[Expression | None], unit: np.ndarray, groups: np.ndarray, rule: SenseRule
) -> tuple[np.ndarray, list[Change]]:
    """Step 0 of the module doc: the uses of one idiomatic expression, a minority of their sense, whose
    centroid is apart from the rest's (cosine below `MERGE_COSINE`: a literal "cold water" stays)."""
    labels = labels.copy()
    done: list[Change] = []
    for sense in range(int(labels.max()) + 1):
        members = np.flatnonzero(labels == sense)
        for name, part in sorted(idiom_groups(found, members).items()):
            rest = np.setdiff1d(members, part)
            near = centroid_cosine(unit[part], unit[rest]) if len(rest) else 1.0
            if near >= MERGE_COSINE:
                continue
            if _big_enough(part, len(labels), groups, rule) and len(part) <= len(members) / 2:
                labels[part] = int(labels.max()) + 1
                done.append(Change.split(f"{len(part)} uses of the expression {name!r}", part, members))
    return labels, done


def split_by_synset(
    labels: np.ndarray,
    sense_labels: list[SenseLabel],
    occ_labels: list[SenseLabel],
    groups: np.ndarray,
    rule: SenseRule,
) -> tuple[np.ndarray, list[Change]]:
    """Step 2 of the module doc: occurrences confidently of another synset than their sense's label."""
    labels = labels.copy()
    done: list[Change] = []
    k = int(labels.max()) + 1
    own = np.array([sense_labels[s].synset for s in labels])
    theirs = np.array([o.synset if o.score >= OCCURRENCE_PROBABILITY else "" for o in occ_labels])
    for sense in range(k):
        members = np.flatnonzero(labels == sense)
        for synset in sorted(set(theirs[members]) - {"", own[members[0]]}):
            part = members[theirs[members] == synset]
            if _big_enough(part, len(labels), groups, rule) and len(part) <= len(members) / 2:
                labels[part] = int(labels.max()) + 1
                done.append(Change.split(f"{len(part)} uses of {synset}", part, members))
    return labels, done


def split_by_minority(
    labels: np.ndarray,
    sense_labels: list[SenseLabel],
    unit: np.ndarray,
    found: SynsetVectors,
    tags: list[str],
    groups: np.ndarray,
    rule: SenseRule,
    margin: float | None = None,
) -> tuple[np.ndarray, list[Change]]:
    """Step 2b of the module doc on unit vectors (n, dim), parts of speech `tags` (n,); `margin`
    defaults to `MINORITY_MARGIN`."""
    margin = MINORITY_MARGIN if margin is None else margin
    labels = labels.copy()
    usable = np.flatnonzero(found.n_sentences > 0)
    if len(usable) < 2:
        return labels, []
    column = {found.synsets[int(u)].name: j for j, u in enumerate(usable)}
    sims = unit.astype(np.float32) @ found.vectors[usable].T
    best = sims.argmax(axis=1)
    classes = np.array([found.synsets[int(u)].word_class for u in usable])
    done: list[Change] = []
    for sense in range(int(labels.max()) + 1):
        own = column.get(word_synset(sense_labels[sense]))
        if own is None:
            continue
        members = np.flatnonzero(labels == sense)
        lead = sims[members, best[members]] - sims[members, own]
        fits = np.array([not tags[i] or tags[i] == classes[best[i]] for i in members], dtype=bool)
        hit = members[(lead >= margin) & fits & (best[members] != own)]
        for col in np.unique(best[hit]):
            part = hit[best[hit] == col]
            if _big_enough(part, len(labels), groups, rule) and len(part) <= len(members) / 2:
                labels[part] = int(labels.max()) + 1
                name = found.synsets[int(usable[col])].name
                done.append(Change.split(f"{len(part)} uses nearest {name}", part, members))
    return labels, done


def split_by_halves(
    labels: np.ndarray,
    unit: np.ndarray,
    sense_labeller: Callable[[np.ndarray], list[SenseLabel]],
    groups: np.ndarray,
    rule: SenseRule,
    tags: list[str] | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, list[Change]]:
    """Step 2c of the module doc: each sense's 2-means halves (on a PCA of its centered vectors) split
    when a density valley separates them (`valley_ratio` at most `rule.valley`) and the evidence gives
    them different confident synsets, each of the part of speech of more than half its half's decided
    `tags` (n,) (none decided: any)."""
    labels = np.unique(labels, return_inverse=True)[1].reshape(-1)  # numbered 0..k-1: earlier steps leave gaps
    done: list[Change] = []
    for sense in range(int(labels.max()) + 1):
        members = np.flatnonzero(labels == sense)
        if len(members) < 2 * max(rule.min_size, 3):
            continue
        y = _reduce(centered(unit[members], rule.soft), rule)
        two = _kmeans(y, 2, seed)
        small = members[two == int(np.argmin(np.bincount(two, minlength=2)))]
        if not _big_enough(small, len(labels), groups, rule) or valley_ratio(y, two) > rule.valley:
            continue
        trial = labels.copy()
        trial[small] = int(labels.max()) + 1
        found = sense_labeller(trial)
        old, new = found[sense], found[-1]
        fits = tags is None or all(
            _fits_pos(label, [tags[i] for i in half])
            for label, half in ((old, np.setdiff1d(members, small)), (new, small))
        )
        if old.match and new.match and word_synset(old) != word_synset(new) and fits:
            labels = trial
            done.append(Change.split(f"{len(small)} uses of {new.synset} (a density valley apart)", small, members))
    return labels, done


def _fits_pos(label: SenseLabel, tags: list[str]) -> bool:
    """Whether `label`'s synset has the part of speech of more than half the decided `tags` (true when
    none is decided, or for an expression's label)."""
    decided = [t for t in tags if t]
    if not decided or label.expression or "." not in label.synset:
        return True
    pos = label.synset.split(".")[-2]
    return 2 * decided.count("a" if pos == "s" else pos) > len(decided)


def centroid_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of the mean vectors of two sets of unit vectors (n_a, dim) and (n_b, dim)."""
    ca, cb = a.mean(axis=0), b.mean(axis=0)
    return float(ca @ cb / max(float(np.linalg.norm(ca) * np.linalg.norm(cb)), 1e-12))


def merge_same_synset(
    labels: np.ndarray,
    sense_labels: list[SenseLabel],
    unit: np.ndarray,
    rule: SenseRule,
    keep: frozenset[int] = frozenset(),
) -> tuple[np.ndarray, list[Change]]:
    """Step 3 of the module doc: senses with one confident synset, near centroids or no density valley;
    the senses in `keep` (split off by step 2b, whose vectors named another synset) merge with none."""
    k = int(labels.max()) + 1
    parent = list(range(k))

    def root(a: int) -> int:
        while parent[a] != a:
            a = parent[a]
        return a

    done: list[Change] = []
    for a in range(k):
        for b in range(a + 1, k):
            la, lb = sense_labels[a], sense_labels[b]
            if not (la.match and lb.match and la.synset == lb.synset) or root(a) == root(b) or {a, b} & keep:
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
            first, second = np.flatnonzero(labels == a), np.flatnonzero(labels == b)
            done.append(Change(f"two clusters merged into sense {{0}} (both {la.synset}, {why})", (first, second)))
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
) -> tuple[np.ndarray, list[Change]]:
    """The steps of the module doc on clusters `labels` (n,) of unit vectors (n, dim); returns the new
    labels (0 = largest) and the changes (`Change.describe` numbers their senses as finally printed).
    `sense_labeller(labels)` labels the senses."""
    classes = {ss.word_class for ss in found.synsets}
    labels, done = split_by_expression(labels, sense_labeller.expressions, unit, groups, rule)
    labels, more = split_by_pos(labels, tags, groups, classes, rule)
    done += more
    occ_labels, sense_labeller.occurrence_probabilities = label_items(
        occurrence_items(unit, mean, tags, bags), found, mean, own
    )
    labels, more = split_by_synset(labels, sense_labeller(labels), occ_labels, groups, rule)
    done += more
    before = int(labels.max()) + 1
    labels, more = split_by_minority(labels, sense_labeller(labels), unit, found, tags, groups, rule)
    done += more
    labels, more = split_by_halves(labels, unit, sense_labeller, groups, rule, tags)
    done += more
    firsts = [int(np.flatnonzero(labels == s)[0]) for s in range(before, int(labels.max()) + 1)]
    labels = _by_size(labels)
    keep = frozenset(int(labels[i]) for i in firsts)
    labels, more = merge_same_synset(labels, sense_labeller(labels), unit, rule, keep)
    sense_labeller.doubtful = {int(labels[i]) for i in firsts}
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
        expressions: list[Expression | None] | None = None,
    ):
        """`nearest(labels)`: each sense's nearest words (lemmas), added to its Lesk context when
        `__call__` is given no `extra`, so the refinement sees the labels the senses will finally get.
        `expressions` (n,): the idiomatic expression each occurrence stands in, if any; a sense mostly
        in one is labelled with it (`expression_label`)."""
        self.unit, self.mean, self.tags, self.bags, self.found, self.own = unit, mean, tags, bags, found, own
        self.nearest = nearest
        self.expressions: list[Expression | None] = expressions if expressions is not None else [None] * len(unit)
        #: Senses split off by their vectors (step 2b): a label the same as another sense's is unsure.
        self.doubtful: set[int] = set()
        #: (n, m) each occurrence's probabilities over the synsets, once `refine_senses` has run.
        self.occurrence_probabilities: np.ndarray | None = None

    def __call__(self, labels: np.ndarray, extra: list[list[str]] | None = None) -> list[SenseLabel]:
        from ._sense_context import items_for

        k = int(labels.max()) + 1
        if extra is None and self.nearest is not None:
            extra = self.nearest(labels)
        residuals = np.stack([self.unit[labels == s].mean(axis=0) - self.mean for s in range(k)])
        items = items_for(residuals, labels, k, self.tags, self.bags, extra)
        out = label_items(items, self.found, self.mean, self.own)[0]
        for s in self.doubtful & set(range(k)):
            if any(out[t].synset == out[s].synset for t in range(k) if t != s):
                out[s] = replace(out[s], match=False)  # the vectors said another synset than the evidence
        return [expression_label(self.expressions, np.flatnonzero(labels == s), out[s]) for s in range(k)]


def expression_label(found: list[Expression | None], members: np.ndarray, label: SenseLabel) -> SenseLabel:
    """`label`, or the label of the idiomatic expression most of `members` stand in (`dominant_idiom`):
    its synset and gloss, the share of the uses as score, the word's own nearest synset as runner-up."""
    hit = dominant_idiom(found, members)
    if hit is None:
        return label
    ex, share = hit
    return SenseLabel(
        synset=ex.synset.name,
        gloss=ex.synset.gloss,
        score=share,
        runner_up=label.synset,
        runner_up_score=label.score,
        match=True,
        decided_by="expression",
        expression=ex.name,
    )
