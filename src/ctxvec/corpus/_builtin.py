"""Built-in corpora read offline from gensim's bundled test data.

- ``wiki``: 106 English Wikipedia articles (CC BY-SA), markup removed with gensim's
  ``filter_wiki``, prose paragraphs only (no headings, lists, tables or reference
  sections), split into sentences; one document per article.
- ``lee``: the Lee news corpus (300 short documents, one a line), split into sentences.
"""

from __future__ import annotations

import bz2
import re
from functools import lru_cache

import numpy as np

from ..errors import CtxvecError
from ._sentences import split_sentences
from ._types import Corpus

WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
LEE_FILE = "lee_background.cor"
STOP_SECTIONS = re.compile(
    r"^=+\s*(references|external links|see also|further reading|bibliography|notes|sources)\s*=+", re.I
)
MIN_WORDS = 4
MIN_PARAGRAPH_WORDS = 8


def _datapath(name: str) -> str:
    try:
        from gensim.test.utils import datapath
    except ImportError:
        raise CtxvecError("built-in corpora need gensim; `pip install gensim`") from None
    return str(datapath(name))


def clean_wiki_article(markup: str) -> list[str]:
    """Prose paragraphs of one article's wiki markup, in order."""
    from gensim.corpora.wikicorpus import filter_wiki

    text = filter_wiki(markup)
    paragraphs = []
    for line in text.splitlines():
        line = line.strip()
        if STOP_SECTIONS.match(line):
            break
        if not line or line[0] in "=*#:;|{!" or line.startswith("Category:"):
            continue
        line = re.sub(r"'{2,}", "", line)  # bold / italic quotes
        line = re.sub(r"\(\s*[,;]?\s*\)", "", line)  # brackets emptied by removed templates
        line = re.sub(r"\s+([,.;:])", r"\1", line)
        line = " ".join(line.split())
        if len(line.split()) >= MIN_PARAGRAPH_WORDS and line[-1] in ".!?\"'”)":  # prose, not captions
            paragraphs.append(line)
    return paragraphs


@lru_cache(maxsize=2)
def _wiki() -> tuple[tuple[str, ...], tuple[int, ...]]:
    from gensim.corpora.wikicorpus import extract_pages

    texts: list[str] = []
    docs: list[int] = []
    doc = 0
    with bz2.open(_datapath(WIKI_FILE)) as fh:
        for _title, markup, _pageid in extract_pages(fh):
            if markup.lstrip().upper().startswith("#REDIRECT"):
                continue
            sentences = [s for p in clean_wiki_article(markup) for s in split_sentences(p)]
            sentences = [s for s in sentences if len(s.split()) >= MIN_WORDS]
            if sentences:
                texts += sentences
                docs += [doc] * len(sentences)
                doc += 1
    return tuple(texts), tuple(docs)


def _lee() -> tuple[list[str], list[int]]:
    texts: list[str] = []
    docs: list[int] = []
    with open(_datapath(LEE_FILE), encoding="utf-8", errors="replace") as fh:
        for doc, line in enumerate(fh):
            for s in split_sentences(line):
                texts.append(s)
                docs.append(doc)
    return texts, docs


def load_builtin(name: str) -> Corpus:
    """The built-in corpus `name` (`wiki` or `lee`)."""
    if name == "wiki":
        texts, docs = _wiki()
        return Corpus(list(texts), np.asarray(docs, dtype=np.int64), "wiki", [WIKI_FILE])
    if name == "lee":
        t, d = _lee()
        return Corpus(t, np.asarray(d, dtype=np.int64), "lee", [LEE_FILE])
    raise CtxvecError(f"unknown built-in corpus {name!r}; choose one of {', '.join(BUILTIN)}")


BUILTIN = ("wiki", "lee")
