"""How vectors are made (`EncodeSpec`) and the choices it allows; light (no torch), so the CLI can
build its parser from these constants."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from ..errors import CtxvecError, ParameterError
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

    model: str | None = None
    layers: str = "last"
    unit: str = "word"
    pooling: str = "mean"
    keep_special: bool = False
    max_length: int | None = None
    window_overlap: int | None = None
    compute_dtype: str = "auto"

    def validate(self) -> EncodeSpec:
        """This spec, or ParameterError naming the first bad field."""
        if self.unit not in UNITS:
            raise ParameterError("unit", f"unknown {{name}} {self.unit!r}; use one of {', '.join(UNITS)}")
        if self.pooling not in POOLINGS:
            raise ParameterError("pooling", f"unknown {{name}} {self.pooling!r}; use one of {', '.join(POOLINGS)}")
        if self.compute_dtype not in COMPUTE_DTYPES:
            raise ParameterError(
                "compute_dtype",
                f"unknown {{name}} {self.compute_dtype!r}; use one of {', '.join(COMPUTE_DTYPES)}",
            )
        if self.max_length is not None and self.max_length < 4:
            raise ParameterError("max_length", f"{{name}} {self.max_length} is too small; use at least 4")
        if self.window_overlap is not None and self.window_overlap < 0:
            raise ParameterError("window_overlap", f"{{name}} must be 0 or more, got {self.window_overlap}")
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
