"""Cheap structural checks of a finished store, run by every `Store.open` (and again by `verify_store`).

Nothing here reads data: the manifest's keys and types for its format version, every data file
present, its size equal to the manifest's ``file_bytes``, and the ``.npy`` headers (shape, dtype,
length) equal to the manifest's counts. Each problem is one line naming the file, what is wrong and
what to do. The checksums are `verify_store`'s job (they read every byte).
"""

from __future__ import annotations

import math
import os
import stat
import tokenize
from pathlib import Path

import numpy as np

from ..results import JSON
from ._format import CHECKSUMMED, MANIFEST, NORMS, ROWS, SENTENCES, TRANSFORM_DIR, VECTORS
from ._manifest import REBUILD
from ._paths import SAFE_NAME

__all__ = ["REQUIRED_KEYS", "file_problems", "manifest_problems", "npy_header"]

REQUIRED_KEYS: dict[int, dict[str, type]] = {
    1: {
        "format_version": int,
        "state": str,
        "model": dict,
        "dim": int,
        "dtype": str,
        "n_rows": int,
        "n_sentences": int,
        "checksums": dict,
    }
}
"""The keys a finished store's manifest must hold, and their JSON types, per format version."""

OPTIONAL_KEYS: dict[str, tuple[type, ...]] = {
    "file_bytes": (dict,),
    "n_words": (int,),
    "n_windowed_sentences": (int,),
    "encode": (dict, type(None)),
    "corpus": (dict, type(None)),
    "transform_id": (str,),
    "transform": (dict, type(None)),
    "applied_transform": (dict, type(None)),
    "metadata": (dict,),
}
"""Keys older stores may lack; when present they must have these types."""

DAMAGED_MANIFEST = f"the manifest is damaged: {REBUILD}"


def _is(value: object, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # JSON true/false are no counts
        return bool in types
    return isinstance(value, types)


def _float_dtype(name: str) -> bool:
    """True for a numpy float type name (``float16``, ``float32``; arrays written directly may be ``float64``)."""
    try:
        return np.dtype(name).kind == "f"
    except TypeError:
        return False


def manifest_problems(folder: str | os.PathLike[str], manifest: JSON) -> list[str]:
    """One line per missing key, wrong type or impossible value in the finished store's `manifest`."""
    mf = Path(folder) / MANIFEST
    version = manifest.get("format_version")
    required = REQUIRED_KEYS.get(version) if isinstance(version, int) and not isinstance(version, bool) else None
    if required is None:
        known = ", ".join(str(v) for v in REQUIRED_KEYS)
        return [f"{mf}: unknown format_version {version!r} (this ctxvec reads {known}); {REBUILD}"]
    out = []
    for key, typ in required.items():
        if key not in manifest:
            out.append(f"{mf} lacks the key {key!r} of format version {version}; {DAMAGED_MANIFEST}")
        elif not _is(manifest[key], (typ,)):
            out.append(f"{mf}: {key} is {manifest[key]!r}, not a JSON {typ.__name__}; {DAMAGED_MANIFEST}")
    for key, types in OPTIONAL_KEYS.items():
        if key in manifest and not _is(manifest[key], types):
            out.append(f"{mf}: {key} is {manifest[key]!r}, of the wrong type; {DAMAGED_MANIFEST}")
    if out:
        return out
    if manifest["dim"] < 1 or manifest["n_rows"] < 0 or manifest["n_sentences"] < 0:
        out.append(f"{mf}: impossible counts (dim, n_rows, n_sentences); {DAMAGED_MANIFEST}")
    if not _float_dtype(manifest["dtype"]):
        out.append(f"{mf}: dtype {manifest['dtype']!r} is not a float type; {DAMAGED_MANIFEST}")
    if not isinstance(manifest["model"].get("name"), str):
        out.append(f"{mf}: model has no name; {DAMAGED_MANIFEST}")
    sums = manifest["checksums"]
    for name in CHECKSUMMED:
        value = sums.get(name)
        if not (isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)):
            out.append(f"{mf}: checksums has no SHA-256 for {name}; {DAMAGED_MANIFEST}")
    for name, size in (manifest.get("file_bytes") or {}).items():
        if not (_is(size, (int,)) and size >= 0):
            out.append(f"{mf}: file_bytes of {name} is {size!r}; {DAMAGED_MANIFEST}")
    out += _name_problems(mf, manifest)
    return out


def _name_problems(mf: Path, manifest: JSON) -> list[str]:
    """Names the manifest holds that become paths: plain names only (see `ctxvec.store._paths`)."""
    names: list[tuple[str, object]] = []
    if "transform_id" in manifest:
        names.append(("transform_id", manifest["transform_id"]))
    applied = manifest.get("applied_transform") or {}
    raw = applied.get("raw_to_vectors")
    if raw is not None:
        names.append(("applied_transform.raw_to_vectors.path", raw.get("path") if isinstance(raw, dict) else raw))
    return [
        f"{mf} has a bad {what} {value!r} (not a plain file name inside the store); "
        f"the store was tampered with or damaged: {REBUILD}"
        for what, value in names
        if not (isinstance(value, str) and SAFE_NAME.fullmatch(value) and ".." not in value)
    ]


def npy_header(path: str | os.PathLike[str]) -> tuple[tuple[int, ...], np.dtype, bool, int]:
    """(shape, dtype, fortran_order, data offset) from the header of the ``.npy`` file at `path`
    (reads a few hundred bytes); ValueError when it is not a ``.npy`` file."""
    with open(path, "rb") as f:
        major, minor = np.lib.format.read_magic(f)
        if minor != 0 or major not in (1, 2, 3):  # what np.load accepts
            raise ValueError(f"unknown .npy format version {major}.{minor}")
        try:
            if major == 1:
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        except (SyntaxError, tokenize.TokenError) as e:  # numpy parses the header as a Python literal
            raise ValueError(f"the header is not a Python literal: {e}") from e
        return tuple(int(x) for x in shape), np.dtype(dtype), bool(fortran), f.tell()


def _file_size(path: Path) -> int | None:
    """Size of the regular file at `path` (one stat), None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def _npy_problem(path: Path, size: int, shape: tuple[int, ...], dtype: str, fix: str) -> str | None:
    """A line when the ``.npy`` at `path` (`size` bytes) does not hold `shape` of `dtype`, or is
    shorter/longer than its header says."""
    try:
        got_shape, got_dtype, fortran, offset = npy_header(path)
    except (OSError, ValueError) as e:
        return f"{path} is not a readable .npy file ({e}); {fix}"
    if got_shape != shape or got_dtype != np.dtype(dtype) or fortran:
        return f"{path} holds {got_dtype} {got_shape}, the manifest expects {dtype} {shape}; {fix}"
    expected = offset + math.prod(shape) * np.dtype(dtype).itemsize
    if size != expected:
        state = "truncated" if size < expected else "longer than its header says"
        return f"{path} is {state} ({size:,} bytes, its header needs {expected:,}); {fix}"
    return None


def file_problems(folder: str | os.PathLike[str], manifest: JSON) -> list[str]:
    """One line per missing data file, size unlike the manifest's ``file_bytes``, or ``.npy`` header
    unlike the manifest's shape. Reads only file sizes and two ``.npy`` headers."""
    p = Path(folder)
    sizes = manifest.get("file_bytes") or {}
    n, dim = int(manifest["n_rows"]), int(manifest["dim"])
    out = []
    for name in (VECTORS, ROWS, SENTENCES):
        path = p / name
        size = _file_size(path)
        if size is None:
            out.append(f"{path} is missing; {REBUILD}")
        elif name in sizes and size != sizes[name]:
            out.append(
                f"{path} has {size:,} bytes, the manifest records {sizes[name]:,} (truncated or changed); {REBUILD}"
            )
        elif name == VECTORS and (problem := _npy_problem(path, size, (n, dim), manifest["dtype"], REBUILD)):
            out.append(problem)
    norms = p / NORMS
    size = _file_size(norms)
    if size is not None:  # a cache: missing is fine (rebuilt on first use), wrong is not
        fix = "delete it (it is rebuilt on first use)"
        if NORMS in sizes and size != sizes[NORMS]:
            out.append(f"{norms} has {size:,} bytes, the manifest records {sizes[NORMS]:,}; {fix}")
        elif NORMS not in sizes and (problem := _npy_problem(norms, size, (n,), "float32", fix)):
            out.append(problem)
    transform = p / TRANSFORM_DIR
    if transform.exists() and not transform.is_dir():
        out.append(f"{transform} is not a folder; remove it (an in-place transform is kept in a folder)")
    return out
