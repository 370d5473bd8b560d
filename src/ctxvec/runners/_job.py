"""One embedding job and the on-disk state that makes it resumable from any kill point.

The steps, each leaving a state a rerun of the same job continues from:

1. ``start``: validate everything, load the model, write the manifest (``building``) into a new folder;
2. ``tokenize`` (pass 1): shard by shard, stream ``rows.parquet`` and ``sentences.parquet`` (renamed
   when complete), then save the shard plan ``building/plan.json``;
3. ``allocate``: record the sizes in the manifest, create ``vectors.npy.partial`` at full size;
4. encode (a runner's loop over `ctxvec.runners._shards`): finished batches are flushed, then listed
   in ``building/progress.log`` (``shard batch`` a line), so a rerun skips them;
5. ``finish``: `StoreWriter.finalize` (rename, norms, checksums, manifest ``complete``), itself resumable.

A run is interrupted anywhere (even ``kill -9``) and the same call finishes it with a byte-identical
store. `checkpoint(phase)` is called at each named phase (tests kill a process there).
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..corpus import Corpus
from ..encoding import BatchEncoder, EncodeSpec, Tokenized
from ..errors import CtxvecError
from ..results import JSON
from ..store import (
    MANIFEST,
    PARTIAL,
    ROWS,
    SENTENCES,
    VECTORS,
    Store,
    StoreWriter,
    TableStream,
    is_leftover,
    read_manifest,
    remove_leftovers,
    sentence_schema,
    start_store,
)
from ._shards import ShardPlan, shard_ranges, tokenize_shard, with_meta

KEEP_TOKENS = 1 << 19
"""Pass 1 keeps the tokens of its first shards, up to this many, so pass 2 need not tokenize them again
(their ids, row spans and row tokens: tens of MB at most; the rest are re-read and re-tokenized)."""
BUILD_DIR = "building"
PLAN = "plan.json"
PROGRESS = "progress.log"
SAME_JOB_KEYS = ("model", "encode", "corpus", "batch_tokens", "shard_sentences", "dtype")

Checkpoint = Callable[[str], None]


def _no_checkpoint(phase: str) -> None:
    pass


@dataclass
class EmbedJob:
    """A started (or resumed) job: the store folder, its corpus, encoder and identity manifest."""

    path: Path
    docs: Corpus
    encoder: BatchEncoder
    dtype: str
    shard_sentences: int
    created: bool
    checkpoint: Checkpoint = field(default=_no_checkpoint)
    kept_tokens: dict[int, Tokenized] = field(default_factory=dict, init=False, repr=False)
    """Pass 1's tokens of the first shards (up to `KEEP_TOKENS`), for this process's pass 2 (`pack_shards`)."""
    _commits: int = field(default=0, init=False)

    @classmethod
    def start(
        cls,
        path: Path,
        docs: Corpus,
        encoder: BatchEncoder,
        spec: EncodeSpec,
        dtype: str,
        shard_sentences: int,
        checkpoint: Checkpoint | None = None,
        made_by: str | None = None,
    ) -> EmbedJob:
        """Begin a new store at `path`, or check that the unfinished one there is this job. `made_by`:
        the command that runs the job (`embed_command`), recorded while the store is unfinished."""
        manifest = _identity(docs, encoder, spec, dtype, shard_sentences)
        existing = _existing_manifest(path)
        if existing is None:
            start_store(path, {**manifest, "made_by": made_by} if made_by else manifest)
        else:
            _check_same_job(path, existing, manifest)
            remove_leftovers(path)
        job = cls(path, docs, encoder, dtype, shard_sentences, existing is None, checkpoint or _no_checkpoint)
        job.checkpoint("created")
        return job

    @property
    def _build(self) -> Path:
        return self.path / BUILD_DIR

    @property
    def encoded(self) -> bool:
        """Every vector is written (a finalize renamed them): only finishing is left."""
        return (self.path / VECTORS).is_file() and not (self.path / PARTIAL).is_file()

    @property
    def tokenized(self) -> bool:
        """Pass 1 is done (its plan and tables are on disk, or the vectors are complete)."""
        tables = (self.path / ROWS).is_file() and (self.path / SENTENCES).is_file()
        return self.encoded or ((self._build / PLAN).is_file() and tables)

    def tokenize(self, on_sentences: Callable[[int], None] | None = None) -> ShardPlan | None:
        """Pass 1 (skipped when already done): the tables, streamed shard by shard, and the plan;
        `on_sentences(n)` after each shard of n sentences (a progress bar's advance).
        None when the vectors are already complete (only `finish` is left)."""
        plan_file = self._build / PLAN
        if self.encoded:
            return None
        if self.tokenized:
            return ShardPlan.load(plan_file)
        for stale in (self.path / PARTIAL, self._build / PROGRESS):
            stale.unlink(missing_ok=True)
        rows: list[int] = []
        tokens: list[int] = []
        batches: list[int] = []
        windowed: list[int] = []
        self.kept_tokens.clear()
        held = 0
        meta = self.docs.meta
        with TableStream(self.path, sentence_schema(None if meta is None else meta.schema)) as tables:
            for a, b in shard_ranges(len(self.docs), self.shard_sentences):
                shard = tokenize_shard(self.encoder, list(self.docs.texts[a:b]), self.docs.doc_ids[a:b], a)
                tables.add(shard.rows, with_meta(shard.sentences, self.docs.sentence_meta(a, b)))
                if len(self.kept_tokens) == len(tokens) and held + shard.n_tokens <= KEEP_TOKENS:
                    self.kept_tokens[len(tokens)] = shard.tokens  # the first shards, for pass 2
                    held += shard.n_tokens
                rows.append(shard.rows.num_rows)
                tokens.append(shard.n_tokens)
                batches.append(shard.n_batches)
                windowed.append(shard.n_windowed)
                self.checkpoint("tables")
                if on_sentences is not None:
                    on_sentences(b - a)
        self.checkpoint("tokenized")
        if sum(rows) == 0:
            self.abandon()
            raise CtxvecError(f"the corpus {self.docs.name} produced no tokens")
        plan = ShardPlan(self.shard_sentences, rows, tokens, batches, windowed)
        self._build.mkdir(exist_ok=True)
        plan.save(plan_file)
        self.checkpoint("planned")
        return plan

    def writer(self, plan: ShardPlan | None) -> StoreWriter:
        """The vectors' writer: allocated now, or reopened where a previous run left them."""
        if plan is None or (self.path / PARTIAL).is_file():
            return StoreWriter.resume(self.path)
        (self._build / PROGRESS).unlink(missing_ok=True)
        offsets = plan.row_offsets
        w = StoreWriter.allocate(
            self.path, int(offsets[-1]), len(self.docs), self.encoder.dim, self.dtype, **plan.counts()
        )
        self.checkpoint("allocated")
        return w

    def done(self) -> dict[int, set[int]]:
        """Finished batches by shard, from the progress log (complete lines only)."""
        f = self._build / PROGRESS
        out: dict[int, set[int]] = {}
        if not f.is_file():
            return out
        text = f.read_text()
        for line in text[: text.rfind("\n") + 1].splitlines():
            parts = line.split()
            if len(parts) == 2 and all(p.isdigit() for p in parts):
                out.setdefault(int(parts[0]), set()).add(int(parts[1]))
        return out

    def commit(self, writer: StoreWriter, finished: Iterable[tuple[int, int]]) -> None:
        """Make the written vectors durable, then record (shard, batch) pairs `finished` as done."""
        lines = "".join(f"{k} {b}\n" for k, b in finished)
        if not lines:
            return
        writer.flush()
        with open(self._build / PROGRESS, "a") as f:
            f.write(lines)
            f.flush()
            os.fsync(f.fileno())
        self._commits += 1
        self.checkpoint(f"committed:{self._commits}")

    def finish(self, writer: StoreWriter) -> Store:
        """Finalize the store (resumable) and drop the build folder."""
        self.checkpoint("encoded")
        writer.manifest.pop("made_by", None)  # a finished store is the same whichever command made it
        return writer.finalize(checkpoint=self.checkpoint, remove=(BUILD_DIR,))

    def abandon(self) -> None:
        """Remove the store folder if this run created it (bad input found during pass 1)."""
        if self.created:
            shutil.rmtree(self.path, ignore_errors=True)


# embed() options that `ctxvec embed` takes under the same name (as --name-with-dashes)
CLI_OPTIONS = (
    "model",
    "layers",
    "unit",
    "pooling",
    "keep_special",
    "max_length",
    "window_overlap",
    "compute_dtype",
    "dtype",
    "batch_tokens",
    "column",
    "split_sentences",
    "limit",
    "runner",
    "address",
    "workers",
    "gpus_per_worker",
)


def embed_command(
    corpus: object, out: str | os.PathLike[str], options: dict[str, object], defaults: dict[str, object]
) -> str | None:
    """The ``ctxvec embed`` command line of an embed call (recorded as its unfinished store's ``made_by``):
    the corpus path, `out` and every option of `options` that differs from `defaults`. None when no
    command line makes the same job: a corpus held in memory, or an option the command does not take."""
    if not isinstance(corpus, (str, os.PathLike)):
        return None
    words = ["ctxvec", "embed", os.fspath(corpus), "--out", os.fspath(out)]
    for name, value in options.items():
        if value == defaults.get(name):
            continue
        if name not in CLI_OPTIONS:
            return None
        flag = "--" + name.replace("_", "-")
        words += [flag] if value is True else [flag, str(value)]
    return shlex.join(words)


def _identity(docs: Corpus, enc: BatchEncoder, spec: EncodeSpec, dtype: str, shard_sentences: int) -> JSON:
    """The manifest entries that identify a job (a rerun must match them to resume)."""
    from .. import __version__

    out: JSON = {
        "ctxvec_version": __version__,
        "model": {"name": enc.ref.name, "path": enc.ref.path, "weights_sha256": enc.weights_hash},
        "encode": {**spec.to_manifest(), "model": enc.ref.name, "max_length": enc.max_length},
        "layer_indices": enc.layer_indices,
        "n_layers": enc.n_layers,
        "corpus": {"name": docs.name, "sha256": docs.fingerprint(), "n_documents": len(np.unique(docs.doc_ids))},
        "batch_tokens": enc.batch_tokens,
        "shard_sentences": shard_sentences,
        "dtype": str(np.dtype(dtype)),
        "dim": enc.dim,
    }
    if docs.meta is not None:  # the sentences table's metadata columns and types (what `info` lists)
        out["metadata"] = {f.name: str(f.type) for f in docs.meta.schema}
    return out


def _existing_manifest(path: Path) -> JSON | None:
    """The manifest of an unfinished store at `path` to resume; None when `path` is new, empty, or
    holds only the leftovers of a run killed before its manifest was written."""
    if not path.exists():
        return None
    if not path.is_dir():
        raise CtxvecError(f"output {path} is a file; choose a folder path for the store")
    if all(is_leftover(f.name) for f in path.iterdir()):
        return None
    if not (path / MANIFEST).is_file():
        raise CtxvecError(f"output folder {path} is not empty and holds no store; choose a new path")
    manifest = read_manifest(path)
    if manifest.get("state") == "complete":
        raise CtxvecError(f"{path} already holds a finished store; remove it or choose another output path")
    return manifest


def _check_same_job(path: Path, existing: JSON, new: JSON) -> None:
    diffs = [k for k in SAME_JOB_KEYS if k != "encode" and existing.get(k) != new.get(k)]
    old_enc, new_enc = existing.get("encode") or {}, new.get("encode") or {}
    diffs += [k for k in sorted(set(old_enc) | set(new_enc)) if old_enc.get(k) != new_enc.get(k)]
    if diffs:
        raise CtxvecError(
            f"{path} holds an unfinished store of a different job (differs in {', '.join(diffs)}); "
            "rerun the original command to finish it, or choose a new output path"
        )
