"""What a cache built from a store was built from: one record, one short id, one comparison.

Every cache kept beside a store (norms, word types, indexes, factors) stores the
`vectors_record` of the vectors it was computed from and is current exactly when that record
matches the vectors operations read now (`Store.is_current`). File names use `vectors_id`.
"""

from __future__ import annotations

from ..results import JSON
from ._format import NORMS, VECTORS

RECORD_KEYS = ("vectors_sha256", "transform_id", "n_rows", "dim")


def vectors_record(manifest: JSON, transform_id: str | None) -> JSON:
    """The record of the vectors a store with `manifest` serves, seen through in-place transform
    `transform_id` (None for raw vectors): the vectors' checksum, the transform, the shape."""
    return {
        "vectors_sha256": (manifest.get("checksums") or {}).get(VECTORS),
        "transform_id": transform_id,
        "n_rows": int(manifest["n_rows"]),
        "dim": int(manifest["dim"]),
    }


def vectors_id(record: JSON) -> str:
    """A short name for `record`, safe in file names: ``<sha12>-raw`` or ``<sha12>-<transform id>``."""
    sha = str(record["vectors_sha256"] or "unknown")[:12]
    return f"{sha}-{record['transform_id'] or 'raw'}"


def records_match(record: JSON | None, current: JSON) -> bool:
    """True when a cache's `record` names the same vectors as `current`."""
    if not record:
        return False
    return all(record.get(key) == value for key, value in current.items())


def norms_file(record: JSON) -> str:
    """File name of the norms cache of the vectors `record` names: ``norms.npy`` for raw vectors
    (written with the store), ``norms.<transform id>.npy`` for vectors seen through an in-place
    transform (the store's vectors never change, so the transform names them)."""
    return NORMS if record["transform_id"] is None else f"norms.{record['transform_id']}.npy"
