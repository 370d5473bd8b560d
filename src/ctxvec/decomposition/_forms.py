"""A word's other forms (colder, colds -> cold), so a decomposition can keep them out of its atoms."""

from __future__ import annotations

import numpy as np

from ..store import normalize_word

_SUFFIXES = ("ings", "ing", "edly", "ed", "ies", "es", "s", "ers", "er", "est", "ly", "'s")


def stem(word: str) -> str:
    """A crude English stem (suffix stripping, doubled final consonant undone): colder -> cold."""
    w = normalize_word(word).removeprefix("##")
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)] + ("y" if suf == "ies" else "")
            break
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    return w


def other_forms(word: str, vocabulary: np.ndarray) -> np.ndarray:
    """(n,) bool mask of `vocabulary` (n,) entries that are forms of `word`: the same crude stem (`stem`), or,
    for words of 4+ letters, starting with the word or its stem (state -> states, stateless, statehood)."""
    key, w = stem(word), normalize_word(word)
    prefixes = tuple(p for p in {w, key} if len(p) >= 4)

    def is_form(v: str) -> bool:
        return stem(v) == key or (bool(prefixes) and v.startswith(prefixes))

    return np.fromiter((is_form(str(v)) for v in vocabulary), dtype=bool, count=len(vocabulary))
