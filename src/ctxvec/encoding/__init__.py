"""ctxvec.encoding."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "BatchEncoder": "_encode",
    "COMPUTE_DTYPES": "_encode",
    "DEFAULT_BATCH_TOKENS": "_encode",
    "EncodeSpec": "_encode",
    "EncodedBatch": "_encode",
    "POOLINGS": "_encode",
    "UNITS": "_encode",
    "default_model_path": "_models",
    "owner_windows": "_tokenize",
    "parse_layers": "_encode",
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
    "default_model_path",
    "owner_windows",
    "parse_layers",
    "plan_batches",
    "tokenize",
    "window_starts",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._encode import (
        COMPUTE_DTYPES,
        DEFAULT_BATCH_TOKENS,
        POOLINGS,
        UNITS,
        BatchEncoder,
        EncodedBatch,
        EncodeSpec,
        parse_layers,
    )
    from ._models import default_model_path
    from ._tokenize import owner_windows, plan_batches, tokenize, window_starts
