"""`explain_pair` and `explain_term`: which context words make two occurrences similar, or make one
occurrence load on a decomposition term, by leaving each context word out in turn and re-embedding.

How a word is left out (`ablation`); both keep the occurrence's own wordpieces and find them again:

- ``"mask"`` (the default): each of the word's wordpieces is replaced by the model's mask token, so
  the sentence keeps its length and every other word its position; only what the word *says* is gone,
  while "a word stood here" (the sentence's shape) stays. The occurrence's pieces keep their positions.
- ``"delete"``: the word's wordpieces are removed, and the occurrence's own pieces shift left when they
  followed it. The sentence reads as if the word had never been written, but it also loses a slot,
  so every later position moves and the grammar may break: part of what it measures is that shift.

Both work on wordpieces, never by editing the text (which could merge two neighbours into one word).
On the hand-made pairs of ``benchmarks/data/explain_pairs.tsv``, masking put the deciding word first in
13 of 16 pairs and deletion in 10 (content words; see `benchmarks/bench_explain.py` for the current
figures), hence the default. By default only content words are tried (`all_words` adds punctuation and
function words, see `_content.py`).

Both run through the store's own encoder (`Store.encoder`: tokenizer, model window, layers, pooling)
and `Store.map_encoded` (the store's dtype and transforms), so the whole sentence's vector equals what
the store holds (`Side.check`); all the variants of one explanation go through the model together (one
forward pass unless they exceed the encoder's token budget). Cosines are of those re-embedded vectors,
so a word's `drop` holds nothing but that word's effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..queries import select_queries
from ..store import Occurrence, Store
from ._ablate import Ablated, Target, ablate
from ._names import DEFAULT_ABLATION, DEFAULT_TOP
from ._result import Explanation, Side, WordEffect


def explain_pair(
    store: Store,
    rows: Sequence[int] = (),
    *,
    word: str | None = None,
    in_sentence: str | None = None,
    top: int = DEFAULT_TOP,
    ablation: str = DEFAULT_ABLATION,
    all_words: bool = False,
    device: str = "auto",
) -> Explanation:
    """Why two occurrences are similar: two stored `rows`, or `word` inside a new sentence
    `in_sentence` (its first occurrence there) and one stored row. Each side's context words are
    ranked by how much cos(a, b) drops when that word is left out of that side's sentence."""
    occs, refs = _occurrences(store, rows, word, in_sentence, device, want=2)
    _check_top(top)
    (a, b), n_forward = _reembed(store, occs, ablation, all_words, device)
    base = float(_cos(a.full, b.full[None, :])[0])
    sides = [_side(a, b.full, base, refs[0], top), _side(b, a.full, base, refs[1], top)]
    return Explanation(base, sides, ablation, all_words, top, n_forward)


def explain_term(
    store: Store,
    term: str,
    rows: Sequence[int] = (),
    *,
    word: str | None = None,
    in_sentence: str | None = None,
    top: int = DEFAULT_TOP,
    ablation: str = DEFAULT_ABLATION,
    all_words: bool = False,
    device: str = "auto",
) -> Explanation:
    """Why one occurrence (a stored row, or `word` inside `in_sentence`) loads on the decomposition
    term `term`: its context words ranked by how much the cosine of the occurrence's vector with the
    term's word-type atom (`lexicon.word_types`, the atoms `decompose` uses by default) drops when
    that word is left out."""
    from ..lexicon import word_types

    if not term.strip():
        raise ParameterError("term", "{name} is empty; give a word of the store (a decomposition term)")
    occs, refs = _occurrences(store, rows, word, in_sentence, device, want=1)
    _check_top(top)
    types = word_types(store)
    i = types.index(term)
    atom = types.vectors[i]
    (a,), n_forward = _reembed(store, occs, ablation, all_words, device)
    base = float(_cos(a.full, atom[None, :])[0])
    side = _side(a, atom, base, refs[0], top)
    return Explanation(base, [side], ablation, all_words, top, n_forward, term=str(types.words[i]))


@dataclass
class _Reembedded:
    """One occurrence re-embedded, in the store's space: `full` (dim,), `without` (n_words, dim)."""

    occurrence: Occurrence
    ablated: Ablated
    full: np.ndarray
    without: np.ndarray


def _check_top(top: int) -> None:
    if top < 0:
        raise ParameterError("top", f"{{name}} must be at least 0, got {top}")


def _occurrences(
    store: Store, rows: Sequence[int], word: str | None, in_sentence: str | None, device: str, want: int
) -> tuple[list[Occurrence], list[np.ndarray]]:
    """The occurrences to explain (a new sentence's first) and the vectors `select_queries` gives them."""
    rows = [int(r) for r in rows]
    given = len(rows) + (in_sentence is not None)
    if given != want:
        what = "two occurrences: two rows, or one row and a word in in_sentence" if want == 2 else "one occurrence"
        extra = " and in_sentence" if in_sentence is not None else ""
        raise ParameterError("rows", f"{{name}}: explain needs {what}; got {len(rows)} row(s){extra}")
    if in_sentence is None and word is not None:
        raise ParameterError("word", "{name} goes with in_sentence (a word inside a new sentence); drop it for rows")
    if len(rows) == 2 and rows[0] == rows[1]:
        raise ParameterError("rows", f"{{name}}: both occurrences are row {rows[0]}; give two different rows")
    occs, refs = [], []
    if in_sentence is not None:
        if word is None:
            raise ParameterError("word", "{name} is missing: name the word of in_sentence to explain")
        q = select_queries(store, word, in_sentence=in_sentence, limit=1, device=device)
        occs.append(q.occurrences[0])
        refs.append(q.vectors[0])
    for r in rows:
        q = select_queries(store, row=r)
        occs.append(q.occurrences[0])
        refs.append(q.vectors[0])
    return occs, refs


def _reembed(
    store: Store, occs: list[Occurrence], ablation: str, all_words: bool, device: str
) -> tuple[list[_Reembedded], int]:
    """Every occurrence whole and without each context word, in one batch; the forward passes run."""
    targets = [Target(o.sentence, o.position, o.token) for o in occs]
    with store.encoder_lock:  # one tokenize + forward pass at a time (fast tokenizers are not thread-safe)
        encoder = store.encoder(device=device)
        ablated, n_forward = ablate(encoder, targets, ablation, all_words)
    out = []
    for occ, a in zip(occs, ablated, strict=True):
        mapped = store.map_encoded(np.vstack([a.full[None, :], a.without]))
        out.append(_Reembedded(occ, a, mapped[0], mapped[1:]))
    return out, n_forward


def _side(r: _Reembedded, other: np.ndarray, base: float, reference: np.ndarray, top: int) -> Side:
    """The occurrence's words ranked by the drop of cos(occurrence, `other`) without each."""
    cos = _cos(other, r.without)
    a = r.ablated
    effects = [
        WordEffect(int(p), w, int(s[0]), int(s[1]), float(c), base - float(c))
        for p, w, s, c in zip(a.positions, a.tokens, a.spans, cos, strict=True)
    ]
    effects.sort(key=lambda e: (-e.drop, e.position))
    check = float(_cos(reference, r.full[None, :])[0])
    return Side(r.occurrence, effects, top, check, a.n_outside, a.n_skipped)


def _cos(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    """(k,) cosines of `v` (dim,) with the rows of `m` (k, dim), in float64 (0 for a zero vector)."""
    v64, m64 = np.asarray(v, np.float64), np.asarray(m, np.float64)
    norms = np.linalg.norm(m64, axis=1) * np.linalg.norm(v64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (m64 @ v64) / norms
    return np.where(norms > 0, out, 0.0)
