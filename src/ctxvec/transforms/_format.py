"""The file format of fitted transforms: plain ``.npy`` arrays plus a small ``transform.json``
(no pickle), written with `save_transform` and read with `load_transform`; a ``Pipeline`` of
them is saved as one sub-folder per step. `transform_id` is a content hash used to name caches;
`describe` is the JSON summary stores record in their manifests.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import TypeAlias

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._io import save_npy_atomic, write_json_atomic
from ..errors import CtxvecError
from ..results import JSON
from ..sources import VectorMap
from ._estimators import CLASSES, PCA, MomentTransform, Whitening

TRANSFORM_JSON = "transform.json"
_STEP_NAME = re.compile(r"[^/\\\x00-\x1f]{1,128}")
"""A pipeline step's name: it becomes part of a folder name, so no separator and (checked apart) no ``..``."""
FORMAT = "ctxvec-transform"
FORMAT_VERSION = 1

Transform: TypeAlias = MomentTransform | Pipeline
"""A fitted ctxvec transform or a ``Pipeline`` of them (what `save_transform` writes)."""


def _steps(t: Transform) -> list[MomentTransform]:
    return [s for _, s in t.steps] if isinstance(t, Pipeline) else [t]


def is_saveable(t: VectorMap) -> bool:
    """True when `t` is a ctxvec transform or a Pipeline of them (so `save_transform` can write it)."""
    steps = [s for _, s in t.steps] if isinstance(t, Pipeline) else [t]
    return all(CLASSES.get(type(s).__name__) is type(s) for s in steps)


def _record(t: Transform) -> JSON:
    if isinstance(t, Pipeline):
        return {"class": "Pipeline", "steps": [name for name, _ in t.steps]}
    if CLASSES.get(type(t).__name__) is not type(t):
        raise CtxvecError(f"cannot save a {type(t).__name__}; only ctxvec transforms and Pipelines of them are saved")
    check_is_fitted(t)
    scalars = {name: getattr(t, name) for name in t._scalars if hasattr(t, name)}
    return {
        "class": type(t).__name__,
        "method": t.method,
        "params": t.get_params(),
        "scalars": {k: int(v) for k, v in scalars.items()},
        "arrays": list(t._arrays),
    }


def save_transform(t: Transform, folder: str | os.PathLike[str]) -> Path:
    """Write a fitted transform (or Pipeline of them) into `folder`: transform.json + one .npy per array."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rec = _record(t)
    rec.update(format=FORMAT, format_version=FORMAT_VERSION, transform_id=transform_id(t))
    if isinstance(t, Pipeline):
        for i, (name, step) in enumerate(t.steps):
            save_transform(step, folder / f"{i}_{name}")
    else:
        for name in t._arrays:
            save_npy_atomic(folder / f"{name}.npy", np.asarray(getattr(t, name)))
    write_json_atomic(folder / TRANSFORM_JSON, rec)
    return folder


def load_transform(folder: str | os.PathLike[str]) -> Transform:
    """Read a transform saved by `save_transform`; a clear CtxvecError when the folder is not one."""
    folder = Path(folder)
    path = folder / TRANSFORM_JSON
    try:
        rec = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise CtxvecError(f"{folder} does not hold a saved transform ({e}); fit it again") from None
    if not isinstance(rec, dict):
        raise CtxvecError(f"{path} is not a JSON object; refit the transform")
    if rec.get("format") != FORMAT or rec.get("format_version") != FORMAT_VERSION:
        raise CtxvecError(f"{path} is not a ctxvec transform of format version {FORMAT_VERSION}; refit it")
    if rec.get("class") == "Pipeline":
        steps: list[str] = []
        for name in rec.get("steps") or [None]:  # names become folder names: plain ones only (untrusted folder)
            if not (isinstance(name, str) and _STEP_NAME.fullmatch(name) and ".." not in name):
                raise CtxvecError(f"{path} names a bad pipeline step {name!r} (not a plain name); refit the transform")
            steps.append(name)
        return Pipeline([(name, load_transform(folder / f"{i}_{name}")) for i, name in enumerate(steps)])
    cls = CLASSES.get(str(rec.get("class")))
    if cls is None:
        raise CtxvecError(f"{path} names an unknown transform class {rec.get('class')!r}")
    unknown = [name for name in rec["arrays"] if name not in cls._arrays]
    if unknown or set(rec["scalars"]) - set(cls._scalars):
        raise CtxvecError(f"{path} names unknown attributes {unknown!r} of {cls.__name__}; refit the transform")
    t = cls(**rec["params"])
    for name, value in rec["scalars"].items():
        setattr(t, name, value)
    for name in rec["arrays"]:
        setattr(t, name, np.load(folder / f"{name}.npy", allow_pickle=False))
    if isinstance(t, Whitening | PCA):
        t._n_features_out = t.n_components_
    return t


def transform_id(t: Transform) -> str:
    """A short content hash naming a fitted transform, e.g. ``whitening-3f2a9c01b4de`` (safe in file names)."""
    h = hashlib.sha256()
    names = []
    for step in _steps(t):
        rec = _record(step)
        names.append(rec["method"])
        h.update(json.dumps(rec, sort_keys=True, default=str).encode())
        for name in step._arrays:
            a = np.ascontiguousarray(getattr(step, name))
            h.update(f"{name}:{a.dtype}:{a.shape}".encode())
            h.update(a.tobytes())
    return f"{'+'.join(names)}-{h.hexdigest()[:12]}"


def describe(t: Transform) -> JSON:
    """A JSON summary of a fitted transform: ``{"transform_id", "steps": [{"method", "params", "n_samples_seen"}]}``."""
    return {
        "transform_id": transform_id(t),
        "steps": [
            {"method": s.method, "params": s.get_params(), "n_samples_seen": s.n_samples_seen_} for s in _steps(t)
        ],
    }


def output_dim(t: VectorMap, dim: int) -> int:
    """Number of output columns of fitted transform `t` on `dim`-dimensional input."""
    return int(np.asarray(t.transform(np.zeros((1, dim)))).shape[1])
