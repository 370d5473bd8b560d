"""The caches operations keep inside a store, checked by `verify_store` against the vectors they record.

Every cache records the `vectors_record` of the vectors it was built from (`ctxvec.store._artifacts`):

==========================================  ==========================================================
``norms.npy`` / ``norms.<transform id>.npy``  named by the record (raw vectors / the in-place transform)
``types[.<transform id>].parquet`` + ``.npy``  the record in the Parquet metadata (`TYPES_RECORD_KEY`)
``index/<kind>.json`` + ``.faiss``            the record at the top level of the JSON
``factors/<name>/factors.json`` + ``.npy``    the record under ``"vectors"``
``transform/``                                 its own content hash = the manifest's ``transform_id``
``words/<kind>/<word>.npz``                    the manifest's hash, in its ``meta`` (`_word_cache`)
==========================================  ==========================================================

A cache built from other vectors is stale: operations refuse it (indexes, factors) or rebuild it (word
types, norms). `cache_problems` reports stale caches as notes, and caches that claim the current
vectors but do not fit them (shape, rows out of range, a transform whose content changed) as problems.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CtxvecError
from ..results import JSON
from ._checks import npy_header
from ._format import TRANSFORM_DIR
from ._paths import SAFE_NAME, inside_store

if TYPE_CHECKING:
    from ._reader import Store

__all__ = ["FACTORS_DIR", "INDEX_DIR", "TYPES_RECORD_KEY", "cache_problems"]

TYPES_RECORD_KEY = b"ctxvec.vectors_record"
INDEX_DIR = "index"
FACTORS_DIR = "factors"
NORM_SAMPLE = 256
DELETE = "delete it (operations rebuild it when needed)"


def _plain(path: Path) -> bool:
    return bool(SAFE_NAME.fullmatch(path.name)) and ".." not in path.name


def _shape_problem(path: Path, rows: int | None, dim: int | None, fix: str) -> str | None:
    """A line when the ``.npy`` at `path` is unreadable or its shape is not (`rows`, `dim`) (None: any)."""
    try:
        shape, _, _, _ = npy_header(path)
    except (OSError, ValueError) as e:
        return f"{path} is not a readable .npy file ({e}); {fix}"
    want = (rows, dim)
    if len(shape) != 2 or any(w is not None and w != s for w, s in zip(want, shape, strict=True)):
        return f"{path} has shape {shape}, expected ({rows if rows is not None else 'k'}, {dim}); {fix}"
    return None


def _read_json(path: Path, problems: list[str]) -> JSON | None:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError) as e:
        problems.append(f"{path} is not readable JSON ({str(e)[:120]}); {DELETE}")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path} is not a JSON object; {DELETE}")
        return None
    return data


def _norm_caches(store: Store, out: tuple[list[str], list[str], list[str]]) -> None:
    problems, notes, checked = out
    current = store.transform_id
    for path in sorted(store.path.glob("norms.*.npy")):
        checked.append(path.name)
        tid = path.name[len("norms.") : -len(".npy")]
        if tid != current:
            notes.append(f"{path} belongs to transform {tid!r}, not the store's current one; unused ({DELETE})")
            continue
        try:
            shape, dtype, _, _ = npy_header(path)
        except (OSError, ValueError) as e:
            problems.append(f"{path} is not a readable .npy file ({e}); {DELETE}")
            continue
        if shape != (store.n_rows,) or dtype != np.float32:
            problems.append(f"{path} holds {dtype} {shape}, expected float32 ({store.n_rows},); {DELETE}")
            continue
        rows = np.unique(np.random.default_rng(0).integers(0, store.n_rows, min(NORM_SAMPLE, store.n_rows)))
        saved = np.load(path, mmap_mode="r")[rows]
        if not np.allclose(saved, np.linalg.norm(store.get_vectors(rows), axis=1), rtol=1e-4, atol=1e-6):
            problems.append(f"{path}: norms differ from the transformed vectors'; {DELETE}")


def _type_caches(store: Store, out: tuple[list[str], list[str], list[str]]) -> None:
    import pyarrow.parquet as pq

    problems, notes, checked = out
    for table_path in sorted([*store.path.glob("types*.parquet"), *store.path.glob("decontextualized.parquet")]):
        vec_path = table_path.with_suffix(".npy")
        checked.append(table_path.name)
        try:
            meta = pq.read_metadata(table_path)
            record_raw = (pq.read_schema(table_path).metadata or {}).get(TYPES_RECORD_KEY)
        except Exception as e:  # pyarrow raises several types for a damaged file
            problems.append(f"{table_path} is not a readable Parquet file ({str(e)[:120]}); {DELETE}")
            continue
        if not vec_path.is_file():
            problems.append(f"{vec_path} is missing beside {table_path.name}; delete {table_path.name}")
            continue
        decontextualized = table_path.name.startswith("decontextualized")
        if not decontextualized:
            record = json.loads(record_raw) if record_raw else None
            if not store.is_current(record):
                notes.append(f"{table_path} was built from other vectors; it is rebuilt on next use")
                continue
        dim = None if decontextualized else store.dim  # decontextualized vectors are raw model outputs
        problem = _shape_problem(vec_path, meta.num_rows, dim, DELETE)
        if problem:
            problems.append(problem)


def _index_caches(store: Store, out: tuple[list[str], list[str], list[str]]) -> None:
    problems, notes, checked = out
    folder = store.path / INDEX_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        checked.append(f"{INDEX_DIR}/{path.name}")
        if not _plain(path):
            problems.append(f"{path} has a name that is not a plain file name; delete it")
            continue
        saved = _read_json(path, problems)
        if saved is None:
            continue
        index_file = path.with_suffix(".faiss")
        waiting = path.with_name(path.stem + ".next.faiss")  # a rebuild killed after its commit
        if saved.get("file") == waiting.name and waiting.is_file():
            index_file = waiting
        if not index_file.is_file() or index_file.stat().st_size == 0:
            problems.append(
                f"{index_file} is missing or empty beside {path.name}; delete {path.name} or rebuild the index"
            )
        elif not store.is_current(saved):
            notes.append(f"{index_file} was built from other vectors; it is refused until rebuilt")


def _factor_caches(store: Store, out: tuple[list[str], list[str], list[str]]) -> None:
    problems, notes, checked = out
    root = store.path / FACTORS_DIR
    for path in sorted(root.glob("*/factors.json")) if root.is_dir() else []:
        folder = path.parent
        checked.append(f"{FACTORS_DIR}/{folder.name}")
        meta = _read_json(path, problems)
        if meta is None:
            continue
        if not store.is_current(meta.get("vectors")):
            notes.append(f"{folder} was learned from other vectors; it is refused until learned again")
            continue
        n = meta.get("n_factors")
        fix = f"delete {folder} and learn the factors again"
        for name, dim in (("components.npy", store.dim), ("top_rows.npy", None), ("top_codes.npy", None)):
            problem = _shape_problem(folder / name, n if isinstance(n, int) else None, dim, fix)
            if problem:
                problems.append(problem)
        if (folder / "top_rows.npy").is_file() and not any(p.startswith(str(folder)) for p in problems):
            top = np.load(folder / "top_rows.npy", allow_pickle=False)
            if top.size and (top.min() < -1 or top.max() >= store.n_rows):
                problems.append(f"{folder / 'top_rows.npy'} names rows outside 0..{store.n_rows - 1}; {fix}")


def _word_caches(store: Store, out: tuple[list[str], list[str], list[str]]) -> None:
    """Each word entry (``words/<kind>/*.npz``) must be readable; one made for other store content is a note."""
    from ._word_cache import WORDS_DIR, read_entry_file, store_content_id

    problems, notes, checked = out
    root = store.path / WORDS_DIR
    if root.exists() and not root.resolve().is_relative_to(store.path.resolve()):
        problems.append(f"{root} leads outside the store (to {root.resolve()}); remove the link")
        return
    current = store_content_id(store)
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        entries = sorted(folder.glob("*.npz"))
        checked.append(f"{WORDS_DIR}/{folder.name} ({len(entries)} words)")
        stale = 0
        for path in entries:
            try:
                meta, _ = read_entry_file(path)
                made_from = meta["provenance"]["store"]
            except Exception as e:  # numpy, zipfile and json raise several types for a damaged file
                problems.append(f"{path} is not a readable word cache entry ({str(e)[:120]}); {DELETE}")
                continue
            stale += made_from != current
        if stale:
            notes.append(f"{folder}: {stale} word(s) computed from other store content; recomputed on next use")


def _transform_problems(store: Store, problems: list[str], checked: list[str]) -> None:
    """The in-place transform and the map of a store written through a transform: their content hashes
    must equal the ids the manifest records."""
    from ..transforms import load_transform, transform_id

    folders = []
    if (store.path / TRANSFORM_DIR).is_dir():
        folders.append((TRANSFORM_DIR, store.manifest.get("transform_id")))
    raw = (store.manifest.get("applied_transform") or {}).get("raw_to_vectors")
    if raw:
        folders.append((raw["path"], raw.get("transform_id")))
    for name, recorded in folders:
        checked.append(f"{name}/")
        try:
            actual = transform_id(load_transform(inside_store(store.path, name, what="transform folder")))
        except CtxvecError as e:
            problems.append(str(e))
            continue
        if actual != recorded:
            problems.append(
                f"{store.path / name} holds transform {actual}, the manifest records {recorded!r}; "
                "remove the transform and fit it again"
            )


def cache_problems(store: Store) -> tuple[list[str], list[str], list[str]]:
    """(problems, notes, checked names) for every cache kept in `store` (see the module docstring)."""
    out: tuple[list[str], list[str], list[str]] = ([], [], [])
    _transform_problems(store, out[0], out[2])
    if out[0]:
        return out  # the vectors operations read cannot be known: caches cannot be judged
    _norm_caches(store, out)
    _type_caches(store, out)
    _index_caches(store, out)
    _factor_caches(store, out)
    _word_caches(store, out)
    return out
