"""The part of speech of a word's occurrence, guessed from its form and its neighbours.

Senses must not mix "to record" with "a record", and a verb use must never be labelled with a noun
synset. ctxvec ships no tagger, so the guess comes from two sources any reader would use:

- the form: WordNet's morphology (`base_forms`) says which parts of speech the token can be at all
  ("charged" is a verb or an adjective, never a noun; "cells" only a noun);
- the neighbours: a determiner, possessive or preposition before the word makes it a noun (or an
  adjective when a content word follows and WordNet has one: "the cold war"); a modal, auxiliary,
  subject pronoun or infinitive "to" before it, or an object (determiner, pronoun) right after a form
  that can be a verb, makes it a verb.

`guess_pos` answers one of ``n``, ``v``, ``a``, ``r`` or ``""`` (no decision). It is a heuristic: in the
benchmark (`bench_senses`) the POS-decided occurrences of the judged set are checked against the judged
synsets' parts of speech.
"""

from __future__ import annotations

from ._synsets import base_forms

DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "your",
        "no",
        "every",
        "each",
        "any",
        "some",
        "another",
        "whose",
        "'s",
        "s",
        "several",
        "many",
        "few",
        "both",
        "either",
        "neither",
        "such",
        "what",
        "which",
    ]
)
PREPOSITIONS = frozenset(
    [
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "into",
        "onto",
        "under",
        "over",
        "about",
        "against",
        "without",
        "through",
        "between",
        "among",
        "after",
        "before",
        "during",
        "within",
        "across",
        "along",
        "around",
        "behind",
        "beyond",
        "toward",
        "towards",
        "upon",
        "via",
        "per",
    ]
)
VERB_CUES = frozenset(
    [
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "shall",
        "should",
        "must",
        "did",
        "do",
        "does",
        "not",
        "never",
        "n't",
        "'ll",
        "'d",
        "also",
        "often",
        "then",
        "i",
        "he",
        "she",
        "they",
        "we",
        "you",
        "who",
    ]
)
OBJECTS = frozenset(
    ["him", "her", "them", "it", "me", "us", "you", "himself", "herself", "themselves", "itself", "that"]
)
AUXILIARIES = frozenset(["is", "was", "are", "were", "be", "been", "being", "has", "have", "had"])


def possible_pos(token: str) -> set[str]:
    """The parts of speech (n, v, a, r) WordNet's morphology allows for `token`."""
    return {pos for pos in ("n", "v", "a", "r") if base_forms(token, pos)}


def guess_pos(tokens: list[str], i: int) -> str:
    """The part of speech of ``tokens[i]`` (module doc): ``n``, ``v``, ``a``, ``r``, or ``""`` undecided."""
    form = tokens[i].lower()
    allowed = possible_pos(form)
    if len(allowed) <= 1:
        return next(iter(allowed), "")
    prev = tokens[i - 1].lower() if i > 0 else ""
    prev2 = tokens[i - 2].lower() if i > 1 else ""
    nxt = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
    verbal = "v" in allowed
    content_next = nxt.isalpha() and nxt not in _FUNCTION
    inflected = verbal and form.endswith(("ed", "ing")) and form not in base_forms(form, "v")  # not "spring"
    if inflected:
        if prev in DETERMINERS and "a" in allowed and content_next:
            return "a"  # "the charged particle"
        if prev in DETERMINERS and form.endswith("ing") and "n" in allowed:
            return "n"  # "the recording"
        return "a" if prev in DETERMINERS and "a" in allowed else "v"
    if verbal and (prev in VERB_CUES or (prev == "to" and (nxt in DETERMINERS or nxt in OBJECTS))):
        return "v"
    if verbal and prev in AUXILIARIES and form.endswith(("ed", "en")):
        return "v"
    if verbal and prev in RELATIVES and nxt in OBJECTS - RELATIVES:
        return "v"  # "objects which interest them"
    after_article = prev2 in DETERMINERS and prev.isalpha() and prev not in _FUNCTION
    if prev in DETERMINERS or prev in PREPOSITIONS or after_article:
        if "a" in allowed and not after_article and content_next and not nxt.endswith("ly"):
            return "a" if possible_pos(nxt) & {"n"} else ""
        return "n" if "n" in allowed else ""
    if verbal and (nxt in DETERMINERS or nxt in OBJECTS) and prev not in PREPOSITIONS:
        if nxt in RELATIVES and _noun_modifier(prev):
            return "n" if "n" in allowed else ""  # "the oxidation state that metals display"
        return "v"
    return ""


#: Words that open a relative clause after a noun as well as an object after a verb.
RELATIVES = frozenset(["that", "which"])


def _noun_modifier(word: str) -> bool:
    """A singular word that can only be a noun (``oxidation``): before the token it makes a compound noun,
    where a plural subject (``retellings state that``) would make the token a verb."""
    return word.isalpha() and not word.endswith("s") and possible_pos(word) == {"n"}


_FUNCTION = (
    DETERMINERS
    | PREPOSITIONS
    | VERB_CUES
    | AUXILIARIES
    | frozenset(
        [
            "and",
            "or",
            "but",
            "as",
            "to",
            "than",
            "so",
            "because",
            "if",
            "when",
            "while",
            "where",
            ",",
            ".",
            ";",
            ":",
            ")",
            "(",
            "-",
            '"',
            "'",
        ]
    )
)
