import numpy as np
import pytest
import torch

from ctxvec.encoding import BatchEncoder, EncodeSpec, parse_layers
from ctxvec.errors import CtxvecError

SENTENCES = ["The cold winter came.", "A warm day by the river bank, with money!", "cold"]


def reference_states(enc, sentences, layer=-1):
    """The blog's method: all sentences in one padded batch, hidden states of real tokens."""
    batch = enc.tokenizer(sentences, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = enc.model(**batch, output_hidden_states=True)
    h = out.hidden_states[layer]
    return [h[i][batch["attention_mask"][i].bool()].numpy() for i in range(len(sentences))]


def test_subword_with_specials_equals_padded_batch(tiny_model):
    enc = BatchEncoder.load(EncodeSpec(model=str(tiny_model), unit="subword", keep_special=True), device="cpu")
    out = enc(SENTENCES)
    ref = np.concatenate(reference_states(enc, SENTENCES))
    assert out.vectors.shape == ref.shape
    np.testing.assert_allclose(out.vectors, ref, atol=1e-5)
    assert out.tokens[0] == "[CLS]" and out.tokens[-1] == "[SEP]"


@pytest.mark.parametrize("pooling", ["mean", "first", "last"])
def test_word_pooling_over_pieces(tiny_model, pooling):
    enc = BatchEncoder.load(EncodeSpec(model=str(tiny_model), pooling=pooling), device="cpu")
    sentence = "unbelievable cold winters"
    out = enc([sentence])
    pieces = reference_states(enc, [sentence])[0][1:-1]  # drop [CLS] and [SEP]
    word_ids = enc.tokenizer(sentence, add_special_tokens=False).word_ids()
    assert out.tokens == ["unbelievable", "cold", "winters"]
    for w in range(3):
        idx = [i for i, x in enumerate(word_ids) if x == w]
        expect = {"mean": pieces[idx].mean(0), "first": pieces[idx[0]], "last": pieces[idx[-1]]}[pooling]
        np.testing.assert_allclose(out.vectors[w], expect, atol=1e-5)


def test_layer_choice(tiny_model):
    spec = EncodeSpec(model=str(tiny_model), unit="subword", keep_special=True)
    emb = BatchEncoder.load(EncodeSpec(**{**spec.__dict__, "layers": "0"}), device="cpu")(SENTENCES[:1]).vectors
    np.testing.assert_allclose(
        emb, reference_states(BatchEncoder.load(spec, device="cpu"), SENTENCES[:1], 0)[0], atol=1e-5
    )
    enc = BatchEncoder.load(EncodeSpec(**{**spec.__dict__, "layers": "-2:"}), device="cpu")
    both = reference_states(enc, SENTENCES[:1], -1)[0] + reference_states(enc, SENTENCES[:1], -2)[0]
    np.testing.assert_allclose(enc(SENTENCES[:1]).vectors, both / 2, atol=1e-5)
    allv = BatchEncoder.load(EncodeSpec(**{**spec.__dict__, "layers": "all"}), device="cpu")(SENTENCES[:1]).vectors
    assert allv.shape[1] == 3  # embeddings + 2 layers
    np.testing.assert_allclose(allv[:, 0], emb, atol=1e-5)


def test_parse_layers():
    assert parse_layers("last", 6) == [6]
    assert parse_layers("-4:", 6) == [3, 4, 5, 6]
    assert parse_layers("0", 6) == [0]
    assert parse_layers("2,4", 6) == [2, 4]
    assert parse_layers("all", 6) is None
    for bad in ["9", "x", "5:2"]:
        with pytest.raises(CtxvecError, match="layers"):
            parse_layers(bad, 6)


def test_long_sentence_uses_window_with_most_context(tiny_model):
    enc = BatchEncoder.load(
        EncodeSpec(model=str(tiny_model), unit="subword", max_length=16, window_overlap=6), device="cpu"
    )
    words = ["the", "cold", "river", "bank", "was", "warm", "and", "the", "king", "sun", "hot", "day"]
    sentence = " ".join(words * 3)  # 36 tokens, content windows of 14
    out = enc([sentence])
    assert len(out.tokens) == 36 and out.n_windowed == 1
    tok = enc.tokenize([sentence])
    ids = tok.piece_ids
    for c in range(len(tok.chunk_start)):
        a, z = int(tok.chunk_start[c]), int(tok.chunk_stop[c])
        seq = torch.tensor([[2, *ids[a:z].tolist(), 3]])
        with torch.no_grad():
            h = enc.model(input_ids=seq).last_hidden_state[0, 1:-1].numpy()
        for r in range(int(tok.chunk_row_start[c]), int(tok.chunk_row_stop[c])):
            np.testing.assert_allclose(out.vectors[r], h[r - a], atol=1e-5)
    # a token in the middle of the sentence is owned by a window where it is not at the edge
    mid = 18
    owner = next(c for c in range(len(tok.chunk_start)) if tok.chunk_row_start[c] <= mid < tok.chunk_row_stop[c])
    assert tok.chunk_start[owner] + 2 <= mid <= tok.chunk_stop[owner] - 3


def test_bfloat16_close_to_float32(tiny_model):
    f32 = BatchEncoder.load(EncodeSpec(model=str(tiny_model)), device="cpu")(SENTENCES).vectors
    bf16 = BatchEncoder.load(EncodeSpec(model=str(tiny_model), compute_dtype="bfloat16"), device="cpu")(
        SENTENCES
    ).vectors
    cos = (f32 * bf16).sum(1) / np.linalg.norm(f32, axis=1) / np.linalg.norm(bf16, axis=1)
    assert cos.mean() > 0.99


def test_bad_spec_and_unloadable_model(tmp_path):
    with pytest.raises(CtxvecError, match="unknown unit"):
        EncodeSpec(unit="char").validate()
    with pytest.raises(CtxvecError, match="hub is unreachable offline"):
        BatchEncoder.load(EncodeSpec(model="no-such-org/no-such-model"), device="cpu")
    (tmp_path / "m").mkdir()
    with pytest.raises(CtxvecError, match="no config.json"):
        BatchEncoder.load(EncodeSpec(model=str(tmp_path / "m")), device="cpu")


def test_bad_spec_fields_name_their_parameter():
    from ctxvec.encoding._models import resolve_device
    from ctxvec.errors import ParameterError

    for spec, name in [
        (EncodeSpec(pooling="max"), "pooling"),
        (EncodeSpec(compute_dtype="float8"), "compute_dtype"),
        (EncodeSpec(max_length=2), "max_length"),
        (EncodeSpec(layers="{x}"), "layers"),
    ]:
        with pytest.raises(ParameterError) as e:
            spec.validate()
        assert e.value.name == name and str(e.value).startswith(("unknown " + name, name, "bad " + name))
    with pytest.raises(ParameterError) as e:
        EncodeSpec(layers="{x}").validate()  # braces in a value survive the template
    assert e.value.message_for("--layers").startswith("bad --layers '{x}' for a model")
    with pytest.raises(ParameterError, match="unknown device 'tpu'") as e:
        resolve_device("tpu")
    assert e.value.message_for("--device") == "unknown --device 'tpu'; use auto, cpu, cuda or mps"


def test_a_query_sentence_computes_on_one_thread_and_restores_the_pool(tiny_model, monkeypatch):
    enc = BatchEncoder.load(EncodeSpec(model=str(tiny_model)), device="cpu")
    seen = []
    forward = enc.forward
    monkeypatch.setattr(enc, "forward", lambda batch: (seen.append(torch.get_num_threads()), forward(batch))[1])
    before = torch.get_num_threads()
    one = enc(["She caught a cold."]).vectors
    assert seen == [1] and torch.get_num_threads() == before
    many = enc(["She caught a cold."] * 200).vectors  # over the small-call limit: the pool as it was
    assert seen[-1] == before
    np.testing.assert_allclose(many[: len(one)], one, atol=1e-5)
