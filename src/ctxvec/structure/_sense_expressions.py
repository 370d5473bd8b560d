"""Multiword expressions: occurrences of a word inside a WordNet 3.0 multiword lemma ("Cold War",
"free of charge", "speed of light"), read from the words around each occurrence.

An expression is *idiomatic* for the word when the word does not carry one of its own meanings in it,
so none of the word's synsets describes the occurrence well: the expression's synset is not one of the
word's, the word is not the expression's head (the last word of a noun compound, the first of an
"X of Y" noun), and neither the expression's gloss, its other lemma names nor its hypernyms' lemma
names use the word or one of its forms. "Cold War" (a state of political hostility; hypernym hostility) and "free of charge"
(without payment) are idiomatic; "cell membrane" (its gloss says "of a cell"), "power plant" (plant is
its head; its synonym "power station" says power) and "speed of light" are not. The test is a heuristic read off WordNet, not a judgement.

`refine_senses` splits the idiomatic uses off a sense when there are enough of them; a sense most of
whose occurrences are one idiomatic expression is labelled with the expression (`expression_label`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ._synsets import POS_NAMES, Synset, _folder, _index, _read_entry, word_forms

if TYPE_CHECKING:
    from ..store import Store

#: A sense is labelled with an idiomatic expression when at least this share of its occurrences is in it.
EXPRESSION_SHARE = 0.6
WIDTH = 6  # tokens read each side of an occurrence (the longest expressions matched are 7 words)
_SPLIT = re.compile(r"[_-]")


@dataclass(frozen=True)
class Expression:
    """A WordNet multiword lemma holding a word: `name` ("cold war"), its words, the first synset of
    the lemma (WordNet's most frequent), and whether it is `idiomatic` for the word (module doc)."""

    name: str
    parts: tuple[str, ...]
    synset: Synset
    idiomatic: bool


@lru_cache(maxsize=64)
def word_expressions(lemmas: frozenset[str], own_offsets: frozenset[tuple[str, int]]) -> tuple[Expression, ...]:
    """The WordNet multiword lemmas (all parts of speech) that hold one of `lemmas` (a word and its
    lemmas) as a whole word; `own_offsets`: (pos, offset) of the word's own synsets."""
    folder = _folder()
    out = []
    for pos in POS_NAMES:
        for key, offsets in _index(pos).items():
            if "_" not in key and "-" not in key:
                continue
            parts = tuple(_SPLIT.split(key))
            if not lemmas.intersection(parts) or not offsets:
                continue
            e = _read_entry(folder, pos, offsets[0])
            synset = Synset(
                f"{key}.{pos}.01", e.pos, offsets[0], e.names, e.gloss, e.examples, 0, e.lexname, e.pointers
            )
            own = (pos, offsets[0]) in own_offsets
            out.append(Expression(" ".join(parts), parts, synset, not own and _idiomatic(parts, pos, lemmas, synset)))
    return tuple(out)


def _idiomatic(parts: tuple[str, ...], pos: str, lemmas: frozenset[str], synset: Synset) -> bool:
    """The test of the module doc, for an expression that is none of the word's synsets."""
    if pos == "n":
        head = parts[0] if "of" in parts[1:-1] else parts[-1]
        if head in lemmas:
            return False
    forms = {f for lemma in lemmas for p in "nva" for f in word_forms(lemma, p)}
    said = set(re.findall(r"[a-z]+", synset.gloss.lower()))
    said |= {w for name in synset.lemmas if name.lower() != "_".join(parts) for w in _SPLIT.split(name.lower())}
    folder = _folder()
    for symbol, offset, target_pos in synset.pointers:
        if symbol.startswith("@"):
            said |= {w for name in _read_entry(folder, target_pos, offset).names for w in _SPLIT.split(name.lower())}
    return not forms & said


def match_expression(tokens: list[str], i: int, expressions: tuple[Expression, ...]) -> Expression | None:
    """The longest of `expressions` whose words are the lower-cased `tokens` around ``tokens[i]``,
    ``tokens[i]`` among them (the last word may take a plural ``s``)."""
    low = [t.lower() for t in tokens]
    best: Expression | None = None
    for ex in expressions:
        n = len(ex.parts)
        if best is not None and n <= len(best.parts):
            continue
        for start in range(max(0, i - n + 1), min(i, len(low) - n) + 1):
            span = low[start : start + n]
            if span[:-1] == list(ex.parts[:-1]) and span[-1] in (ex.parts[-1], ex.parts[-1] + "s"):
                best = ex
                break
    return best


def store_expressions(store: Store, rows: np.ndarray, expressions: tuple[Expression, ...]) -> list[Expression | None]:
    """The expression (or None) each occurrence at store `rows` (n,) stands in (`match_expression`)."""
    if not expressions:
        return [None] * len(rows)
    tokens, sids, n_rows = store.tokens, store.sentence_ids, store.n_rows
    out: list[Expression | None] = []
    for r in np.asarray(rows, dtype=np.int64):
        lo, hi = max(0, int(r) - WIDTH), min(n_rows, int(r) + WIDTH + 1)
        same = np.flatnonzero(sids[lo:hi] == sids[r])
        words = [str(t) for t in tokens[lo:hi][same]]
        out.append(match_expression(words, int(r) - lo - int(same[0]), expressions))
    return out


def idiom_groups(found: list[Expression | None], members: np.ndarray) -> dict[str, np.ndarray]:
    """Expression name -> the `members` (indices into `found`) standing in that idiomatic expression."""
    groups: dict[str, list[int]] = {}
    for i in members:
        ex = found[int(i)]
        if ex is not None and ex.idiomatic:
            groups.setdefault(ex.name, []).append(int(i))
    return {name: np.asarray(idx, dtype=np.int64) for name, idx in groups.items()}


def dominant_idiom(found: list[Expression | None], members: np.ndarray) -> tuple[Expression, float] | None:
    """The idiomatic expression holding at least `EXPRESSION_SHARE` of `members`, with its share."""
    if len(members) == 0:
        return None
    for _name, idx in sorted(idiom_groups(found, members).items(), key=lambda kv: -len(kv[1])):
        share = len(idx) / len(members)
        if share >= EXPRESSION_SHARE:
            ex = found[int(idx[0])]
            assert ex is not None
            return ex, share
        break
    return None
