"""How vectors are made (`EncodeSpec`) and the choices it allows; light (no torch), so the CLI can
build its parser from these constants."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from ..errors import CtxvecError, ParameterError
from ..params import check_fields, option
from ..results import JSON

UNITS = ("word", "subword")
POOLINGS = ("mean", "first", "last")
COMPUTE_DTYPES = ("auto", "float32", "bfloat16", "int8")
"""Model arithmetic. ``auto``: bfloat16 for the embedded default model on a CPU that computes bfloat16
natively (AVX512-BF16 or AMX; bench_embed measures its fidelity against float32), float32 otherwise.
``int8``: dynamic int8 quantization of the linear layers (CPU only, opt-in). A store's manifest
records the precision it was built with, never ``auto``."""
DEFAULT_BATCH_TOKENS = 8192


@dataclass(frozen=True)
class EncodeSpec:
    """How vectors are made. `layers`: ``last``, an index (``0`` = input embeddings, ``-2``),
    a slice averaged (``-4:`` = mean of the last four), a comma list averaged, or ``all``."""

    model: str | None = option(None, "Hugging Face model folder or hub id (default: embedded all-MiniLM-L6-v2)")
    layers: str = option("last", "last, an index (0 = embeddings, -2), a range averaged (-4:), or a list (2,4)")
    unit: str = option("word", "one vector per word or per wordpiece", choices=UNITS)
    pooling: str = option("mean", "how wordpieces pool into a word", choices=POOLINGS)
    keep_special: bool = option(False, "keep special tokens such as [CLS] and [SEP] as rows")
    max_length: int | None = option(None, "window length in tokens (default: the model's maximum)", low=4)
    window_overlap: int | None = option(None, "tokens shared by consecutive windows of long sentences", low=0)
    compute_dtype: str = option(
        "auto",
        "model arithmetic (auto: bfloat16 for the default model on CPUs with AVX512-BF16/AMX, else float32; "
        "int8: dynamic quantization, CPU only)",
        choices=COMPUTE_DTYPES,
    )

    def validate(self) -> EncodeSpec:
        """This spec, or ParameterError naming the first bad field."""
        check_fields(self)
        parse_layers(self.layers, 12)  # syntax check
        return self

    def to_manifest(self) -> JSON:
        """The spec as the manifest's ``encode`` entry."""
        return asdict(self)

    @classmethod
    def from_manifest(cls, manifest: JSON) -> EncodeSpec:
        """The spec a store was built with (its model resolved from the manifest's path)."""
        enc = manifest.get("encode")
        if not enc:
            raise CtxvecError("this store was not built by ctxvec.embed and has no model to embed new sentences with")
        spec = cls(**enc)
        path = manifest["model"].get("path")
        return replace(spec, model=path or spec.model)


def parse_layers(spec: str, n_layers: int) -> list[int] | None:
    """Hidden-state indices (0..n_layers) that `spec` averages; None for ``all``."""
    text = str(spec).strip().lower()
    indices = list(range(n_layers + 1))
    try:
        if text == "all":
            return None
        if text == "last":
            return [n_layers]
        if ":" in text:
            a, _, b = text.partition(":")
            chosen = indices[slice(int(a) if a else None, int(b) if b else None)]
        else:
            chosen = [indices[int(x)] for x in text.split(",")]
    except (ValueError, IndexError):
        raise ParameterError(
            "layers",
            f"bad {{name}} {spec!r} for a model with {n_layers} layers; use last, an index 0..{n_layers} "
            "(0 = embeddings, -1 = last), a range like -4: (mean of the last four), a list like 2,4, or all",
        ) from None
    if not chosen:
        raise ParameterError("layers", f"{{name}} {spec!r} selects no layer of a model with {n_layers} layers")
    return chosen
