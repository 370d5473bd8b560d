"""The padding-free forward pass (`ctxvec.encoding._unpadded`) against the model's own padded forward:
same vectors for every layer choice, precision and pooling, with and without padding in a batch."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec.encoding import BatchEncoder, EncodeSpec
from ctxvec.encoding._unpadded import supports_unpadded, unpadded_hidden_states

WORDS = ["cold", "winter", "bank", "river", "money", "the", "a", "unbelievably", "warm", "day", "."]


def _encoders(tiny_model, **spec):
    enc = BatchEncoder.load(EncodeSpec(model=str(tiny_model), **spec), device="cpu", batch_tokens=64)
    ref = BatchEncoder.load(EncodeSpec(model=str(tiny_model), **spec), device="cpu", batch_tokens=64)
    ref.unpadded = False  # the model's own forward, padding and mask included
    return enc, ref


def test_a_bert_encoder_is_run_without_padding(tiny_model):
    enc, ref = _encoders(tiny_model)
    assert supports_unpadded(enc.model) and enc.unpadded
    assert not ref.unpadded


@pytest.mark.parametrize("layers", ["last", "0", "1,2", "-2:", "all"])
@pytest.mark.parametrize("compute_dtype", ["float32", "bfloat16"])
def test_same_vectors_as_the_padded_forward(tiny_model, layers, compute_dtype):
    sentences = ["The cold winter came early this year.", "cold", "A warm day by the river bank, with money!"] * 5
    enc, ref = _encoders(tiny_model, layers=layers, compute_dtype=compute_dtype)
    tok = enc.tokenize(sentences)
    assert any(enc.prepare(tok, c).mask is not None for c in enc.plan(tok))  # some batches are padded
    got, want = enc(sentences).vectors, ref(sentences).vectors
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join), min_size=1, max_size=9),
    st.sampled_from(["mean", "first", "last"]),
)
def test_any_batch_matches_the_padded_forward(tiny_model, sentences, pooling):
    enc, ref = _ENCODERS.setdefault(pooling, _encoders(tiny_model, pooling=pooling))
    np.testing.assert_allclose(enc(sentences).vectors, ref(sentences).vectors, rtol=0, atol=1e-5)


_ENCODERS: dict = {}


def test_packed_states_are_the_real_tokens_of_the_padded_states(tiny_model):
    enc, _ = _encoders(tiny_model)
    ids = torch.tensor([[2, 5, 6, 7, 3], [2, 8, 3, 0, 0]])
    mask = ids.new_tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]).bool()
    with torch.inference_mode():
        padded = enc.model(input_ids=ids, attention_mask=mask.long(), output_hidden_states=True).hidden_states
        packed = unpadded_hidden_states(enc.model, ids, mask.reshape(-1).nonzero().squeeze(1), mask, {0, 2})
    assert sorted(packed) == [0, 2]
    for layer in (0, 2):
        assert packed[layer].shape == (8, padded[layer].shape[-1])
        torch.testing.assert_close(packed[layer], padded[layer][mask], rtol=0, atol=1e-5)
