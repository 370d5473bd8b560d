"""ctxvec.encoding: sentences -> one vector per row, with a Hugging Face encoder.

`EncodeSpec` and the choice constants (light, for parsers) live apart from `BatchEncoder`
(torch, transformers), which loads only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "resolve_model": "_models",
    "load_tokenizer": "_models",
    "BatchEncoder": "_encode",
    "COMPUTE_DTYPES": "_spec",
    "DEFAULT_BATCH_TOKENS": "_spec",
    "EncodeSpec": "_spec",
    "EncodedBatch": "_encode",
    "ModelRef": "_models",
    "POOLINGS": "_spec",
    "PackedBatch": "_encode",
    "Tokenized": "_tokenize",
    "UNITS": "_spec",
    "default_model_path": "_models",
    "model_for_store": "_models",
    "owner_windows": "_tokenize",
    "parse_layers": "_spec",
    "plan_batches": "_tokenize",
    "tokenize": "_tokenize",
    "window_starts": "_tokenize",
}
__all__ = [
    "COMPUTE_DTYPES",
    "DEFAULT_BATCH_TOKENS",
    "POOLINGS",
    "UNITS",
    "BatchEncoder",
    "EncodeSpec",
    "EncodedBatch",
    "ModelRef",
    "PackedBatch",
    "Tokenized",
    "default_model_path",
    "load_tokenizer",
    "model_for_store",
    "owner_windows",
    "parse_layers",
    "plan_batches",
    "resolve_model",
    "tokenize",
    "window_starts",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._encode import BatchEncoder, EncodedBatch, PackedBatch
    from ._models import ModelRef, default_model_path, load_tokenizer, model_for_store, resolve_model
    from ._spec import COMPUTE_DTYPES, DEFAULT_BATCH_TOKENS, POOLINGS, UNITS, EncodeSpec, parse_layers
    from ._tokenize import Tokenized, owner_windows, plan_batches, tokenize, window_starts
