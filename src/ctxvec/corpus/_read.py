"""Read a corpus into sentences: files, folders, globs, standard input, or a built-in corpus by name.

Formats (by suffix): ``.txt`` one sentence a line, a blank line ends a document;
``.jsonl``/``.ndjson`` one JSON object a line; ``.csv``/``.tsv``/``.parquet`` a table. For the
last two kinds ``column`` names the text field (default ``text``). A folder is read file by
file (sorted, recursively), each file starting a new document; a glob (``shards/*.parquet``,
``**`` recursive) reads the files it matches, sorted, all of one format; a Hugging Face
``datasets`` folder (``save_to_disk``: ``state.json`` + ``.arrow`` files) is read from its Arrow
files, memory-mapped, without the ``datasets`` package. ``-`` reads text from stdin. The sentences
of several files are not kept: they are counted, and read again on demand (`FileTexts`).
With ``split=True`` each line/cell is treated as paragraph text and split into sentences.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from ..errors import CtxvecError, ParameterError
from ._builtin import BUILTIN, load_builtin
from ._lazy import FileTexts
from ._meta import FILE_NAME, check_meta_names, file_values, meta_table
from ._sentences import split_sentences
from ._types import Corpus, hash_sentences

TEXT_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TABLE_SUFFIXES = {".csv", ".tsv", ".parquet"}
SUPPORTED = TEXT_SUFFIXES | JSONL_SUFFIXES | TABLE_SUFFIXES


class _Builder:
    """Collects (document, sentence) pairs, numbering documents as they start; with `meta` names, the
    values of each document (`pending`, set by the reader before its sentences) as `meta_rows`."""

    def __init__(self, split: bool, meta: tuple[str, ...] = ()):
        self.split = split
        self.texts: list[str] = []
        self.docs: list[int] = []
        self.doc = 0
        self.in_doc = False
        self.meta = meta
        self.file_values: dict[str, object] = {}
        self.pending: dict[str, object] = {}
        self.meta_rows: list[dict[str, object]] = []

    def record(self, fields: dict[str, object]) -> None:
        """The next document's metadata: the file's values, then the record's `fields` named in `meta`."""
        if self.meta:
            self.pending = {**self.file_values, **{n: fields[n] for n in self.meta if n in fields}}

    def add(self, text: str) -> None:
        parts = split_sentences(text) if self.split else [" ".join(text.split())]
        for part in parts:
            if part:
                self.texts.append(part)
                self.docs.append(self.doc)
                self.in_doc = True

    def end_document(self) -> None:
        if self.in_doc:
            self.doc += 1
            self.in_doc = False
            if self.meta:
                self.meta_rows.append(self.pending)


def _no_column(problem: str) -> ParameterError:
    """The error for a text field/column that is not there: `problem`, then the fix."""
    return ParameterError("column", problem + "; pass {name} NAME")


def _decoded_lines(data: bytes, source: str) -> Iterator[str]:
    for lineno, raw in enumerate(data.splitlines(), start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise CtxvecError(
                f"{source} line {lineno}: bytes that are not UTF-8 ({e.reason} at column {e.start + 1}); "
                "re-encode the file as UTF-8"
            ) from None


def _read_text(data: bytes, source: str, b: _Builder) -> None:
    b.record({})
    for line in _decoded_lines(data, source):
        if line.strip():
            b.add(line)
        else:
            b.end_document()
    b.end_document()


def _read_jsonl(data: bytes, source: str, column: str, b: _Builder) -> None:
    for lineno, line in enumerate(_decoded_lines(data, source), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise CtxvecError(f"{source} line {lineno}: not valid JSON ({e.msg})") from None
        if not isinstance(obj, dict) or column not in obj:
            keys = ", ".join(obj) if isinstance(obj, dict) else type(obj).__name__
            raise _no_column(f"{source} line {lineno}: no field {column!r} (has: {keys})")
        if obj[column] is not None:
            b.record(obj)
            b.add(str(obj[column]))
            b.end_document()


def _read_table(path: Path, column: str, b: _Builder) -> None:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as e:
            raise CtxvecError(f"{path}: cannot read as Parquet ({e})") from None
        if column not in table.column_names:
            raise _no_column(f"{path}: no column {column!r} (has: {', '.join(table.column_names)})")
        values: Iterable[object] = table.column(column).to_pylist()
        records: Iterable[dict[str, object]] = (
            table.select([n for n in b.meta if n in table.column_names]).to_pylist() if b.meta else ()
        )
    else:
        text = "\n".join(_decoded_lines(path.read_bytes(), str(path)))
        reader = csv.DictReader(io.StringIO(text), delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
        names = reader.fieldnames or []
        if column not in names:
            raise _no_column(f"{path}: no column {column!r} (has: {', '.join(names)})")
        rows = list(reader)
        values = [row[column] for row in rows]
        records = [dict(r) for r in rows] if b.meta else ()
    empty: dict[str, object] = {}
    for v, fields in itertools.zip_longest(values, records, fillvalue=empty):
        if v is not None and str(v).strip():
            b.record(fields)
            b.add(str(v))
            b.end_document()


def _read_file(path: Path, column: str, b: _Builder, root: Path | None = None) -> None:
    suffix = path.suffix.lower()
    if b.meta:
        relative = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else path.name
        fields = b.meta if suffix not in TABLE_SUFFIXES | JSONL_SUFFIXES else [n for n in b.meta if n == FILE_NAME]
        b.file_values = file_values(fields, path.stem, relative, str(path))
    if suffix in TABLE_SUFFIXES:
        _read_table(path, column, b)
    elif suffix in JSONL_SUFFIXES:
        _read_jsonl(path.read_bytes(), str(path), column, b)
    else:
        _read_text(path.read_bytes(), str(path), b)


def read_corpus(
    source: str | os.PathLike[str] | Corpus | list[str],
    column: str = "text",
    split: bool = False,
    limit: int | None = None,
    meta: Sequence[str] = (),
) -> Corpus:
    """Read `source` (path, folder, `-`, built-in name `wiki`/`lee`, a list of sentences) into a Corpus.

    `meta`: document metadata columns to keep (fields of JSONL/CSV/Parquet records, or the parts of a text
    file's name; see `ctxvec.corpus._meta`), typed, in `Corpus.meta`."""
    names = check_meta_names(meta)
    if isinstance(source, Corpus):
        corpus = source
        if names and (corpus.meta is None or not set(names) <= set(corpus.meta.column_names)):
            raise ParameterError("meta", "{name} names columns this Corpus object does not hold")
    elif isinstance(source, list):
        b = _Builder(split)
        for s in source:
            b.add(str(s))
        corpus = Corpus(b.texts, np.asarray(b.docs, dtype=np.int64), "list")
    else:
        if names and isinstance(source, list):
            raise ParameterError("meta", "a list of sentences has no metadata; pass {name}=() or read files")
        corpus = _read_source(str(source), column, split, names)
    if limit is not None:
        if limit < 1:
            raise ParameterError("limit", f"{{name}} must be at least 1, got {limit}")
        corpus = corpus.head(limit)
    if not corpus.texts:
        raise CtxvecError(f"no sentences in {corpus.name}; the input is empty or blank")
    return corpus


def _read_source(source: str, column: str, split: bool, meta: tuple[str, ...] = ()) -> Corpus:
    b = _Builder(split, meta)
    if source == "-":
        if meta:
            raise ParameterError("meta", "standard input has no metadata; write the corpus to files to use {name}")
        _read_text(sys.stdin.buffer.read(), "<stdin>", b)
        return Corpus(b.texts, np.asarray(b.docs, dtype=np.int64), "<stdin>", ["-"])
    path = Path(source).expanduser()
    if not path.exists() and glob.has_magic(source):
        files = _glob_files(str(path))
        root = Path(os.path.commonpath([f.parent for f in files]))
        return _file_corpus(files, lambda f, fb: _read_file(f, column, fb, root), split, source, meta)
    if path.is_dir() and (path / "state.json").is_file():
        return _file_corpus(arrow_files(path), lambda f, fb: _read_arrow(f, column, fb), split, str(path), meta)
    if not path.exists():
        if source in BUILTIN:
            if meta:
                raise ParameterError("meta", f"the built-in corpus {source!r} has no metadata; drop {{name}}")
            return load_builtin(source)
        raise CtxvecError(
            f"corpus {source!r} not found; give a file, a folder, '-' for stdin, or a built-in name ({', '.join(BUILTIN)})"
        )
    if path.is_dir():
        files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED)
        if not files:
            raise CtxvecError(f"folder {path} holds no corpus files ({', '.join(sorted(SUPPORTED))})")
        return _file_corpus(files, lambda f, fb: _read_file(f, column, fb, path), split, str(path), meta)
    _read_file(path, column, b)
    b.end_document()
    table = meta_table(meta, b.meta_rows) if meta and b.texts else None
    return Corpus(b.texts, np.asarray(b.docs, dtype=np.int64), str(path), [str(path)], meta=table)


def _file_corpus(
    files: list[Path], read: Callable[[Path, _Builder], None], split: bool, name: str, meta: tuple[str, ...] = ()
) -> Corpus:
    """A corpus of several files: read once here to count each file's sentences, number the documents
    (each file starts a new one) and hash the fingerprint; its texts (`FileTexts`) re-read a file when
    a slice needs it, so the sentences are never all in memory."""

    def file_builder(f: Path) -> _Builder:
        fb = _Builder(split, meta)
        read(f, fb)
        fb.end_document()
        return fb

    counts, docs, n_docs = [], [], 0
    meta_rows: list[dict[str, object]] = []
    h = hashlib.sha256()
    for f in files:
        fb = file_builder(f)
        meta_rows += fb.meta_rows
        ids = np.asarray(fb.docs, dtype=np.int64) + n_docs
        hash_sentences(h, fb.texts, ids.tolist())
        counts.append(len(fb.texts))
        docs.append(ids)
        n_docs += fb.doc
    texts = FileTexts(files, counts, lambda f: file_builder(f).texts)
    doc_ids = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
    table = meta_table(meta, meta_rows) if meta and len(doc_ids) else None
    return Corpus(texts, doc_ids, name, [str(f) for f in files], digest=h.hexdigest(), meta=table)


def _glob_files(pattern: str) -> list[Path]:
    """The files `pattern` matches, sorted; CtxvecError when none, or when formats are mixed or unknown."""
    files = sorted(Path(f) for f in glob.glob(pattern, recursive=True) if Path(f).is_file())
    if not files:
        raise CtxvecError(f"the pattern {pattern!r} matched no files; check the folder and the suffix")
    suffixes = sorted({f.suffix.lower() for f in files})
    unknown = [s or "(none)" for s in suffixes if s not in SUPPORTED]
    if unknown:
        raise CtxvecError(
            f"the pattern {pattern!r} matched files of unknown format ({', '.join(unknown)}); "
            f"corpus files end in {', '.join(sorted(SUPPORTED))}"
        )
    if len(suffixes) > 1:
        raise CtxvecError(
            f"the pattern {pattern!r} matched shards of several formats ({', '.join(suffixes)}); use one format per pattern"
        )
    return files


def arrow_files(folder: Path) -> list[Path]:
    """The Arrow files of a Hugging Face ``datasets`` folder (from its ``state.json``, in order)."""
    try:
        state = json.loads((folder / "state.json").read_text())
        names = [str(entry["filename"]) for entry in state["_data_files"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise CtxvecError(f"{folder}/state.json is not a datasets state file ({e})") from None
    files = [folder / name for name in names]
    missing = [str(f) for f in files if not f.is_file()]
    if missing or not files:
        raise CtxvecError(
            f"{folder} is a datasets folder without its Arrow files ({', '.join(missing) or 'none listed'})"
        )
    return files


def _read_arrow(path: Path, column: str, b: _Builder) -> None:
    """One ``.arrow`` stream file of a datasets folder, memory-mapped, batch by batch; each value a document."""
    import pyarrow as pa

    try:
        reader = pa.ipc.open_stream(pa.memory_map(str(path)))
    except Exception as e:
        raise CtxvecError(f"{path}: cannot read as an Arrow stream ({e})") from None
    names = reader.schema.names
    if column not in names:
        raise _no_column(f"{path}: no column {column!r} (has: {', '.join(names)})")
    if not (
        pa.types.is_string(reader.schema.field(column).type)
        or pa.types.is_large_string(reader.schema.field(column).type)
    ):
        raise _no_column(f"{path}: column {column!r} holds {reader.schema.field(column).type}, not text")
    present = [n for n in b.meta if n in names]
    for batch in reader:
        records = batch.select(present).to_pylist() if b.meta else [{}] * batch.num_rows
        for v, fields in zip(batch.column(column).to_pylist(), records, strict=True):
            if v is not None and v.strip():
                b.record(fields)
                b.add(v)
                b.end_document()
