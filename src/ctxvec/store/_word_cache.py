"""Derived data of one word kept in a store folder, so a fresh process does not compute it again.

Some answers about a word cost seconds to derive and depend only on the store, the word and the code
(a word's WordNet synset vectors, its usage profile: `ctxvec.structure`). `cached_word_value` reads them
from ``words/<kind>/<word file>.npz`` when the entry there was made for the same

- store content: the SHA-256 of the store's manifest (the data files' checksums, the model and its
  weights' SHA-256, the encoding spec, the in-place transform id: `store_content_id`);
- code: the SHA-256 of ctxvec's own source files and the installed numpy / torch / transformers /
  tokenizers (`code_id`), so any change to the code that computes it makes the entry stale;
- word, kind, and the caller's `key` (its version constant, its parameters, WordNet's files);

and otherwise computes the value and writes the entry atomically (``ctxvec._io.atomic_path``: a temporary
file renamed over the old one, so two processes writing the same word leave one whole entry, and a
reader sees the old file or the new one). A damaged or stale entry is computed again and replaced; a
store folder that refuses new files (`Store.writable`) gets no entry, the value is computed each time.
Entries never touch the store's checksummed files; `ctxvec verify` checks them (`_caches.word_caches`).

An entry is one ``.npz`` (no pickle): its arrays, and ``meta``, a JSON document (UTF-8 bytes) holding the
provenance above and the value's structure. Values are frozen trees of dataclasses, numpy arrays and
scalars, str / int / float / bool / None, tuples, lists, sets, frozensets and str-keyed dicts
(`encode_value`); a dataclass is named by module and class and rebuilt from its init fields, and only
dataclasses defined in ctxvec are rebuilt, so the cache follows a class's fields without a schema.
Delete ``words/`` (or one kind under it) to clear it: entries are recomputed when next needed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.util
import json
import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from .._io import atomic_path
from ..errors import CtxvecError
from ..results import JSON
from ._paths import SAFE_NAME, inside_store

if TYPE_CHECKING:
    from ._reader import Store

__all__ = [
    "WORDS_DIR",
    "cached_word_value",
    "code_id",
    "read_word_entry",
    "store_content_id",
    "word_entry_path",
    "write_word_entry",
]

T = TypeVar("T")
WORDS_DIR = "words"
ENTRY_FORMAT = 1
META = "meta"
LIBRARIES = ("numpy", "torch", "transformers", "tokenizers")
_SLUG = re.compile(r"[^a-z0-9_]+")
_PACKAGE = Path(__file__).resolve().parents[1]


class UnsupportedValue(TypeError):
    """A value `encode_value` cannot write (the entry is then not kept)."""


def store_content_id(store: Store) -> str:
    """SHA-256 of the store's manifest (key-sorted JSON): its data files' checksums, model, spec, transform."""
    return hashlib.sha256(json.dumps(store.manifest, sort_keys=True).encode()).hexdigest()


@lru_cache(maxsize=1)
def code_id() -> str:
    """SHA-256 of ctxvec's source files (names and bytes) and of where and when the libraries that shape
    computed numbers (`LIBRARIES`) were installed; read once per process (about 15 ms)."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        h.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        stamp = os.stat(origin).st_mtime_ns if origin and os.path.isfile(origin) else None
        h.update(f"{name}:{origin}:{stamp}\0".encode())
    return h.hexdigest()


def word_entry_path(store: Store, kind: str, word: str) -> Path:
    """``<store>/words/<kind>/<slug>-<sha>.npz``: the entry of `word` (a readable slug of it and 16 hex
    digits of its SHA-256, so any word gets a plain file name and two words never share one)."""
    if not SAFE_NAME.fullmatch(kind) or ".." in kind:
        raise ValueError(f"kind must be a plain file name, got {kind!r}")
    slug = _SLUG.sub("_", word.casefold())[:40] or "_"
    digest = hashlib.sha256(word.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return store.path / WORDS_DIR / kind / f"{slug}-{digest}.npz"


def _entry_inside(store: Store, kind: str, word: str) -> Path:
    """`word_entry_path`, after checking that it stays inside the store folder, links resolved (a crafted
    ``words`` link to elsewhere is neither read nor written through); CtxvecError otherwise."""
    path = word_entry_path(store, kind, word)
    return inside_store(store.path, WORDS_DIR, kind, path.name, what="word cache entry")


def _provenance(store: Store, kind: str, word: str, key: JSON) -> JSON:
    record = {"format": ENTRY_FORMAT, "kind": kind, "word": word, "store": store_content_id(store), "code": code_id()}
    return json.loads(json.dumps({**record, "key": key}, sort_keys=True))  # JSON-native, as read back


# ---- values <-> (JSON tree, arrays) ----------------------------------------------------------------
def encode_value(value: object, arrays: dict[str, np.ndarray]) -> Any:
    """A JSON tree for `value`; its arrays (and numpy scalars, as 0-d arrays) go to `arrays` by name."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.hasobject:
            raise UnsupportedValue(f"an array of Python objects ({array.dtype}) cannot be kept")
        name = f"a{len(arrays)}"
        arrays[name] = array
        return {"$array" if isinstance(value, np.ndarray) else "$scalar": name}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = {f.name: encode_value(getattr(value, f.name), arrays) for f in dataclasses.fields(value) if f.init}
        return {"$dataclass": f"{cls.__module__}:{cls.__qualname__}", "fields": fields}
    if isinstance(value, (tuple, list, set, frozenset)):
        items = [encode_value(v, arrays) for v in value]
        return items if isinstance(value, list) else {f"${type(value).__name__}": items}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"$dict": {k: encode_value(v, arrays) for k, v in value.items()}}
    raise UnsupportedValue(f"a {type(value).__name__} cannot be kept in a word cache")


_COLLECTIONS: dict[str, Callable[[list[Any]], Any]] = {"$tuple": tuple, "$set": set, "$frozenset": frozenset}


def _dataclass(name: str) -> type:
    module, _, qualname = name.partition(":")
    if not (module == "ctxvec" or module.startswith("ctxvec.")) or not qualname:
        raise ValueError(f"not a ctxvec class: {name!r}")
    cls: Any = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"not a dataclass: {name!r}")
    return cls


def decode_value(tree: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The value `encode_value` wrote as `tree` (ValueError / KeyError / TypeError when it does not fit)."""
    if isinstance(tree, list):
        return [decode_value(v, arrays) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if len(tree) == 1:
        ((tag, body),) = tree.items()
        if tag == "$array":
            return arrays[body]
        if tag == "$scalar":
            return arrays[body][()]
        if tag in _COLLECTIONS:
            return _COLLECTIONS[tag]([decode_value(v, arrays) for v in body])
        if tag == "$dict":
            return {str(k): decode_value(v, arrays) for k, v in body.items()}
    if set(tree) == {"$dataclass", "fields"}:
        cls = _dataclass(tree["$dataclass"])
        return cls(**{str(k): decode_value(v, arrays) for k, v in tree["fields"].items()})
    raise ValueError(f"not a word-cache value: {sorted(tree)}")


# ---- entries -------------------------------------------------------------------------------------
def read_entry_file(path: Path) -> tuple[JSON, dict[str, np.ndarray]]:
    """(meta, arrays) of the entry file at `path`; any exception when it is not one."""
    with np.load(path, allow_pickle=False) as npz:
        meta = json.loads(bytes(npz[META]).decode("utf-8"))
        arrays = {name: npz[name] for name in npz.files if name != META}
    if not isinstance(meta, dict):
        raise ValueError("meta is not a JSON object")
    return meta, arrays


def read_word_entry(store: Store, kind: str, word: str, key: JSON, expected: type[T]) -> T | None:
    """The `expected` value kept for (`kind`, `word`, `key`) in `store`, or None when there is none, it was
    made for other store content, code or key, or it cannot be read (a damaged file is never trusted)."""
    try:
        meta, arrays = read_entry_file(_entry_inside(store, kind, word))
        if meta.get("provenance") != _provenance(store, kind, word, key):
            return None
        value = decode_value(meta["value"], arrays)
    except Exception:  # absent, damaged or from another version: computed again
        return None
    return value if isinstance(value, expected) else None


def write_word_entry(store: Store, kind: str, word: str, key: JSON, value: object) -> bool:
    """Keep `value` for (`kind`, `word`, `key`) in `store`, atomically; False (nothing written) when the
    store folder refuses new files, the value holds something `encode_value` cannot write, or writing fails."""
    if not store.writable:
        return False
    arrays: dict[str, np.ndarray] = {}
    try:
        tree = encode_value(value, arrays)
        meta = {"provenance": _provenance(store, kind, word, key), "value": tree}
        blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
        path = _entry_inside(store, kind, word)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, suffix=".npz") as tmp:
            np.savez(tmp, allow_pickle=False, **{META: blob}, **arrays)
    except (OSError, UnsupportedValue, ValueError, CtxvecError):
        return False
    return True


def cached_word_value(
    store: Store, kind: str, word: str, key: JSON, compute: Callable[[], T | None], expected: type[T]
) -> T | None:
    """`compute()`'s value for `word` in `store`, read from its entry when one was kept for the same store
    content, code, `kind` and `key` (module doc), else computed and kept (None is returned, not kept)."""
    kept = read_word_entry(store, kind, word, key, expected)
    if kept is not None:
        return kept
    value = compute()
    if value is not None:
        write_word_entry(store, kind, word, key, value)
    return value
