"""The padding-free forward pass (`ctxvec.encoding._unpadded`) against the model's own padded forward:
same vectors for every layer choice, precision and pooling, with and without padding in a batch; and its
fused oneDNN layers (`FusedLayer`, bfloat16's default) against the model's own forward."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec.encoding import BatchEncoder, EncodeSpec
from ctxvec.encoding._unpadded import supports_fused, supports_unpadded, unpadded_hidden_states

WORDS = ["cold", "winter", "bank", "river", "money", "the", "a", "unbelievably", "warm", "day", "."]


def _encoders(tiny_model, fused=False, **spec):
    enc = BatchEncoder.load(EncodeSpec(model=str(tiny_model), **spec), device="cpu", batch_tokens=64)
    enc.fused = fused  # the model's own modules on the packed tokens: bit-identical (fused: tests below)
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


def _onednn_bf16() -> bool:
    return torch.backends.mkldnn.is_available() and bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def test_bfloat16_runs_the_fused_layers_where_onednn_computes_it_and_float32_never(tiny_model):
    bf16 = BatchEncoder.load(EncodeSpec(model=str(tiny_model), compute_dtype="bfloat16"), device="cpu")
    fp32 = BatchEncoder.load(EncodeSpec(model=str(tiny_model), compute_dtype="float32"), device="cpu")
    assert bf16.fused == _onednn_bf16() and supports_fused(bf16.model) == bf16.fused
    assert not fp32.fused and not supports_fused(fp32.model)  # float32 stays bit-identical to the model's forward
    bf16.model.config.hidden_act = "gelu_new"  # another activation: the model's own modules
    assert not supports_fused(bf16.model)


@pytest.mark.parametrize("layers", ["last", "0", "1,2", "all"])
def test_fused_layers_compute_the_models_own_float32_forward(tiny_model, layers):
    """The fusion itself (bias, exact GELU, residual add, layer norm, query/key/value) in float32, where
    only the matmul kernel differs: the model's own padded forward within 1e-5."""
    enc, ref = _encoders(tiny_model, fused=True, layers=layers, compute_dtype="float32")
    sentences = ["The cold winter came early this year.", "cold", "A warm day by the river bank, with money!"] * 5
    np.testing.assert_allclose(enc(sentences).vectors, ref(sentences).vectors, rtol=0, atol=1e-5)


def _cosines(a, b):
    a, b = a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join), min_size=1, max_size=9))
def test_fused_bfloat16_is_as_close_to_float32_as_the_models_own_bfloat16(tiny_model, sentences):
    """Any batch: the fused bfloat16 vectors are within bfloat16's rounding of the model's own bfloat16
    forward, and no further from the model's own float32 forward than that forward is."""
    if not _onednn_bf16():  # the encoder does not fuse on this CPU (asserted above): nothing to compare
        return
    if not _FUSED:  # loaded once for all examples
        _FUSED["bf16"] = _encoders(tiny_model, fused=True, compute_dtype="bfloat16")
        _FUSED["fp32"] = _encoders(tiny_model, compute_dtype="float32")
    (fused, own), (_, fp32) = _FUSED["bf16"], _FUSED["fp32"]
    got, bf16, want = fused(sentences).vectors, own(sentences).vectors, fp32(sentences).vectors
    assert _cosines(got, bf16).min() > 0.999
    np.testing.assert_allclose(got, bf16, rtol=0, atol=0.05)
    assert 1 - _cosines(got, want).mean() <= 1.5 * (1 - _cosines(bf16, want).mean()) + 1e-6


_FUSED: dict = {}
