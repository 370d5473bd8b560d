"""Compute precision: ``auto`` resolved before anything is recorded, int8 as an opt-in, the manifest
naming what was used, and a batch without padding computed with no mask equal to the padded path."""

from pathlib import Path

import numpy as np
import pytest

from ctxvec.encoding import BatchEncoder, EncodeSpec
from ctxvec.encoding._models import (
    DEFAULT_MODEL,
    NATIVE_BF16_FLAGS,
    ModelRef,
    cpu_computes_bf16,
    resolve_compute_dtype,
)
from ctxvec.errors import ParameterError
from ctxvec.runners import embed

SENTENCES = ["The cold winter came early this year.", "A warm day by the river bank, with money!", "cold"] * 4


def test_cpu_flags_are_read_from_cpuinfo():
    flags = next(line.split() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    assert cpu_computes_bf16() == any(f in flags for f in NATIVE_BF16_FLAGS)


def test_auto_is_bfloat16_only_for_the_measured_model_on_a_bf16_cpu(tiny_model):
    default = ModelRef(DEFAULT_MODEL, "unused")
    assert resolve_compute_dtype("auto", default, "cpu") == ("bfloat16" if cpu_computes_bf16() else "float32")
    assert resolve_compute_dtype("auto", default, "cuda") == "float32"
    other = ModelRef(str(tiny_model), str(tiny_model))
    assert resolve_compute_dtype("auto", other, "cpu") == "float32"
    for forced in ("float32", "bfloat16", "int8"):
        assert resolve_compute_dtype(forced, default, "cpu") == forced


def test_int8_needs_the_cpu():
    with pytest.raises(ParameterError) as e:
        resolve_compute_dtype("int8", ModelRef(DEFAULT_MODEL, "unused"), "cuda")
    assert e.value.name == "compute_dtype" and "cuda" in str(e.value)


def test_unknown_precision_names_the_parameter():
    with pytest.raises(ParameterError) as e:
        EncodeSpec(compute_dtype="float8").validate()
    assert e.value.name == "compute_dtype" and "float8" in str(e.value)


def test_manifest_records_the_precision_used_never_auto(tiny_model, tmp_path):
    store = embed(SENTENCES, tmp_path / "auto.store", EncodeSpec(model=str(tiny_model)), device="cpu")
    assert store.manifest["encode"]["compute_dtype"] == "float32"
    forced = embed(
        SENTENCES, tmp_path / "bf16.store", EncodeSpec(model=str(tiny_model), compute_dtype="bfloat16"), device="cpu"
    )
    assert forced.manifest["encode"]["compute_dtype"] == "bfloat16"
    assert forced.encoder(device="cpu").spec.compute_dtype == "bfloat16"  # queries use the store's precision


def test_int8_vectors_stay_close_to_float32(tiny_model, tmp_path):
    fp32 = embed(SENTENCES, tmp_path / "fp32.store", EncodeSpec(model=str(tiny_model)), device="cpu", dtype="float32")
    int8 = embed(
        SENTENCES,
        tmp_path / "int8.store",
        EncodeSpec(model=str(tiny_model), compute_dtype="int8"),
        device="cpu",
        dtype="float32",
    )
    assert int8.manifest["encode"]["compute_dtype"] == "int8"
    a, b = np.asarray(fp32.vectors), np.asarray(int8.vectors)
    assert a.shape == b.shape and not np.array_equal(a, b)  # really quantized
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    assert cos.min() > 0.95


def test_unpadded_batch_runs_without_a_mask_and_equals_a_padded_one(tiny_model):
    enc = BatchEncoder.load(EncodeSpec(model=str(tiny_model)), device="cpu")
    same = ["the cold winter came", "the cold winter came"]  # equal lengths: no padding, no mask
    tok = enc.tokenize(same)
    packed = enc.prepare(tok, np.arange(len(tok.chunk_length)))
    assert packed.mask is None and packed.n_tokens == packed.ids.size
    alone = np.concatenate([enc([s]).vectors for s in same])
    np.testing.assert_allclose(enc(same).vectors, alone, atol=1e-5)
    mixed = enc([*same, "a much longer sentence than the two before it"]).vectors[: len(alone)]
    np.testing.assert_allclose(mixed, alone, atol=1e-5)  # the masked (padded) path agrees
