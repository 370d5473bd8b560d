"""Leave-one-word-out re-embedding: every context word of a sentence left out in turn, all the
variants of all the targets of one explanation encoded in as few forward passes as the encoder's
token budget allows (one, for sentences of ordinary length).

A *target* is one occurrence: a sentence and the position of its row (word) in that sentence. The
sentence is tokenized by the store's own encoder, so its rows and wordpieces are exactly those the
store was built from; the variants are built at the wordpiece level (never by editing text, which
could merge two words), inside the window that owns the occurrence (words outside it never reached
the stored vector), and go through `BatchEncoder.encode_chunks`, the store's own forward pass,
layer choice and pooling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CtxvecError, ParameterError
from ._content import is_content_word
from ._names import ABLATIONS

if TYPE_CHECKING:
    from ..encoding import BatchEncoder, Tokenized


@dataclass(frozen=True)
class Target:
    """One occurrence to explain: `text`, the position of its row among the sentence's rows, and
    its `token` (checked: a store whose sentence now tokenizes differently is refused)."""

    text: str
    position: int
    token: str


@dataclass
class Ablated:
    """A target re-embedded: `full` (dim,) raw encoder output of the whole sentence, `without`
    (n_words, dim) the occurrence's vector with each context word left out, and those words:
    positions (n_words,), tokens, spans (n_words, 2) character spans. Not tried: `n_outside` words
    outside the occurrence's model window, `n_skipped` punctuation and function words."""

    full: np.ndarray
    without: np.ndarray
    positions: np.ndarray
    tokens: list[str]
    spans: np.ndarray
    n_outside: int
    n_skipped: int


@dataclass
class _Variant:
    pieces: np.ndarray  # (length,) content piece ids
    first: int  # the occurrence's first / last piece in `pieces`
    last: int


def ablate(
    encoder: BatchEncoder, targets: list[Target], ablation: str, all_words: bool = False
) -> tuple[list[Ablated], int]:
    """Re-embed every target whole and with each context word left out (`ablation` "delete" or
    "mask"; content words only unless `all_words`); returns one `Ablated` per target and the number
    of forward passes run."""
    if ablation not in ABLATIONS:
        raise ParameterError("ablation", f"{{name}} must be one of {', '.join(ABLATIONS)}, not {ablation!r}")
    mask_id = encoder.tokenizer.mask_token_id
    if ablation == "mask" and mask_id is None:
        raise ParameterError("ablation", "{name} 'mask' needs a model with a mask token; use 'delete'")
    tok = encoder.tokenize([t.text for t in targets])
    variants: list[_Variant] = []
    layout = []  # per target: (first variant index, words' rows in tok, n_outside)
    for s, target in enumerate(targets):
        rows = np.flatnonzero(tok.row_sentence == s)
        if target.position < 0 or target.position >= len(rows):
            raise CtxvecError(f"position {target.position} is not a word of {target.text!r} ({len(rows)} words)")
        row = int(rows[target.position])
        if tok.row_token[row] != target.token:
            raise CtxvecError(
                f"word {target.position} of {target.text!r} is {tok.row_token[row]!r} for this model, not "
                f"{target.token!r}: the store was built with another tokenizer; rebuild it to explain it"
            )
        a, z = _owner_window(tok, s, row)
        base = int(tok.sent_piece_start[s])
        window = tok.piece_ids[base + a : base + z]
        n_pieces = int(tok.sent_piece_start[s + 1]) - base
        first, last = int(tok.first_rel[row]) - a, int(tok.last_rel[row]) - a
        inside = (tok.first_rel[rows] >= a) & (tok.last_rel[rows] < z)  # special-token rows: outside
        content = (tok.first_rel[rows] >= 0) & (tok.last_rel[rows] < n_pieces)
        others = rows != row
        words = [int(r) for r in rows[inside & others] if all_words or is_content_word(tok.row_token[r])]
        n_outside = int(np.sum(content & others & ~inside))
        n_skipped = int(np.sum(inside & others)) - len(words)
        layout.append((len(variants), words, n_outside, n_skipped))
        variants.append(_Variant(window, first, last))
        for r in words:
            f, l_ = int(tok.first_rel[r]) - a, int(tok.last_rel[r]) - a
            variants.append(_leave_out(window, first, last, f, l_, ablation, mask_id))
    n_special = int(tok.chunk_length[0] - (tok.chunk_stop[0] - tok.chunk_start[0]))  # [CLS] ... [SEP]
    vectors, n_forward = _encode(encoder, tok.n_prefix, n_special, variants)
    out = []
    for start, words, n_outside, n_skipped in layout:
        idx = np.asarray(words, dtype=np.int64)
        out.append(
            Ablated(
                full=vectors[start],
                without=vectors[start + 1 : start + 1 + len(words)],
                positions=tok.row_position[idx].astype(np.int64),
                tokens=[tok.row_token[r] for r in words],
                spans=np.stack([tok.row_start[idx], tok.row_end[idx]], axis=1).astype(np.int64),
                n_outside=n_outside,
                n_skipped=n_skipped,
            )
        )
    return out, n_forward


def _owner_window(tok: Tokenized, sentence: int, row: int) -> tuple[int, int]:
    """[start, stop) in pieces of the window (chunk) that computed `row`."""
    c = int(
        np.flatnonzero((tok.chunk_sentence == sentence) & (tok.chunk_row_start <= row) & (row < tok.chunk_row_stop))[0]
    )
    return int(tok.chunk_start[c]), int(tok.chunk_stop[c])


def _leave_out(
    window: np.ndarray, first: int, last: int, f: int, l_: int, ablation: str, mask_id: int | None
) -> _Variant:
    """`window` with pieces [f, l_] deleted (the occurrence's pieces shifted left when they follow)
    or each replaced by the mask token (every position kept)."""
    if ablation == "mask":
        pieces = window.copy()
        pieces[f : l_ + 1] = mask_id
        return _Variant(pieces, first, last)
    width = l_ - f + 1
    shift = width if f < first else 0
    return _Variant(np.r_[window[:f], window[l_ + 1 :]], first - shift, last - shift)


def _encode(encoder: BatchEncoder, n_prefix: int, n_special: int, variants: list[_Variant]) -> tuple[np.ndarray, int]:
    """(n_variants, dim) raw vectors of the occurrence in each variant: a `Tokenized` with one
    sentence, one window and one row per variant, planned under the encoder's token budget."""
    from ..encoding import Tokenized, plan_batches

    lengths = np.asarray([len(v.pieces) for v in variants], dtype=np.int64)
    n = len(variants)
    starts = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    tok = Tokenized(
        n_sentences=n,
        piece_ids=np.concatenate([v.pieces for v in variants]).astype(np.int64),
        sent_piece_start=starts,
        row_sentence=np.arange(n, dtype=np.int64),
        row_position=np.zeros(n, dtype=np.int32),
        row_token=[""] * n,
        row_start=np.zeros(n, dtype=np.int32),
        row_end=np.zeros(n, dtype=np.int32),
        first_rel=np.asarray([v.first for v in variants], dtype=np.int32),
        last_rel=np.asarray([v.last for v in variants], dtype=np.int32),
        chunk_sentence=np.arange(n, dtype=np.int64),
        chunk_start=np.zeros(n, dtype=np.int32),
        chunk_stop=lengths.astype(np.int32),
        chunk_row_start=np.arange(n, dtype=np.int64),
        chunk_row_stop=np.arange(1, n + 1, dtype=np.int64),
        chunk_length=lengths + n_special,
        n_prefix=n_prefix,
        n_windowed=0,
    )
    out: np.ndarray | None = None
    batches = plan_batches(tok.chunk_length, encoder.batch_tokens)
    for chunks in batches:
        rows, vec = encoder.encode_chunks(tok, chunks)
        if vec.ndim != 2:
            raise CtxvecError("this store keeps every layer of each occurrence; explain needs one vector per row")
        if out is None:
            out = np.zeros((n, vec.shape[1]), dtype=np.float32)
        out[rows] = vec
    assert out is not None
    return out, len(batches)
