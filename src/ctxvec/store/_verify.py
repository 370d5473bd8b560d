"""`verify_store`: read every byte of a store and check it against its manifest (what `ctxvec verify` runs).

Beyond the cheap checks every `Store.open` makes (`ctxvec.store._checks`), it checks each checksummed
file's SHA-256, the two tables (row and sentence counts, sentence ids sorted and in range, every span
inside its sentence), the norms against the vectors, and every cache kept in the store
(`ctxvec.store._caches`). Each problem is one line naming the file, what is wrong and what to do;
stale caches, which operations refuse or rebuild by themselves, are notes, not problems.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CtxvecError
from ..progress import progress_bar
from ..results import JSON, Result
from ._caches import cache_problems
from ._checks import file_problems, manifest_problems
from ._format import CHECKSUMMED, NORMS, ROWS, SENTENCES
from ._manifest import REBUILD, read_manifest, unfinished_message

if TYPE_CHECKING:
    import pyarrow as pa

    from ._reader import Store

__all__ = ["VerifyReport", "verify_store"]

NORM_RTOL = 1e-4  # norms.npy holds float32 norms of the stored vectors: equal up to summation order
BLOCK_BYTES = 1 << 24


@dataclass
class VerifyReport(Result):
    """What `verify_store` found in the store at `store`: `problems` (one line each; empty when the
    store is sound), `notes` (stale caches that are refused or rebuilt when used), and what it
    `checked` (file and cache names). `exit_code` is 0 when sound, 1 otherwise."""

    store: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_dict(self) -> JSON:
        return {
            "store": self.store,
            "ok": self.ok,
            "problems": list(self.problems),
            "notes": list(self.notes),
            "checked": list(self.checked),
        }


def _read_blocks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while block := f.read(BLOCK_BYTES):
            yield block


def _checksums(folder: Path, manifest: JSON, quiet: bool) -> list[str]:
    """One line per checksummed file whose SHA-256 differs from the manifest's (a bar over all bytes)."""
    present = [folder / name for name in CHECKSUMMED if (folder / name).is_file()]
    total = sum(p.stat().st_size for p in present)
    out = []
    with progress_bar("checking checksums", total=max(total, 1), unit="B", quiet=quiet) as bar:
        for path in present:
            h = hashlib.sha256()
            for block in _read_blocks(path):
                h.update(block)
                bar.advance(len(block))
            if h.hexdigest() != manifest["checksums"][path.name]:
                out.append(f"{path}: SHA-256 differs from the manifest's (the file changed or is damaged); {REBUILD}")
    return out


def _read_table(path: Path, columns: list[str], problems: list[str]) -> pa.Table | None:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        names = table.column_names  # decoded here: a damaged name is not UTF-8
    except Exception as e:  # pyarrow raises several types for a damaged file
        problems.append(f"{path} is not a readable Parquet file ({str(e).splitlines()[0][:160]}); {REBUILD}")
        return None
    missing = [c for c in columns if c not in names]
    if missing:
        problems.append(f"{path} lacks the column(s) {', '.join(missing)}; {REBUILD}")
        return None
    return table


def _table_problems(folder: Path, manifest: JSON) -> list[str]:
    """Row and sentence counts, sentence ids sorted and in range, spans inside their sentences."""
    import pyarrow.compute as pc

    out: list[str] = []
    n_rows, n_sentences = int(manifest["n_rows"]), int(manifest["n_sentences"])
    rows = _read_table(folder / ROWS, ["sentence_id", "position", "token", "start", "end"], out)
    sentences = _read_table(folder / SENTENCES, ["sentence_id", "doc_id", "text"], out)
    if sentences is not None:
        if sentences.num_rows != n_sentences:
            out.append(
                f"{folder / SENTENCES} has {sentences.num_rows:,} sentences, the manifest {n_sentences:,}; {REBUILD}"
            )
            sentences = None
        elif not np.array_equal(sentences.column("sentence_id").to_numpy(), np.arange(n_sentences)):
            out.append(f"{folder / SENTENCES}: sentence ids are not 0..{n_sentences - 1} in order; {REBUILD}")
    if sentences is not None:
        meta = {f.name: str(f.type) for f in sentences.schema if f.name not in ("sentence_id", "doc_id", "text")}
        if meta != dict(manifest.get("metadata") or {}):
            out.append(
                f"{folder / SENTENCES}: metadata columns {meta} are not the manifest's "
                f"{dict(manifest.get('metadata') or {})}; {REBUILD}"
            )
    if rows is None:
        return out
    if rows.num_rows != n_rows:
        out.append(f"{folder / ROWS} has {rows.num_rows:,} rows, the manifest {n_rows:,}; {REBUILD}")
        return out
    sids = rows.column("sentence_id").to_numpy()
    if len(sids) and (np.any(np.diff(sids) < 0) or sids[0] < 0 or sids[-1] >= n_sentences):
        out.append(f"{folder / ROWS}: sentence ids are not sorted within 0..{n_sentences - 1}; {REBUILD}")
        return out
    start, end = rows.column("start").to_numpy(), rows.column("end").to_numpy()
    if sentences is not None and len(sids):
        lengths = pc.utf8_length(sentences.column("text").combine_chunks()).fill_null(0).to_numpy()
        bad = np.flatnonzero((start < 0) | (start > end) | (end > lengths[sids]))
        if len(bad):
            out.append(
                f"{folder / ROWS}: {len(bad):,} span(s) lie outside their sentence (first at row {int(bad[0])}); {REBUILD}"
            )
    return out


def _norm_problems(store: Store, quiet: bool) -> list[str]:
    """norms.npy against the norms of the stored vectors (one streamed pass)."""
    path = store.path / NORMS
    if not path.is_file():
        return []
    saved = np.load(path, mmap_mode="r")
    worst, first = 0, -1
    with progress_bar("checking norms", total=max(store.n_rows, 1), unit="rows", quiet=quiet) as bar:
        for start in range(0, store.n_rows, 65536):
            block = np.asarray(store.vectors[start : start + 65536], dtype=np.float32)
            norms = np.linalg.norm(block, axis=1)
            bad = ~np.isclose(saved[start : start + len(block)], norms, rtol=NORM_RTOL, atol=1e-6)
            if bad.any():
                worst += int(bad.sum())
                first = first if first >= 0 else start + int(np.flatnonzero(bad)[0])
            bar.advance(len(block))
    if worst:
        return [f"{path}: {worst:,} norm(s) differ from the vectors' (first at row {first}); delete it (it is rebuilt)"]
    return []


def verify_store(path: str | os.PathLike[str], quiet: bool = True) -> VerifyReport:
    """Check every file of the store at `path` against its manifest; a `VerifyReport` listing the
    problems (one line each). Reads every byte (a progress bar on a terminal unless `quiet`)."""
    folder = Path(path)
    if not folder.exists():
        raise CtxvecError(f"no store at {folder}: the path does not exist; give the folder of a store")
    if not folder.is_dir():
        raise CtxvecError(f"{folder} is a file, not a store folder; give the folder of a store")
    report = VerifyReport(str(folder))
    try:
        manifest = read_manifest(folder)
    except CtxvecError as e:
        report.problems.append(str(e))
        return report
    report.checked.append("manifest.json")
    if manifest.get("state") != "complete":
        report.problems.append(unfinished_message(folder, manifest))
        return report
    report.problems += manifest_problems(folder, manifest)
    if report.problems:
        return report
    cheap = file_problems(folder, manifest)
    report.problems += cheap
    report.problems += _checksums(folder, manifest, quiet)
    report.checked += [name for name in CHECKSUMMED if (folder / name).is_file()]
    if not all((folder / name).is_file() for name in (ROWS, SENTENCES)):
        return report
    report.problems += _table_problems(folder, manifest)
    if cheap:
        return report  # files missing or of the wrong shape: norms and caches cannot be judged against them
    from ._reader import Store

    store = Store(folder, manifest)
    report.problems += _norm_problems(store, quiet)
    report.checked.append(NORMS)
    problems, notes, checked = cache_problems(store)
    report.problems += problems
    report.notes += notes
    report.checked += checked
    return report
