"""Stop words and punctuation: the tokens a list of nearest *words* leaves out (`similar --words-only`).

`STOP_WORDS` is English's closed-class words, listed by class: articles and determiners, pronouns
(with their possessive, reflexive and contracted forms), prepositions, conjunctions, auxiliary and
modal verbs (every inflection), negation and a few degree and discourse adverbs (``not``, ``very``,
``also``, ``so``, ``then``). Open-class words are never stop words here (scikit-learn's and gensim's
lists count ``fire``, ``bill``, ``system`` or ``computer`` among theirs, which a neighbour list
must keep). Punctuation is a token with no letter or digit (``,``, ``"``, ``--``, ``'s`` counts as a
stop word). Matching is on the case-folded token.
"""

from __future__ import annotations

import re

import numpy as np

_CLASSES = {
    "determiners": "a an the this that these those some any no every each either neither all both half "
    "several many much more most few fewer less least other another such what which whatever whichever",
    "pronouns": "i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his "
    "himself she her hers herself it its itself they them their theirs themselves one oneself who whom "
    "whose whoever whomever something anything nothing everything someone anyone everyone somebody "
    "anybody nobody everybody 's 're 've 'd 'll 'm n't s t",
    "prepositions": "of in on at by for with without from to into onto upon about above below under over "
    "between among through throughout during before after since until till against toward towards "
    "across along around behind beside besides beyond despite except inside outside near off out up down "
    "via within per amid",
    "conjunctions": "and or but nor yet so because although though while whereas if unless whether than as "
    "when whenever where wherever why how that",
    "auxiliaries": "be am is are was were been being have has had having do does did done doing will would "
    "shall should can could may might must ought",
    "adverbs": "not never also too very just only even still already again then there here now thus hence "
    "however therefore",
}
STOP_WORDS: frozenset[str] = frozenset(w for words in _CLASSES.values() for w in words.split())
_WORDLIKE = re.compile(r"[^\W_]")


def is_punctuation(token: str) -> bool:
    """True for a token with no letter or digit (``,``, ``--``, ``"``)."""
    return not _WORDLIKE.search(token)


def is_stop_word(token: str) -> bool:
    """True when the case-folded `token` is one of `STOP_WORDS`."""
    return token.casefold() in STOP_WORDS


def function_word_mask(words: np.ndarray) -> np.ndarray:
    """(n,) bool: True for the entries of `words` (n,) that are stop words or punctuation."""
    return np.fromiter((is_punctuation(str(w)) or is_stop_word(str(w)) for w in words), dtype=bool, count=len(words))
