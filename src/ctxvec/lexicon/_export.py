"""Export word-type vectors for other tools.

- word2vec text format (gensim ``KeyedVectors.load_word2vec_format(path)``): a header
  ``n_words dim``, then ``word v1 ... v_dim`` per line, most frequent word first (the order
  gensim's ``restrict_vocab`` assumes), 9 significant digits (exact for float32). Whitespace
  inside a word becomes ``_``; ``binary=True`` writes the binary variant (``binary=True`` in gensim).
- TensorFlow Embedding Projector (https://projector.tensorflow.org, "Load"): ``vectors.tsv``
  (one vector a line, tab-separated) and ``metadata.tsv`` (a header line, then one line per vector:
  ``label``, ``kind`` = type/occurrence, ``word``, ``count``, ``row``, ``sentence`` with the
  occurrence in [brackets]). Word types come first, then a sample of occurrences.

Outputs are checked before any work (`check_output_path`: an existing output is refused unless
``overwrite=True``) and appear whole or not at all: the word2vec file under a temporary name renamed
last, the projector pair in a temporary sibling folder that is renamed onto the output folder last
(a kill -9 at any moment leaves no file at a final name; the next export clears the leftover).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._io import atomic_open, check_output_path, fsync_dir, kill_point
from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result
from ..store import Store, normalize_word
from ._names import FORMATS
from ._wordtypes import WordTypes, vocabulary_ids, word_types

_SPACE = re.compile(r"\s+")


def _key(word: str) -> str:
    return _SPACE.sub("_", str(word).strip())


@dataclass
class Exported(Result):
    """Files written in `format` and how many word types and occurrences they hold."""

    files: list[Path]
    n_types: int
    n_occurrences: int = 0
    format: str = "word2vec"

    def to_dict(self) -> JSON:
        return {
            "format": self.format,
            "files": [str(f) for f in self.files],
            "types": self.n_types,
            "occurrences": self.n_occurrences,
        }


def export_word2vec(
    types: WordTypes, path: str | os.PathLike[str], binary: bool = False, overwrite: bool = False
) -> Exported:
    """Write `types` (n_words, dim) in word2vec format, most frequent first (`overwrite`: replace `path`)."""
    check_output_path(path, "file", overwrite=overwrite, name="path")
    _check_some(types)
    order = types.frequency_order()
    keys, seen = [], set()
    for i in order:
        k = _key(types.words[i])
        if k and k not in seen:
            seen.add(k)
            keys.append((k, int(i)))
    vectors = types.vectors.astype(np.float32)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    dim = vectors.shape[1]
    if binary:
        with atomic_open(p, "wb") as f:
            f.write(f"{len(keys)} {dim}\n".encode())
            for k, i in keys:
                f.write(k.encode("utf-8") + b" " + vectors[i].tobytes() + b"\n")
    else:
        with atomic_open(p, "w") as f:
            f.write(f"{len(keys)} {dim}\n")
            fmt = " ".join(["%.9g"] * dim)
            for k, i in keys:
                f.write(k + " " + fmt % tuple(vectors[i].tolist()) + "\n")
            kill_point("export.write")
    return Exported([p], len(keys), format="word2vec")


def _check_some(types: WordTypes) -> None:
    if len(types) == 0:
        raise CtxvecError("no word type is left to export; lower min_count or choose other words")


PROJECTOR_FILES = ("vectors.tsv", "metadata.tsv")
_PARTIAL = ".partial"


def _check_projector_folder(folder: str | os.PathLike[str], overwrite: bool, name: str = "folder") -> Path:
    """`folder` (parameter `name`) checked as the projector output: new, empty, or (with `overwrite`) an
    earlier projector export."""
    out = check_output_path(folder, "folder", overwrite=True, name=name)
    if out.is_dir():
        held = sorted(p.name for p in out.iterdir())
        if held and not overwrite:
            raise ParameterError(name, f"{{name}} {str(out)!r} already exists; choose a new path or remove it first")
        others = [n for n in held if n not in PROJECTOR_FILES]
        if others:
            raise ParameterError(
                name, f"{{name}} {str(out)!r} holds other files ({others[0]!r}, ...); choose a new or empty folder"
            )
    return out


def _clear_partials(out: Path) -> None:
    """Remove temporary folders an interrupted export of `out` left beside it."""
    for stale in out.parent.glob(f".{out.name}.*{_PARTIAL}"):
        shutil.rmtree(stale, ignore_errors=True)


def _swap_in(tmp: Path, out: Path) -> None:
    """Rename the complete folder `tmp` onto `out` (replacing an earlier export of it whole)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old{_PARTIAL}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out, old)
    os.replace(tmp, out)
    fsync_dir(out.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _only(types: WordTypes, words: Sequence[str]) -> WordTypes:
    """The types of `words` (CtxvecError naming unknown ones)."""
    return types.select(np.isin(np.arange(len(types)), types.find(words)))


def _tsv(text: str) -> str:
    return _SPACE.sub(" ", str(text)).strip()


def export_projector(
    store: Store,
    folder: str | os.PathLike[str],
    types: WordTypes | None = None,
    words: Sequence[str] | None = None,
    occurrences: int = 2000,
    seed: int = 0,
    overwrite: bool = False,
) -> Exported:
    """Write ``vectors.tsv`` + ``metadata.tsv`` into `folder`: word types, then occurrences.

    `words` restricts both to those words; `occurrences` caps the occurrences (a seeded uniform
    sample, in row order; 0 = none). Both files are written in a temporary sibling folder that
    replaces `folder` only once both are complete (`folder` must be new or empty, or an earlier
    projector export with `overwrite`).
    """
    if occurrences < 0:
        raise ParameterError("occurrences", f"{{name}} must be 0 or more, got {occurrences}")
    if seed < 0:
        raise ParameterError("seed", f"{{name}} must be 0 or more, got {seed}")
    out = _check_projector_folder(folder, overwrite)
    types = word_types(store) if types is None else types
    if words:
        types = _only(types, words)
        candidates = np.flatnonzero(np.isin(store.word_ids, vocabulary_ids(store, words)))
    else:
        candidates = np.arange(store.n_rows)
    _check_some(types)
    if len(candidates) > occurrences:
        candidates = np.sort(np.random.default_rng(seed).choice(candidates, size=occurrences, replace=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    _clear_partials(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=_PARTIAL, dir=out.parent))
    try:
        n_types = _write_projector(store, types, candidates, tmp)
        kill_point("export.rename")  # both files complete, the folder not yet in place
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Exported([out / name for name in PROJECTOR_FILES], n_types, len(candidates), format="projector")


def _write_projector(store: Store, types: WordTypes, candidates: np.ndarray, tmp: Path) -> int:
    """Write the projector pair into folder `tmp` (fsynced); returns the number of word types."""
    order = types.frequency_order()
    vpath, mpath = (tmp / name for name in PROJECTOR_FILES)
    with open(vpath, "w", encoding="utf-8") as fv, open(mpath, "w", encoding="utf-8") as fm:
        fm.write("label\tkind\tword\tcount\trow\tsentence\n")
        for i in order:
            fv.write("\t".join(f"{x:.6g}" for x in types.vectors[i].tolist()) + "\n")
            w = _tsv(types.words[i])
            fm.write(f"{w}\ttype\t{w}\t{int(types.counts[i])}\t\t\n")
        kill_point("export.write")  # the word types written, the occurrences not yet
        counts = store.word_counts
        for s in range(0, len(candidates), 4096):
            rows = candidates[s : s + 4096]
            block = store.get_vectors(rows)
            for r, vec in zip(rows.tolist(), block, strict=True):
                occ = store.occurrence(r)
                fv.write("\t".join(f"{x:.6g}" for x in vec.tolist()) + "\n")
                word = _tsv(normalize_word(occ.token))
                count = int(counts[store.word_ids[r]])
                fm.write(f"{_tsv(occ.token)}@{r}\toccurrence\t{word}\t{count}\t{r}\t{_tsv(occ.highlighted())}\n")
        for f in (fv, fm):
            f.flush()
            os.fsync(f.fileno())
    return len(order)


def export(
    store: Store,
    path: str | os.PathLike[str],
    format: str = "word2vec",
    min_count: int = 1,
    decontextualized: bool = True,
    binary: bool = False,
    words: Sequence[str] | None = None,
    occurrences: int = 2000,
    overwrite: bool = False,
) -> Exported:
    """Export `store`'s word types (and, for projector, occurrences) in `format` to `path` (a file for
    word2vec, a folder for projector), checked before any work; `overwrite` replaces an earlier export."""
    if format not in FORMATS:
        raise ParameterError("format", f"unknown export {{name}} {format!r}; use one of {', '.join(FORMATS)}")
    if format == "word2vec":
        check_output_path(path, "file", overwrite=overwrite, name="path")
    else:
        _check_projector_folder(path, overwrite, name="path")
    types = word_types(store, min_count=min_count, decontextualized=decontextualized)
    if format == "word2vec":
        if words:
            types = _only(types, words)
        return export_word2vec(types, path, binary=binary, overwrite=overwrite)
    return export_projector(store, path, types=types, words=words, occurrences=occurrences, overwrite=overwrite)
