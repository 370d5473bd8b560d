"""Which of a word's senses a new usage belongs to (`ctxvec senses STORE WORD --in SENTENCE`).

The usage's contextual part (its unit vector minus the mean of the word's clustered occurrences) is
compared by cosine with each sense's mean contextual part; the nearest sense is the answer when the
corpus holds the usage at all (`check_usage_senses`, the test `similar --in` and `decompose --in` use).
Otherwise the answer is "none of the corpus's senses", with the nearest sense named. The occurrence
itself is labelled with WordNet from all the evidence (`label_items` on this one occurrence).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from ..sampling import unit_rows
from ._sense_context import sentence_context
from ._senses import QuerySense, Senses

if TYPE_CHECKING:
    from ..store import Occurrence, Store
    from ._sense_labels import SynsetVectors

_TOKENS = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")


def query_sense(
    store: Store,
    senses: Senses,
    unit: np.ndarray,
    vector: np.ndarray,
    occurrence: Occurrence,
    found: SynsetVectors | None,
    own: frozenset[str],
) -> QuerySense:
    """The `QuerySense` of a new occurrence (`vector` (dim,) in the store's space) against `senses`,
    whose clustered occurrences' unit vectors are `unit` (n, dim)."""
    from ._sense_evidence import occurrence_items
    from ._sense_labels import label_items
    from ._usage_senses import check_usage_senses

    mean = unit.mean(axis=0)
    q = unit_rows(np.asarray(vector, dtype=np.float32)[None, :])[0]
    part = unit_rows((q - mean)[None, :])[0]
    cents = unit_rows(np.stack([(unit[senses.labels == s.label] - mean).mean(axis=0) for s in senses.senses]))
    sims = cents @ part
    nearest = int(np.argmax(sims))
    if found is None:  # no WordNet evidence asked for or at hand: the geometry alone
        from ..neighbours import check_usage

        usage = check_usage(store, senses.word, vector)
    else:
        usage = check_usage_senses(store, occurrence, vector, found=found)
    label = None
    if found is not None:
        matches = list(_TOKENS.finditer(occurrence.sentence))
        tokens = [m.group() for m in matches]
        at = next((i for i, m in enumerate(matches) if m.start() >= occurrence.start), 0)
        tag, bag = sentence_context(tokens, at, own)
        label = label_items(occurrence_items(q[None, :], mean, [tag], [bag]), found, mean, own)[0][0]
    represented = usage.warning is None
    return QuerySense(
        occurrence, nearest if represented else None, nearest, float(sims[nearest]), represented, label, usage.warning
    )
