"""The evidence that two words belong to one morphological family, one rule at a time.

Each rule gives edges between words of a vocabulary (both directions are implied):

- ``wordnet-derivation``: WordNet 3.0's ``+`` pointer (music ↔ musician, state ↔ statement);
- ``wordnet-pertainym``: WordNet's ``\\`` and ``<`` pointers (musical → music, musically → musical);
- ``suffix``: v = stem + a derivational suffix of `SUFFIXES` (with WordNet's spelling changes: a final
  ``e`` restored, ``i`` → ``y``, a doubled consonant undone), both in the vocabulary, where WordNet is
  silent: not both words are WordNet entries (musicologists, stateless);
- ``suffix-wordnet``: the same where WordNet knows both words and links neither way (banal / ban);
- ``prefix``: v = a prefix of `PREFIXES` + word (unhappy, interstate);
- ``compound``: v = x + y, both WordNet words of 3+ letters, x the word (banknote = bank + note; bankhead
  too); ``compound-second``: y the word (statewide for wide);
- ``first-wordpiece``: the model's tokenizer splits v into pieces whose first is the whole word
  (musicologists = music + ##ologists; bankhead = bank + ##head).

WordNet's links are kept only between words that share their first letters (at least
`SHARED_PREFIX`, or the shorter word's length), so a pertainym between different stems (civil → state,
dental → tooth) is meaning, not form, and is not family. Inflections (a shared morphy analysis) are not
an edge: `StoreFamilies` adds each member's forms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

SHARED_PREFIX = 3
SUFFIXES = (
    "ally", "ly", "ness", "ment", "ments", "ity", "ities", "ation", "ations", "ition", "ion", "ions", "al", "ial",
    "ical", "ic", "ics", "ist", "ists", "ism", "isms", "er", "ers", "or", "ors", "less", "ful", "hood", "ship",
    "wide", "ous", "ive", "able", "ible", "ize", "ise", "ized", "ization", "ian", "ians", "ish", "ology",
    "ologist", "ologists", "ological", "dom", "like", "esque", "ette", "ery", "ary", "an", "ean", "ese", "y",
)  # fmt: skip
PREFIXES = (
    "un", "non", "re", "pre", "anti", "sub", "super", "inter", "multi", "counter", "over", "under", "mis",
    "dis", "semi", "post", "trans", "co", "de", "in", "im", "ir", "il", "pro", "neo", "mid", "up",
)  # fmt: skip
RULES = (
    "wordnet-derivation",
    "wordnet-pertainym",
    "suffix",
    "suffix-wordnet",
    "prefix",
    "compound",
    "compound-second",
    "first-wordpiece",
)
Edge = tuple[str, str, str]  # (word, word, rule)


def shares_stem(a: str, b: str, n: int = SHARED_PREFIX) -> bool:
    """True when `a` and `b` begin with the same min(n, len(shorter)) letters."""
    m = min(n, len(a), len(b))
    return m > 0 and a[:m] == b[:m]


def _wordlike(w: str) -> bool:
    return len(w) >= 3 and w.isascii() and w.isalpha()


def wordnet_edges(links: dict[str, frozenset[tuple[str, str]]], bases: set[str]) -> list[Edge]:
    """WordNet links between two of `bases` (the analyses of a vocabulary) that share a stem."""
    return [
        (a, b, rule)
        for rule, pairs in sorted(links.items())
        for a, b in sorted(pairs)
        if a < b and a in bases and b in bases and shares_stem(a, b)
    ]


def _stems(t: str) -> list[str]:
    """Spellings the stem `t` of a derived word may have in the dictionary (WordNet's spelling changes)."""
    out = [t, t + "e"]
    if t.endswith("i"):
        out.append(t[:-1] + "y")
    if len(t) >= 2 and t[-1] == t[-2] and t[-1] not in "aeiou":
        out.append(t[:-1])
    return out


def affix_edges(
    words: Iterable[str], known: Callable[[str], bool], links: dict[str, frozenset[tuple[str, str]]]
) -> list[Edge]:
    """``suffix`` / ``suffix-wordnet`` / ``prefix`` / ``compound`` edges among `words` (see the module);
    `known(w)`: is `w` (or a base form of it) a WordNet entry."""
    vocab = {w for w in words if _wordlike(w)}
    linked = {pair for pairs in links.values() for pair in pairs}

    edges: set[Edge] = set()
    for v in sorted(vocab):
        for s in SUFFIXES:
            if v.endswith(s) and len(v) - len(s) >= 3:
                stem = next((t for t in _stems(v[: -len(s)]) if t in vocab and t != v), None)
                if stem is not None:
                    both = known(stem) and known(v)
                    if not (both and (stem, v) in linked):
                        edges.add((stem, v, "suffix-wordnet" if both else "suffix"))
        for p in PREFIXES:
            if v.startswith(p) and len(v) - len(p) >= 4 and v[len(p) :] in vocab:
                edges.add((v[len(p) :], v, "prefix"))
        if len(v) >= 7:
            for i in range(3, len(v) - 2):
                x, y = v[:i], v[i:]
                if x in vocab and y in vocab and known(x) and known(y):
                    edges.update({(x, v, "compound"), (y, v, "compound-second")})
    return sorted(edges)


def first_piece_edges(
    words: Iterable[str], first_pieces: Iterable[str], n_pieces: Iterable[int], min_letters: int = 3
) -> list[Edge]:
    """``first-wordpiece`` edges: (w, v) where v splits into 2+ pieces whose first is the one-piece word w
    of at least `min_letters` letters."""
    rows = list(zip(words, first_pieces, n_pieces, strict=True))
    whole = {w for w, piece, n in rows if n == 1 and _wordlike(w) and piece == w and len(w) >= min_letters}
    return sorted((piece, w, "first-wordpiece") for w, piece, n in rows if n > 1 and piece in whole and _wordlike(w))
