"""Integration tests on the real embedded default model (all-MiniLM-L6-v2), offline."""

import numpy as np
import pytest
import torch

from ctxvec.corpus import read_corpus
from ctxvec.encoding import EncodeSpec, default_model_path
from ctxvec.encoding._models import cpu_computes_bf16
from ctxvec.runners import embed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wiki_sentences():
    return read_corpus("wiki", limit=40).texts


def test_subword_store_equals_blog_last_hidden_state(tmp_path, wiki_sentences):
    """The blog's method: one padded batch, `last_hidden_state` rows of real tokens."""
    from transformers import AutoModel, AutoTokenizer

    store = embed(
        wiki_sentences,
        tmp_path / "s",
        EncodeSpec(unit="subword", keep_special=True, compute_dtype="float32"),
        device="cpu",
    )
    tok = AutoTokenizer.from_pretrained(default_model_path())
    model = AutoModel.from_pretrained(default_model_path()).eval()
    batch = tok(wiki_sentences, padding=True, return_tensors="pt")
    with torch.no_grad():
        h = model(**batch).last_hidden_state
    ref = h[batch["attention_mask"].bool()].numpy()
    got = np.asarray(store.vectors, dtype=np.float32)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref.astype(np.float16).astype(np.float32), atol=2e-3, rtol=2e-3)
    default = embed(wiki_sentences, tmp_path / "d", EncodeSpec(unit="subword", keep_special=True), device="cpu")  # auto
    precision = default.manifest["encode"]["compute_dtype"]
    assert precision == ("bfloat16" if cpu_computes_bf16() else "float32")
    fast = np.asarray(default.vectors, dtype=np.float32)
    cos = (fast * ref).sum(1) / np.linalg.norm(fast, axis=1) / np.linalg.norm(ref, axis=1)
    assert cos.mean() >= 0.9999 and cos.min() >= 0.999  # bench_embed's threshold for the default
    expect_tokens = [
        t for i in range(len(wiki_sentences)) for t in tok.convert_ids_to_tokens(tok(wiki_sentences[i])["input_ids"])
    ]
    assert list(store.tokens) == expect_tokens


def test_bfloat16_compute_keeps_cosine_above_0999(tmp_path, wiki_sentences):
    a = embed(wiki_sentences, tmp_path / "a", device="cpu", dtype="float32")
    b = embed(wiki_sentences, tmp_path / "b", EncodeSpec(compute_dtype="bfloat16"), device="cpu", dtype="float32")
    va, vb = np.asarray(a.vectors), np.asarray(b.vectors)
    cos = (va * vb).sum(1) / np.linalg.norm(va, axis=1) / np.linalg.norm(vb, axis=1)
    assert cos.mean() >= 0.999


def test_word_store_of_default_model_has_words_from_the_text(tmp_path):
    store = embed("lee", tmp_path / "lee", limit=60, device="cpu")
    assert store.manifest["model"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert store.dim == 384 and store.n_sentences == 60
    for r in range(0, store.n_rows, 97):
        occ = store.occurrence(r)
        assert occ.sentence[occ.start : occ.end] == occ.token
