"""Which context words an explanation tries by default: content words, not punctuation or English
closed-class words (`ctxvec.morphology`'s `STOP_WORDS`, the list `similar --words-only` leaves out).

Leaving out "the" or "." changes a vector as much as leaving out "river" does, through the sentence's
shape rather than its meaning; on the hand-made pairs of ``benchmarks/data/explain_pairs.tsv`` ranking
content words only puts the deciding word first far more often than ranking all words (mask ablation;
`benchmarks/bench_explain.py` has the figures).
"""

from __future__ import annotations

from ..morphology import is_punctuation, is_stop_word


def is_content_word(token: str) -> bool:
    """False for punctuation (no letter or digit) and for stop words (case-folded); True otherwise."""
    return not is_punctuation(token) and not is_stop_word(token)
