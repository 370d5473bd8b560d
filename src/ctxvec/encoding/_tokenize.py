"""Tokenize sentences into store rows and encoder windows (pure numpy, no model).

A *row* is one output vector: a word (pre-tokenizer word, its text cut from the sentence by
the tokenizer's character offsets), a wordpiece (``unit="subword"``), or a special token
(``keep_special``). A *chunk* is one model input: a window of at most ``max_length`` tokens
of one sentence, specials included. Sentences longer than that are covered by overlapping
windows; each row is *owned* by the window that contains it with the most context on both
sides, so every row is computed exactly once and rows owned by one chunk are contiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa
    from transformers import PreTrainedTokenizerFast

TOKENIZE_BATCH = 4096


@dataclass
class Tokenized:
    """Rows and chunks of a list of sentences.

    Row arrays have shape (n_rows,); chunk arrays (n_chunks,). ``first_rel``/``last_rel`` are a
    row's first/last token index relative to its sentence's first content token (prefix
    specials negative, suffix specials >= the sentence's token count).
    """

    n_sentences: int
    piece_ids: np.ndarray  # (n_pieces,) int64, all sentences' content tokens, concatenated
    sent_piece_start: np.ndarray  # (n_sentences + 1,) int64 offsets into piece_ids
    row_sentence: np.ndarray  # (n_rows,) int64
    row_position: np.ndarray  # (n_rows,) int32
    row_token: list[str]
    row_start: np.ndarray  # (n_rows,) int32 character span
    row_end: np.ndarray
    first_rel: np.ndarray  # (n_rows,) int32
    last_rel: np.ndarray  # (n_rows,) int32
    chunk_sentence: np.ndarray  # (n_chunks,) int64
    chunk_start: np.ndarray  # (n_chunks,) int32 window start, relative to the sentence
    chunk_stop: np.ndarray  # (n_chunks,) int32 window end (exclusive)
    chunk_row_start: np.ndarray  # (n_chunks,) int64 first owned row
    chunk_row_stop: np.ndarray  # (n_chunks,) int64
    chunk_length: np.ndarray  # (n_chunks,) model input length, specials included
    n_prefix: int  # special tokens before the content (e.g. [CLS])
    n_windowed: int  # sentences that needed more than one window

    @property
    def n_rows(self) -> int:
        return len(self.row_sentence)

    @property
    def n_tokens(self) -> int:
        """Real (non-padding) tokens the model will see, specials included."""
        return int(np.sum(self.chunk_length))

    def rows_table(self) -> pa.Table:
        """The store's rows table: sentence_id, position, token, start, end."""
        import pyarrow as pa

        return pa.table(
            {
                "sentence_id": self.row_sentence,
                "position": self.row_position,
                "token": self.row_token,
                "start": self.row_start,
                "end": self.row_end,
            }
        )


@dataclass(frozen=True)
class SpecialTokens:
    """Token ids the model expects around a single sequence (e.g. [CLS] ... [SEP])."""

    prefix: list[int]
    suffix: list[int]
    prefix_text: list[str]
    suffix_text: list[str]

    @classmethod
    def of(cls, tokenizer: PreTrainedTokenizerFast) -> SpecialTokens:
        bare = list(tokenizer("a", add_special_tokens=False)["input_ids"])
        full = list(tokenizer("a", add_special_tokens=True)["input_ids"])
        i = next(k for k in range(len(full) - len(bare) + 1) if full[k : k + len(bare)] == bare)
        pre, suf = full[:i], full[i + len(bare) :]
        pre_text, suf_text = tokenizer.convert_ids_to_tokens(pre), tokenizer.convert_ids_to_tokens(suf)
        return cls(pre, suf, [str(t) for t in pre_text], [str(t) for t in suf_text])


def window_starts(n: int, size: int, overlap: int) -> np.ndarray:
    """Starts of windows of `size` covering [0, n), consecutive windows sharing `overlap` tokens;
    the last window is aligned to the end so that it is full."""
    if n <= size:
        return np.zeros(1, dtype=np.int64)
    step = max(1, size - overlap)
    starts = list(range(0, n - size, step)) + [n - size]
    return np.asarray(sorted(set(starts)), dtype=np.int64)


def owner_windows(first: np.ndarray, last: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
    """For each row (token range [first, last]), the window that holds it with the most context.

    Prefers windows that contain the whole range; result is non-decreasing along rows.
    """
    ends = starts + size - 1
    contains = (starts[None, :] <= first[:, None]) & (ends[None, :] >= last[:, None])
    context = np.minimum(first[:, None] - starts[None, :], ends[None, :] - last[:, None])
    score = np.where(contains, context, context - 10**9)
    owner = np.argmax(score, axis=1)
    return np.maximum.accumulate(owner)


def tokenize(
    sentences: list[str],
    tokenizer: PreTrainedTokenizerFast,
    unit: str = "word",
    keep_special: bool = False,
    max_length: int = 512,
    window_overlap: int | None = None,
    special: SpecialTokens | None = None,
) -> Tokenized:
    """Rows and windowed chunks for `sentences` (see module docstring); `special`: the tokenizer's
    special tokens when already known."""
    special = special or SpecialTokens.of(tokenizer)
    n_pre, n_suf = len(special.prefix), len(special.suffix)
    size = max_length - n_pre - n_suf
    if size < 2:
        raise ValueError(f"max_length {max_length} leaves no room for tokens")
    overlap = size // 4 if window_overlap is None else min(window_overlap, size - 1)

    piece_ids: list[np.ndarray] = []
    sent_piece_start = [0]
    row_sentence: list[np.ndarray] = []
    row_token: list[str] = []
    row_start: list[np.ndarray] = []
    row_end: list[np.ndarray] = []
    first_rel: list[np.ndarray] = []
    last_rel: list[np.ndarray] = []
    chunk_sentence: list[int] = []
    chunk_start: list[int] = []
    chunk_stop: list[int] = []
    chunk_row_start: list[int] = []
    chunk_row_stop: list[int] = []
    n_rows = 0
    n_windowed = 0

    for b0 in range(0, len(sentences), TOKENIZE_BATCH):
        batch = sentences[b0 : b0 + TOKENIZE_BATCH]
        enc = tokenizer(
            batch,
            add_special_tokens=False,
            return_offsets_mapping=True,
            return_attention_mask=False,
            return_token_type_ids=False,
        )
        for j, text in enumerate(batch):
            sid = b0 + j
            e = enc.encodings[j]
            ids = np.asarray(e.ids, dtype=np.int64)
            offsets = np.asarray(e.offsets, dtype=np.int32).reshape(-1, 2)
            n = len(ids)
            piece_ids.append(ids)
            sent_piece_start.append(sent_piece_start[-1] + n)

            if unit == "subword":
                f = l_ = np.arange(n, dtype=np.int32)
                toks = list(e.tokens)
            else:
                wid = np.asarray([-1 if w is None else w for w in e.word_ids], dtype=np.int64)
                if n:
                    new = np.r_[True, wid[1:] != wid[:-1]]
                    f = np.flatnonzero(new).astype(np.int32)
                    l_ = (np.r_[f[1:], n] - 1).astype(np.int32)
                else:
                    f = l_ = np.zeros(0, dtype=np.int32)
                toks = []
            starts = offsets[f, 0] if n else np.zeros(0, np.int32)
            ends = offsets[l_, 1] if n else np.zeros(0, np.int32)
            if unit != "subword":
                toks = [text[a:z] for a, z in zip(starts.tolist(), ends.tolist(), strict=True)]
            if keep_special:
                pre = np.arange(-n_pre, 0, dtype=np.int32)
                suf = np.arange(n, n + n_suf, dtype=np.int32)
                f = np.r_[pre, f, suf].astype(np.int32)
                l_ = np.r_[pre, l_, suf].astype(np.int32)
                starts = np.r_[np.zeros(n_pre, np.int32), starts, np.full(n_suf, len(text), np.int32)]
                ends = np.r_[np.zeros(n_pre, np.int32), ends, np.full(n_suf, len(text), np.int32)]
                toks = special.prefix_text + toks + special.suffix_text
            k = len(f)
            if k == 0:
                continue
            row_sentence.append(np.full(k, sid, dtype=np.int64))
            row_token += toks
            row_start.append(starts.astype(np.int32))
            row_end.append(ends.astype(np.int32))
            first_rel.append(f)
            last_rel.append(l_)

            wstarts = window_starts(n, size, overlap)
            if len(wstarts) == 1:
                owners = np.zeros(k, dtype=np.int64)
            else:
                n_windowed += 1
                # specials belong to the first (prefix) or last (suffix) window
                owners = owner_windows(np.clip(f, 0, n - 1), np.clip(l_, 0, n - 1), wstarts, size)
            counts = np.bincount(owners, minlength=len(wstarts))
            row0 = n_rows
            for w, ws in enumerate(wstarts.tolist()):
                if counts[w] == 0:
                    continue
                chunk_sentence.append(sid)
                chunk_start.append(ws)
                chunk_stop.append(min(ws + size, n))
                chunk_row_start.append(row0)
                chunk_row_stop.append(row0 + int(counts[w]))
                row0 += int(counts[w])
            n_rows += k

    def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    row_sent = cat(row_sentence, np.int64)
    positions = np.zeros(len(row_sent), dtype=np.int32)
    if len(row_sent):
        boundaries = np.r_[0, np.flatnonzero(np.diff(row_sent)) + 1]
        group_start = np.repeat(boundaries, np.diff(np.r_[boundaries, len(row_sent)]))
        positions = (np.arange(len(row_sent)) - group_start).astype(np.int32)
    c_start = np.asarray(chunk_start, dtype=np.int32)
    c_stop = np.asarray(chunk_stop, dtype=np.int32)
    return Tokenized(
        n_sentences=len(sentences),
        piece_ids=cat(piece_ids, np.int64),
        sent_piece_start=np.asarray(sent_piece_start, dtype=np.int64),
        row_sentence=row_sent,
        row_position=positions,
        row_token=row_token,
        row_start=cat(row_start, np.int32),
        row_end=cat(row_end, np.int32),
        first_rel=cat(first_rel, np.int32),
        last_rel=cat(last_rel, np.int32),
        chunk_sentence=np.asarray(chunk_sentence, dtype=np.int64),
        chunk_start=c_start,
        chunk_stop=c_stop,
        chunk_row_start=np.asarray(chunk_row_start, dtype=np.int64),
        chunk_row_stop=np.asarray(chunk_row_stop, dtype=np.int64),
        chunk_length=(c_stop - c_start + n_pre + n_suf).astype(np.int64),
        n_prefix=n_pre,
        n_windowed=n_windowed,
    )


def plan_batches(lengths: np.ndarray, batch_tokens: int, max_batch: int = 512) -> list[np.ndarray]:
    """Group chunk indices into batches, longest first, so that rows x padded length <= batch_tokens."""
    order = np.argsort(-lengths, kind="stable")
    batches: list[np.ndarray] = []
    i = 0
    while i < len(order):
        longest = int(lengths[order[i]])
        size = max(1, min(max_batch, batch_tokens // max(longest, 1)))
        batches.append(order[i : i + size])
        i += size
    return batches
