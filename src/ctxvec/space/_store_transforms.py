"""Fitted transforms and stores: write a transformed copy of a store, or keep a transform inside one.

A store written through a transform (`transform_store`) records it under ``applied_transform`` in
its manifest; a store with an in-place transform (`set_store_transform`) keeps the fitted transform
in ``store/transform/`` and applies it on the fly in `get_vectors` / `iter_blocks`.

A written store is built in place (state ``building``); its manifest records the command that makes
it (``made_by``, which `Store.open` names when it refuses the unfinished store) and the job
(``transform_job``: source vectors, method, parameters). Rerunning the same job on an unfinished
output (a kill -9 at any point) removes it and writes it again, ending with the store an uninterrupted
run writes; any other existing output is refused.
"""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._io import check_output_path, fsync_dir, kill_point
from ..errors import CtxvecError
from ..results import JSON
from ..sources import VectorMap
from ..store import MANIFEST, TRANSFORM_DIR, Store, StoreWriter, update_manifest, writes_store
from ..transforms import Transform, describe, is_saveable, output_dim, save_transform, transform_id

APPLIED_DIR = "applied_transform"
"""Folder of a written store holding the map from raw model outputs to its vectors."""

_NOT_COPIED = {
    "state",
    "checksums",
    "transform_id",
    "transform",
    "format_version",
    "dim",
    "dtype",
    "n_rows",
    "n_sentences",
    "made_by",
    "transform_job",
    "file_bytes",
    "n_words",
}


def transform_command(source: Store, out: str | os.PathLike[str], method: str, options: dict[str, object]) -> str:
    """The shell command that writes the transformed store `out` (recorded as the store's ``made_by``)."""
    words = ["ctxvec", "transform", str(source.path), "--method", method, "--out", str(out)]
    for key, value in options.items():
        if value is not None:
            words += [f"--{key.replace('_', '-')}", str(value)]
    return " ".join(shlex.quote(w) for w in words)


def _unfinished_manifest(path: Path) -> JSON | None:
    """The manifest of an unfinished store at `path`, None when it is not one."""
    import json

    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("state") == "building" else None


def _is_temporary(path: Path) -> bool:
    """A temporary file `ctxvec._io.atomic_path` leaves when killed before its rename (``.NAME.XXXX.tmp``)."""
    return path.is_file() and path.name.startswith(".") and ".tmp" in path.name


def check_new_output(out: str | os.PathLike[str], source: Store | None = None, job: JSON | None = None) -> Path:
    """`out` as a Path, writable and new (a store is never overwritten); CtxvecError otherwise.

    An empty folder, or an unfinished store left by the same `job` (a killed run of this transform),
    is cleared so that the job writes it again from the start."""
    path = check_output_path(out, "folder", overwrite=True, name="out")
    if source is not None and path.resolve() == source.path.resolve():
        raise CtxvecError("the output must differ from the input store; keep the transform in place instead")
    if not path.exists() or not any(path.iterdir()):
        return path
    unfinished = _unfinished_manifest(path)
    ours = unfinished is not None and job is not None and unfinished.get("transform_job") == job
    if ours or all(_is_temporary(p) for p in path.iterdir()):
        shutil.rmtree(path)  # our own unfinished output (or only the temp file of its first write): start again
        return path
    if unfinished is not None and unfinished.get("made_by"):
        raise CtxvecError(
            f"output {path} is an unfinished store of another job; finish it with `{unfinished['made_by']}` "
            "or remove it first"
        )
    raise CtxvecError(f"output {path} already exists; choose a new path or remove it first")


def check_no_transform(store: Store) -> None:
    """CtxvecError when `store` already has an in-place transform (they are not stacked)."""
    if store.transform is not None:
        raise CtxvecError(
            f"{store.path} already has an in-place transform ({store.manifest.get('transform_id')}); "
            "remove it first, or write the transformed vectors to a new store"
        )


def transform_store(
    store: Store,
    t: VectorMap,
    out: str | os.PathLike[str],
    dtype: str | None = None,
    block_rows: int = 16384,
    made_by: str | None = None,
    job: JSON | None = None,
) -> Store:
    """Write a new store at `out`: same rows and sentences, vectors = t(store vectors), streamed in blocks.

    `t` is a fitted ctxvec transform, a Pipeline of them, or any fitted scikit-learn transformer.
    The manifest records it under ``applied_transform`` (method, parameters, id, source store), and
    for ctxvec transforms the map from raw model outputs to the new vectors (the source's own in-place
    transform, if any, followed by `t`) is saved in ``out/applied_transform/`` so that freshly
    encoded sentences can be mapped the same way. On any error the half-written output is removed;
    after a kill, rerunning the same `job` (recorded with the command `made_by`) restarts it.
    """
    out = check_new_output(out, store, job)
    check_is_fitted(t[-1] if isinstance(t, Pipeline) else t)
    fitted_dim = getattr(t, "n_features_in_", store.dim)
    if fitted_dim != store.dim:
        raise CtxvecError(f"the transform was fitted on {fitted_dim}-dim vectors but {store.path} has dim {store.dim}")
    k = output_dim(t, store.dim)
    source_t = store.transform
    applied: VectorMap
    if source_t is None:
        applied = t
    else:
        src_steps = source_t.steps if isinstance(source_t, Pipeline) else [("source", source_t)]
        new_steps = t.steps if isinstance(t, Pipeline) else [("new", t)]
        applied = Pipeline([(f"s{i}", s) for i, (_, s) in enumerate([*src_steps, *new_steps])])
    manifest = {key: v for key, v in store.manifest.items() if key not in _NOT_COPIED}
    manifest.update(made_by=made_by, transform_job=job)
    try:
        writer = StoreWriter.create(
            out, manifest, store.rows, store.sentences, dim=k, dtype=dtype or store.manifest["dtype"]
        )
    except BaseException:  # e.g. Ctrl-C while the tables are written: `out` was new (or cleared) before
        shutil.rmtree(out, ignore_errors=True)
        raise
    try:
        for start, block in store.iter_blocks(block_rows):
            writer.write_range(start, t.transform(block))
            kill_point("transform.write")
        record: JSON
        if is_saveable(applied):
            save_transform(applied, out / APPLIED_DIR)
            record = {
                **describe(t),
                "raw_to_vectors": {"path": APPLIED_DIR, "transform_id": transform_id(applied)},
            }
        else:  # any other scikit-learn transformer: recorded by name, not saved
            record = {"transform_id": None, "steps": [{"class": type(t).__name__}], "raw_to_vectors": None}
        record["source"] = str(store.path)
        record["source_transform_id"] = store.manifest.get("transform_id") if source_t is not None else None
        kill_point("transform.finalize")
        return writer.finalize(applied_transform=record)
    except BaseException:
        writer.abort()
        raise


@writes_store("store")
def set_store_transform(store: Store, t: Transform) -> Store:
    """Keep fitted `t` inside `store` (``store/transform/``) so `get_vectors`/`iter_blocks` apply it on the fly.

    The folder decides whether a store has an in-place transform (`Store.transform`, its summary):
    the manifest gets ``transform_id`` first, then the folder is moved into place (the commit), so a
    kill -9 at any point leaves the transform applied with its id recorded, or not applied at all (an
    entry without its folder is ignored, and replaced here). Refuses a store that already has one.
    """
    check_no_transform(store)
    if not is_saveable(t):
        raise CtxvecError(f"cannot keep a {type(t).__name__} in a store; use a ctxvec transform or a Pipeline of them")
    if output_dim(t, store.dim) != store.dim:
        raise CtxvecError(
            "an in-place transform must keep the dimension; write PCA or truncated whitening to a new store"
        )
    tmp = store.path / (TRANSFORM_DIR + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    save_transform(t, tmp)
    update_manifest(store.path, {"transform_id": transform_id(t), "transform": describe(t)})
    kill_point("transform.in_place")  # the manifest names the transform, its folder is not in place yet
    os.replace(tmp, store.path / TRANSFORM_DIR)
    fsync_dir(store.path)
    return Store.open(store.path)


@writes_store("store")
def remove_store_transform(store: Store) -> Store:
    """Drop the in-place transform of `store`: its folder moves away (the commit), then its manifest
    entries go, then the folder is deleted."""
    folder = store.path / TRANSFORM_DIR
    if not folder.is_dir():
        raise CtxvecError(f"{store.path} has no in-place transform to remove")
    trash = store.path / (TRANSFORM_DIR + ".removed")
    shutil.rmtree(trash, ignore_errors=True)
    os.replace(folder, trash)
    fsync_dir(store.path)
    kill_point("transform.removed")  # the folder gone from its name, the manifest still naming it
    update_manifest(store.path, {}, remove=("transform_id", "transform"))
    shutil.rmtree(trash, ignore_errors=True)
    return Store.open(store.path)
