"""Export word-type vectors for other tools.

- word2vec text format (gensim ``KeyedVectors.load_word2vec_format(path)``): a header
  ``n_words dim``, then ``word v1 ... v_dim`` per line, most frequent word first (the order
  gensim's ``restrict_vocab`` assumes), 9 significant digits (exact for float32). Whitespace
  inside a word becomes ``_``; ``binary=True`` writes the binary variant (``binary=True`` in gensim).
- TensorFlow Embedding Projector (https://projector.tensorflow.org, "Load"): ``vectors.tsv``
  (one vector a line, tab-separated) and ``metadata.tsv`` (a header line, then one line per vector:
  ``label``, ``kind`` = type/occurrence, ``word``, ``count``, ``row``, ``sentence`` with the
  occurrence in [brackets]). Word types come first, then a sample of occurrences.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._io import atomic_open, atomic_path
from ..errors import ParameterError
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


def export_word2vec(types: WordTypes, path: str | os.PathLike[str], binary: bool = False) -> Exported:
    """Write `types` (n_words, dim) in word2vec format, most frequent first."""
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
    return Exported([p], len(keys), format="word2vec")


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
) -> Exported:
    """Write ``vectors.tsv`` + ``metadata.tsv`` into `folder`: word types, then occurrences.

    `words` restricts both to those words; `occurrences` caps the occurrences (a seeded uniform
    sample, in row order; 0 = none). Both files are written under temporary names and renamed
    only once both are complete.
    """
    if occurrences < 0:
        raise ParameterError("occurrences", f"{{name}} must be 0 or more, got {occurrences}")
    types = word_types(store) if types is None else types
    if words:
        types = _only(types, words)
        candidates = np.flatnonzero(np.isin(store.word_ids, vocabulary_ids(store, words)))
    else:
        candidates = np.arange(store.n_rows)
    if len(candidates) > occurrences:
        candidates = np.sort(np.random.default_rng(seed).choice(candidates, size=occurrences, replace=False))
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    vpath, mpath = out / "vectors.tsv", out / "metadata.tsv"
    order = types.frequency_order()
    with (
        atomic_path(vpath) as vtmp,
        atomic_path(mpath) as mtmp,
        open(vtmp, "w", encoding="utf-8") as fv,
        open(mtmp, "w", encoding="utf-8") as fm,
    ):
        fm.write("label\tkind\tword\tcount\trow\tsentence\n")
        for i in order:
            fv.write("\t".join(f"{x:.6g}" for x in types.vectors[i].tolist()) + "\n")
            w = _tsv(types.words[i])
            fm.write(f"{w}\ttype\t{w}\t{int(types.counts[i])}\t\t\n")
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
    return Exported([vpath, mpath], len(order), len(candidates), format="projector")


def export(
    store: Store,
    path: str | os.PathLike[str],
    format: str = "word2vec",
    min_count: int = 1,
    decontextualized: bool = True,
    binary: bool = False,
    words: Sequence[str] | None = None,
    occurrences: int = 2000,
) -> Exported:
    """Export `store`'s word types (and, for projector, occurrences) in `format` to `path`."""
    if format not in FORMATS:
        raise ParameterError("format", f"unknown export {{name}} {format!r}; use one of {', '.join(FORMATS)}")
    types = word_types(store, min_count=min_count, decontextualized=decontextualized)
    if format == "word2vec":
        if words:
            types = _only(types, words)
        return export_word2vec(types, path, binary=binary)
    return export_projector(store, path, types=types, words=words, occurrences=occurrences)
