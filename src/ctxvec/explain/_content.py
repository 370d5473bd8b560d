"""Which context words an explanation tries by default: content words, not punctuation or English
closed-class words (articles, pronouns, prepositions, conjunctions, auxiliaries, a few adverbs).

Leaving out "the" or "." changes a vector as much as leaving out "river" does, through the sentence's
shape rather than its meaning; on the hand-made pairs of ``benchmarks/data/explain_pairs.tsv`` ranking
content words only puts the deciding word first in 13 of 16 pairs against 9 of 16 over all words
(mask ablation; `benchmarks/bench_explain.py`). Matching is on the case-folded token.
"""

from __future__ import annotations

import re

_CLOSED_CLASSES = (
    # articles, determiners, quantifiers
    "a an the this that these those some any no every each either neither all both such what which "
    # pronouns and clitics
    "i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his himself "
    "she her hers herself it its itself they them their theirs themselves who whom whose 's 're 've 'd 'll "
    "'m n't s t "
    # prepositions
    "of in on at by for with without from to into onto upon about above below under over between among "
    "through during before after since until against toward towards across along around behind beside "
    "beyond despite except near off out up down via within per "
    # conjunctions
    "and or but nor yet so because although though while whereas if unless whether than as when where "
    "why how "
    # auxiliaries and modals
    "be am is are was were been being have has had having do does did done doing will would shall should "
    "can could may might must "
    # a few adverbs
    "not never also too very just only even still then there here"
)
FUNCTION_WORDS: frozenset[str] = frozenset(_CLOSED_CLASSES.split())
_WORDLIKE = re.compile(r"[^\W_]")


def is_content_word(token: str) -> bool:
    """False for punctuation (no letter or digit) and for `FUNCTION_WORDS`; True otherwise."""
    return bool(_WORDLIKE.search(token)) and token.casefold() not in FUNCTION_WORDS
