"""Occurrences not placed in a sense: uses that the evidence says belong to none of the senses found.

Clusters put every occurrence somewhere; a use that fits none of the senses then mixes the one it lands
in. After `refine_senses`, an occurrence of a sense is set apart ("not placed", sense -1) when:

- ``name``: it stands inside a multiword proper name, not as its head (`name_like`: capitalised
  mid-sentence, a capitalised word next: "Cold Harbor", "Jodrell Bank Observatory"), outside any WordNet
  expression, and
  its own evidence (`label_items` on the occurrence alone) does not rank its sense's synset first, or
  its sense is labelled with an idiomatic expression it does not stand in. The "Texas State Cemetery"
  stays among the states: its evidence names the states' synset. Names are answered as "a name: none of the word's
  WordNet senses".
- ``part of speech``: its part of speech (`guess_pos`) is decided and is not that of its sense's
  synset (of most of its sense's decided uses, when the label is unsure), and WordNet has synsets of that part of speech for the word (the noun "closest match" among
  verb uses); the groups large enough for a sense of their own were split off before (`split_by_pos`).
- ``evidence``: its sense's label is confident, and the occurrence's own evidence names another
  synset with probability at least `EVIDENCE_PROBABILITY` and gives its sense's synset less than
  `EVIDENCE_LEFT`.

On the calibration half of benchmarks/data/senses_judged.tsv (bench_senses) the judged figures are the
same for `EVIDENCE_PROBABILITY` 0.6-0.95 and `EVIDENCE_LEFT` 0.05-0.2; the strict end is kept (there it
sets apart one occurrence, the common cold among cold temperatures; 0.75/0.2 set apart 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..results import JSON
from ._sense_expressions import WIDTH, Expression
from ._sense_labels import SenseLabel, SynsetVectors, word_synset

if TYPE_CHECKING:
    from ..store import Occurrence, Store

#: The least probability of the other synset an occurrence's own evidence must give (rule ``evidence``).
EVIDENCE_PROBABILITY = 0.9
#: ... and the most it may give its sense's synset.
EVIDENCE_LEFT = 0.05
REASONS = ("name", "part of speech", "evidence")
_OPENERS = frozenset(['"', "'", "(", "[", ":", ";", "“", "‘", "-", "–", "—", ".", "!", "?"])


def name_like(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` (the tokens of one sentence) stands inside a multiword proper name, not as its
    head: it is capitalised, neither the sentence's first word nor right after an opening quote, bracket
    or colon, and the next word is capitalised too ("Cold Harbor", "Jodrell Bank Observatory"). As the
    last word, the head, a name's word keeps its meaning ("World Bank", "Benguela Current")."""
    if not tokens[i][:1].isupper() or i == 0 or tokens[i - 1] in _OPENERS:
        return False

    def capital(j: int) -> bool:
        return 0 <= j < len(tokens) and tokens[j][:1].isupper() and tokens[j][:1].isalpha()

    return capital(i + 1)


def store_names(store: Store, rows: np.ndarray) -> np.ndarray:
    """(n,) bool: `name_like` for the occurrences at store `rows` (n,)."""
    tokens, sids, n_rows = store.tokens, store.sentence_ids, store.n_rows
    out = np.zeros(len(rows), dtype=bool)
    for k, r in enumerate(np.asarray(rows, dtype=np.int64)):
        lo, hi = max(0, int(r) - WIDTH), min(n_rows, int(r) + WIDTH + 1)
        same = np.flatnonzero(sids[lo:hi] == sids[r])
        words = [str(t) for t in tokens[lo:hi][same]]
        out[k] = name_like(words, int(r) - lo - int(same[0]))
    return out


@dataclass
class Unplaced:
    """Occurrences set apart for one `reason` (`REASONS`): their store `rows`, and up to 3 of them as
    `occurrences` (one per sentence), filled by `word_senses`."""

    reason: str
    rows: list[int]
    occurrences: list[Occurrence] = field(default_factory=list)

    def to_dict(self) -> JSON:
        return {
            "reason": self.reason,
            "n_occurrences": len(self.rows),
            "rows": [int(r) for r in self.rows],
            "sentences": [o.sentence for o in self.occurrences],
        }


def unplace(
    labels: np.ndarray,
    sense_labels: list[SenseLabel],
    found: SynsetVectors,
    tags: list[str],
    names: np.ndarray,
    expressions: list[Expression | None],
    probabilities: np.ndarray | None,
) -> np.ndarray:
    """(n,) the reason (index into `REASONS`) each occurrence is not placed, -1 where it stays (module
    doc); `labels` (n,) the senses, `sense_labels` their labels, `probabilities` (n, m) each
    occurrence's own evidence over `found.synsets` (None: the ``evidence`` and ``name`` tests are off)."""
    n = len(labels)
    reason = np.full(n, -1, dtype=np.int64)
    at = {ss.name: j for j, ss in enumerate(found.synsets)}
    classes = {ss.word_class for ss in found.synsets}
    for s, label in enumerate(sense_labels):
        members = np.flatnonzero(labels == s)
        own = at.get(word_synset(label))
        own_class = found.synsets[own].word_class if own is not None and label.match else _majority(tags, members)
        for i in members:
            reason[i] = _reason(
                label,
                own,
                own_class,
                tags[i],
                bool(names[i]),
                expressions[i] is not None,
                classes,
                None if probabilities is None else probabilities[i],
            )
    return reason


def _reason(
    label: SenseLabel,
    own: int | None,
    own_class: str,
    tag: str,
    name: bool,
    in_expression: bool,
    classes: set[str],
    probabilities: np.ndarray | None,
) -> int:
    """The rule (index into `REASONS`) that sets one occurrence apart from its sense, -1 for none."""
    doubted = own is not None and probabilities is not None and probabilities[own] < probabilities.max()
    if name and not in_expression and probabilities is not None and (label.expression or doubted):
        return 0
    if tag and own_class and tag != own_class and tag in classes and not in_expression:
        return 1
    if probabilities is not None and own is not None and label.match and not label.expression:
        best = int(np.argmax(probabilities))
        if best != own and probabilities[best] >= EVIDENCE_PROBABILITY and probabilities[own] <= EVIDENCE_LEFT:
            return 2
    return -1


def _majority(tags: list[str], members: np.ndarray) -> str:
    """The part of speech most of the decided `tags` of `members` share ("" when none is decided)."""
    decided = [tags[i] for i in members if tags[i]]
    return max(sorted(set(decided)), key=decided.count) if decided else ""
