"""The batch encoder: sentences in, one vector per row out.

`BatchEncoder` is a plain callable (``enc(sentences) -> EncodedBatch``) that the local runner
(`ctxvec.runners._local`) and any cluster runner reuse. Internally: tokenize (`ctxvec.encoding._tokenize`),
group windows into length-sorted batches under a token budget, run the model under
``torch.inference_mode``, pick the layer(s), and pool wordpieces into words.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .. import _gc
from .._threads import thread_limits
from ..errors import ParameterError
from ._models import (
    ModelRef,
    load_model,
    load_tokenizer,
    resolve_compute_dtype,
    resolve_device,
    resolve_model,
    weights_sha256,
)
from ._spec import DEFAULT_BATCH_TOKENS, EncodeSpec, parse_layers
from ._tokenize import SpecialTokens, Tokenized, plan_batches, tokenize
from ._unpadded import supports_fused, supports_unpadded, unpadded_hidden_states

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerFast


SINGLE_THREAD_TOKENS = 512
"""Calls with at most this many tokens (a query sentence) compute on one thread."""


@dataclass
class EncodedBatch:
    """Rows of the encoded sentences: vectors (n_rows, dim) float32 — (n_rows, n_layers + 1, dim)
    with layers ``all`` — and per row its sentence index, position, token and character span."""

    vectors: np.ndarray
    sentence_index: np.ndarray
    positions: np.ndarray
    tokens: list[str]
    spans: np.ndarray
    n_windowed: int = 0

    def __len__(self) -> int:
        return len(self.tokens)


@dataclass(frozen=True)
class PackedBatch:
    """One model input, packed: token ids (B, T) int64 and its mask (None when no row is padded),
    the rows it owns (k,) and each row's first/last token as a flat index into (B * T)."""

    rows: np.ndarray
    ids: np.ndarray
    mask: np.ndarray | None
    first: np.ndarray
    last: np.ndarray
    n_tokens: int


@dataclass
class BatchEncoder:
    """A loaded model + tokenizer + spec. Call it with a list of sentences."""

    spec: EncodeSpec
    ref: ModelRef
    tokenizer: PreTrainedTokenizerFast
    model: PreTrainedModel
    device: str
    max_length: int
    layer_indices: list[int] | None
    batch_tokens: int = DEFAULT_BATCH_TOKENS
    weights_hash: str | None = field(default=None, repr=False)

    @classmethod
    def load(cls, spec: EncodeSpec, device: str = "auto", batch_tokens: int = DEFAULT_BATCH_TOKENS) -> BatchEncoder:
        """Resolve and load the spec's model on `device`; the encoder's `spec` holds the precision
        actually used (``auto`` resolved)."""
        spec.validate()
        ref = resolve_model(spec.model)
        with ThreadPoolExecutor(1, thread_name_prefix="ctxvec-hash") as pool, _gc.loading():
            weights_hash = pool.submit(weights_sha256, ref.path)  # reading and hashing release the GIL
            # torch's and transformers' imports, and the model (`ctxvec._gc`)
            dev = resolve_device(device)
            spec = replace(spec, compute_dtype=resolve_compute_dtype(spec.compute_dtype, ref, dev))
            tokenizer = load_tokenizer(ref)
            model = load_model(ref, dev, spec.compute_dtype)
        cfg = model.config
        limits = [getattr(cfg, "max_position_embeddings", None), getattr(tokenizer, "model_max_length", None)]
        model_max = min(int(x) for x in limits if x and 0 < int(x) < 100_000) if any(limits) else 512
        if spec.max_length is not None and spec.max_length > model_max:
            raise ParameterError("max_length", f"{{name}} {spec.max_length} exceeds the model's maximum of {model_max}")
        tokenizer.model_max_length = 10**9  # we window ourselves; silence the length warning
        layers = parse_layers(spec.layers, int(cfg.num_hidden_layers))
        return cls(
            spec=spec,
            ref=ref,
            tokenizer=tokenizer,
            model=model,
            device=dev,
            max_length=spec.max_length or model_max,
            layer_indices=layers,
            batch_tokens=batch_tokens,
            weights_hash=weights_hash.result(),
        )

    @property
    def n_layers(self) -> int:
        return int(self.model.config.num_hidden_layers)

    @property
    def dim(self) -> int:
        return int(self.model.config.hidden_size)

    def tokenize(self, sentences: list[str]) -> Tokenized:
        """Rows and windows of `sentences` under this encoder's unit, specials and max length."""
        return tokenize(
            sentences,
            self.tokenizer,
            unit=self.spec.unit,
            keep_special=self.spec.keep_special,
            max_length=self.max_length,
            window_overlap=self.spec.window_overlap,
            special=self.special_tokens,
        )

    def plan(self, tok: Tokenized) -> list[np.ndarray]:
        """Chunk indices grouped into length-sorted batches under the token budget."""
        return plan_batches(tok.chunk_length, self.batch_tokens)

    def prepare(self, tok: Tokenized, chunks: np.ndarray) -> PackedBatch:
        """Pack chunks `chunks` (indices into `tok`) into one model input (numpy only, no model: a
        producer thread runs this while the model computes the previous batch)."""
        n_pre = tok.n_prefix
        prefix, suffix = self._special
        lengths = tok.chunk_length[chunks]
        width = int(lengths.max())
        ids = np.full((len(chunks), width), self.tokenizer.pad_token_id or 0, dtype=np.int64)
        mask = np.zeros((len(chunks), width), dtype=np.int64)
        row_parts, pos_first, pos_last = [], [], []
        for b, c in enumerate(chunks.tolist()):
            s = tok.chunk_sentence[c]
            base = tok.sent_piece_start[s]
            a, z = int(tok.chunk_start[c]), int(tok.chunk_stop[c])
            content = tok.piece_ids[base + a : base + z]
            seq = np.r_[prefix, content, suffix]
            ids[b, : len(seq)] = seq
            mask[b, : len(seq)] = 1
            r0, r1 = int(tok.chunk_row_start[c]), int(tok.chunk_row_stop[c])
            lo, hi = b * width, b * width + len(seq) - 1
            row_parts.append(np.arange(r0, r1))
            pos_first.append(np.clip(tok.first_rel[r0:r1] - a + n_pre + b * width, lo, hi))
            pos_last.append(np.clip(tok.last_rel[r0:r1] - a + n_pre + b * width, lo, hi))
        return PackedBatch(
            rows=np.concatenate(row_parts),
            ids=ids,
            mask=None if bool(mask.all()) else mask,
            first=np.concatenate(pos_first).astype(np.int64),
            last=np.concatenate(pos_last).astype(np.int64),
            n_tokens=int(lengths.sum()),
        )

    def forward(self, batch: PackedBatch) -> tuple[np.ndarray, np.ndarray]:
        """One forward pass over a packed batch, layers chosen and pooled.

        Returns (row_ids (k,) int64, vectors (k, dim) or (k, n_layers + 1, dim) float32).
        """
        import torch

        wanted = list(range(self.n_layers + 1)) if self.layer_indices is None else self.layer_indices
        with torch.inference_mode():
            ids = torch.from_numpy(batch.ids).to(self.device)
            if self.unpadded:  # the dense layers see the real tokens only (`_unpadded`)
                first, last, keep, mask = batch.first, batch.last, None, None
                if batch.mask is not None:
                    flat = batch.mask.reshape(-1)
                    packed_at = np.cumsum(flat) - 1  # flat position -> position among the real tokens
                    first, last = packed_at[first], packed_at[last]
                    keep = torch.from_numpy(np.flatnonzero(flat)).to(self.device)
                    mask = torch.from_numpy(batch.mask).to(self.device, dtype=torch.bool)
                by_layer = unpadded_hidden_states(self.model, ids, keep, mask, set(wanted), fused=self.fused)
                flats = [by_layer[i] for i in wanted]
            else:
                mask_t = None if batch.mask is None else torch.from_numpy(batch.mask).to(self.device)
                out = self.model(input_ids=ids, attention_mask=mask_t, output_hidden_states=wanted != [self.n_layers])
                states = (
                    [out.last_hidden_state] if wanted == [self.n_layers] else [out.hidden_states[i] for i in wanted]
                )
                flats = [h.reshape(-1, h.shape[-1]) for h in states]
                first, last = batch.first, batch.last
            first_t, last_t = torch.from_numpy(first), torch.from_numpy(last)
            pooled = [self._pool(h, first_t, last_t) for h in flats]
            if self.layer_indices is None:
                vec = torch.stack(pooled, dim=1)
            else:
                vec = pooled[0] if len(pooled) == 1 else torch.stack(pooled).mean(dim=0)
            return batch.rows, vec.float().cpu().numpy()

    @cached_property
    def unpadded(self) -> bool:
        """Whether forward passes skip the padding in the dense layers (BERT encoders: `_unpadded`)."""
        return supports_unpadded(self.model)

    @cached_property
    def fused(self) -> bool:
        """Whether the padding-free forward runs its dense layers through oneDNN with bias, GELU and
        residual fused (bfloat16 on a CPU that computes it natively: `_unpadded.supports_fused`)."""
        return self.unpadded and supports_fused(self.model)

    def encode_chunks(self, tok: Tokenized, chunks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Encode chunks `chunks` (indices into `tok`) in one forward pass: `forward(prepare(...))`.

        Returns (row_ids (k,) int64, vectors (k, dim) or (k, n_layers + 1, dim) float32): the rows
        those chunks own.
        """
        return self.forward(self.prepare(tok, chunks))

    @cached_property
    def special_tokens(self) -> SpecialTokens:
        """The model's special tokens around one sequence (found once)."""
        return SpecialTokens.of(self.tokenizer)

    @cached_property
    def _special(self) -> tuple[np.ndarray, np.ndarray]:
        sp = self.special_tokens
        return np.asarray(sp.prefix, dtype=np.int64), np.asarray(sp.suffix, dtype=np.int64)

    def _pool(self, flat: torch.Tensor, first: torch.Tensor, last: torch.Tensor) -> torch.Tensor:
        """Pool token states `flat` (B*T, dim) over each row's [first, last] positions -> (k, dim)."""
        import torch

        dev = flat.device
        first, last = first.to(dev), last.to(dev)
        if self.spec.pooling == "first":
            return flat[first]
        if self.spec.pooling == "last":
            return flat[last]
        counts = last - first + 1
        if bool((counts == 1).all()):
            return flat[first]
        starts = torch.repeat_interleave(first, counts)  # each row's wordpieces, in order
        offsets = torch.arange(len(starts), device=dev) - torch.repeat_interleave(
            torch.cumsum(counts, 0) - counts, counts
        )
        gathered = flat[starts + offsets].float()
        return torch.segment_reduce(gathered, "sum", lengths=counts) / counts[:, None].float()

    def iter_batches(self, tok: Tokenized) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (row_ids, vectors) for every planned batch of `tok`."""
        for chunks in self.plan(tok):
            yield self.encode_chunks(tok, chunks)

    def __call__(self, sentences: list[str]) -> EncodedBatch:
        """Encode `sentences`; rows come back in sentence order."""
        tok = self.tokenize(list(sentences))
        shape: tuple[int, ...] = (
            (tok.n_rows, self.dim)
            if self.layer_indices is not None
            else (
                tok.n_rows,
                self.n_layers + 1,
                self.dim,
            )
        )
        vectors = np.zeros(shape, dtype=np.float32)
        # a sentence or two: one thread (OpenMP workers only wait on each other over such small
        # matrices, and on a loaded machine a query then takes seconds instead of milliseconds)
        with thread_limits(1 if tok.n_tokens <= SINGLE_THREAD_TOKENS else None):
            for rows, vec in self.iter_batches(tok):
                vectors[rows] = vec
        return EncodedBatch(
            vectors=vectors,
            sentence_index=tok.row_sentence,
            positions=tok.row_position,
            tokens=tok.row_token,
            spans=np.stack([tok.row_start, tok.row_end], axis=1),
            n_windowed=tok.n_windowed,
        )
