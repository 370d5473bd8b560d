"""The transform workflow: make a transform, fit it on every vector of a store, then write a new store
with the transformed vectors or keep the transform in the store; and removing a kept transform."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass

from .._io import kill_point
from ..errors import ParameterError
from ..results import JSON, Result, jsonable
from ..store import Store, writes_store
from ..transforms import describe, make_transform
from ._store_transforms import (
    check_new_output,
    check_no_transform,
    remove_store_transform,
    set_store_transform,
    transform_command,
)
from ._store_transforms import transform_store as write_transformed


@dataclass
class TransformResult(Result):
    """A transform fitted on `source` (`n_fitted` vectors, `fit_seconds`) and applied: kept in place
    (`store` == `source`) or written to the new store `store` ((n_rows, dim) vectors, `write_seconds`)."""

    store: str
    source: str
    in_place: bool
    method: str
    fit_seconds: float
    transform_id: str
    steps: list[JSON]
    n_fitted: int
    n_rows: int
    dim: int
    write_seconds: float | None

    def to_dict(self) -> JSON:
        return {
            "store": self.store,
            "source": self.source,
            "in_place": self.in_place,
            "fit_seconds": self.fit_seconds,
            "transform_id": self.transform_id,
            "steps": jsonable(self.steps),
        }


@dataclass
class TransformRemoval(Result):
    """The in-place transform `removed` (its id) dropped from `store`."""

    store: str
    removed: str | None

    def to_dict(self) -> JSON:
        return {"store": self.store, "removed": self.removed}


@writes_store("store", when="in_place")
def apply_transform(
    store: Store,
    method: str,
    *,
    out: str | os.PathLike[str] | None = None,
    in_place: bool = False,
    n_components: int | None = None,
    alpha: float | None = None,
    dtype: str | None = None,
    block_rows: int = 16384,
) -> TransformResult:
    """Fit transform `method` (center | abtt | whitening | conceptor | pca; see `ctxvec.transforms.make_transform`
    for `n_components` and `alpha`) on every vector of `store` (streamed), then either write a new store at
    `out` (vectors in `dtype`, default the source's) or, with `in_place=True`, keep it in `store`, applied
    on the fly by every operation. Output and store are checked before the fit; rerunning the same call
    after a kill -9 writes `out` again from the start."""
    if in_place and out is not None:
        raise ParameterError("in_place", "{name} and out exclude each other; keep the transform or write a new store")
    if not in_place and out is None:
        raise ParameterError("out", "give {name} (a new store to write) or keep the transform in place")
    if in_place and dtype is not None:
        raise ParameterError(
            "dtype", "{name} only applies to a new store; an in-place transform leaves the stored vectors alone"
        )
    t = make_transform(method, n_components=n_components, alpha=alpha)
    options: dict[str, object] = {"n_components": n_components, "alpha": alpha, "dtype": dtype}
    job: JSON = json.loads(json.dumps({"source": store.vectors_record(), "method": method, **options}))
    if out is not None:
        check_new_output(out, store, job)
    else:
        check_no_transform(store)
    start = time.perf_counter()
    t.fit_source(store, block_rows)
    fit_seconds = time.perf_counter() - start
    kill_point("transform.fit")
    write_seconds: float | None = None
    if out is None:
        result = set_store_transform(store, t)
    else:
        start = time.perf_counter()
        made_by = transform_command(store, out, method, options)
        result = write_transformed(store, t, out, dtype=dtype, block_rows=block_rows, made_by=made_by, job=job)
        write_seconds = time.perf_counter() - start
    info = describe(t)
    return TransformResult(
        store=str(result.path),
        source=str(store.path),
        in_place=out is None,
        method=method,
        fit_seconds=fit_seconds,
        transform_id=info["transform_id"],
        steps=info["steps"],
        n_fitted=store.n_rows,
        n_rows=result.n_rows,
        dim=result.dim,
        write_seconds=write_seconds,
    )


def remove_transform(store: Store) -> TransformRemoval:
    """Drop the in-place transform of `store`; CtxvecError when it has none."""
    old = store.transform_id
    remove_store_transform(store)
    return TransformRemoval(store=str(store.path), removed=old)
