"""Corpora of many files keep only sentence counts: their texts are read from the files on demand."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec.corpus import Corpus, read_corpus
from ctxvec.corpus._lazy import FileTexts
from ctxvec.errors import CtxvecError


def write_folder(folder, n_files: int, per_file: int) -> list[list[str]]:
    """`n_files` text files; file f: documents of 3 sentences (blank line between), `per_file` sentences."""
    folder.mkdir(parents=True)
    files = []
    for f in range(n_files):
        sents = [f"file {f} sentence {i} with some words in it." for i in range(per_file)]
        lines = []
        for i, s in enumerate(sents):
            lines.append(s)
            if i % 3 == 2:
                lines.append("")
        (folder / f"part-{f:03d}.txt").write_text("\n".join(lines) + "\n")
        files.append(sents)
    return files


def eager(files: list[list[str]]) -> Corpus:
    """The same corpus read file by file into lists: each file starts a document, 3 sentences a document."""
    texts, docs, n_docs = [], [], 0
    for sents in files:
        texts += sents
        docs += [n_docs + i // 3 for i in range(len(sents))]
        n_docs += -(-len(sents) // 3)
    return Corpus(texts, np.asarray(docs, dtype=np.int64))


def test_folder_corpus_reads_its_files_on_demand(tmp_path):
    files = write_folder(tmp_path / "c", 4, 10)
    c = read_corpus(tmp_path / "c")
    ref = eager(files)
    assert isinstance(c.texts, FileTexts) and len(c) == 40
    assert c.texts == ref.texts and list(c.texts) == ref.texts
    np.testing.assert_array_equal(c.doc_ids, ref.doc_ids)
    assert c.fingerprint() == ref.fingerprint()  # hashed on the way: the same identity as the lists
    assert c.texts[8:23] == ref.texts[8:23] and c.texts[-1] == ref.texts[-1] and c.texts[::7] == ref.texts[::7]
    assert read_corpus(f"{tmp_path}/c/*.txt").texts == ref.texts
    head = read_corpus(tmp_path / "c", limit=12)
    assert head.texts == ref.texts[:12] and head.fingerprint() == Corpus(ref.texts[:12], ref.doc_ids[:12]).fingerprint()
    with pytest.raises(IndexError):
        c.texts[40]


def test_folder_corpus_does_not_hold_its_sentences(tmp_path):
    files = write_folder(tmp_path / "c", 20, 2000)
    one = tmp_path / "one.txt"
    one.write_text("".join(p.read_text() for p in sorted((tmp_path / "c").iterdir())))

    def retained(source) -> tuple[int, Corpus]:
        tracemalloc.start()
        corpus = read_corpus(source)
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        return size, corpus

    lazy_bytes, lazy = retained(tmp_path / "c")
    list_bytes, listed = retained(one)
    assert isinstance(listed.texts, list) and lazy.texts == listed.texts == eager(files).texts
    assert lazy_bytes < list_bytes / 4  # counts and document ids (8 bytes a sentence), no sentences


def test_a_file_changed_after_counting_is_an_error(tmp_path):
    write_folder(tmp_path / "c", 2, 6)
    c = read_corpus(tmp_path / "c")
    (tmp_path / "c" / "part-001.txt").write_text("only one sentence now\n")
    assert c.texts[:6] == [f"file 0 sentence {i} with some words in it." for i in range(6)]
    with pytest.raises(CtxvecError, match=r"part-001.txt changed while the corpus was read \(6 sentences, now 1\)"):
        c.texts[7]


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 5), min_size=1, max_size=6),
    a=st.integers(-35, 35),
    b=st.integers(-35, 35),
    step=st.sampled_from([None, 1, 2, 3, -1]),
)
def test_slices_equal_list_slices(counts, a, b, step):
    parts = {f"f{i}": [f"{i}.{j}" for j in range(n)] for i, n in enumerate(counts)}
    texts = FileTexts([Path(name) for name in parts], counts, lambda p: list(parts[str(p)]))
    flat = [t for part in parts.values() for t in part]
    assert texts[a:b:step] == flat[a:b:step]
    assert len(texts) == len(flat) and list(texts) == flat
    if flat:
        assert texts[a % len(flat)] == flat[a % len(flat)]
