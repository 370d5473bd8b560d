"""Shared fixtures: a tiny random-weight BERT on disk and small stores built from arrays."""

from __future__ import annotations

import os
import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

# Under load (CI, two test workers on two cores) a per-example deadline only makes tests flaky;
# in CI the examples are also derandomized so a red run can be reproduced exactly.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

WORDS = [
    "the",
    "a",
    "an",
    "of",
    "and",
    "to",
    "in",
    "is",
    "was",
    "it",
    "that",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "on",
    "for",
    "with",
    "as",
    "by",
    "at",
    "from",
    "his",
    "her",
    "cold",
    "warm",
    "hot",
    "heavy",
    "bank",
    "river",
    "money",
    "king",
    "queen",
    "man",
    "woman",
    "paris",
    "france",
    "city",
    "caught",
    "week",
    "last",
    "water",
    "ice",
    "snow",
    "winter",
    "summer",
    "sun",
    "rain",
    "weather",
    "day",
    "night",
    "good",
    "bad",
    "new",
    "old",
    "big",
    "small",
    "red",
    "blue",
    "caf",
    "##e",
    "##s",
    "##ed",
    "##ing",
    "##ly",
    "##er",
    "un",
    "##able",
]


def build_tiny_bert(folder: Path, max_position_embeddings: int = 64, seed: int = 0) -> Path:
    """Save a ~1M-parameter random BERT with a fast WordPiece tokenizer into `folder`."""
    import torch
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    folder.mkdir(parents=True, exist_ok=True)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = list(string.ascii_lowercase + string.digits + string.punctuation) + ["é", "ü", "ñ"]
    vocab = specials + chars + [f"##{c}" for c in string.ascii_lowercase + string.digits + "éüñ"]
    vocab += [w for w in WORDS if w not in vocab]
    ids = {t: i for i, t in enumerate(vocab)}
    core = Tokenizer(models.WordPiece(vocab=ids, unk_token="[UNK]"))
    core.normalizer = normalizers.BertNormalizer(lowercase=True)
    core.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    core.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    core.decoder = decoders.WordPiece()
    tok = PreTrainedTokenizerFast(
        tokenizer_object=core,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=max_position_embeddings,
    )
    tok.save_pretrained(folder)
    torch.manual_seed(seed)
    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max_position_embeddings,
    )
    BertModel(cfg).eval().save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny random BERT (hidden 32, 2 layers, 64 positions)."""
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture
def make_store(tmp_path: Path):
    """Factory: make_store(vectors, tokens, sentence_ids, sentences, **kw) -> Store in tmp_path."""
    from ctxvec.store import write_store

    counter = iter(range(10**6))

    def make(vectors, tokens, sentence_ids, sentences, **kw):
        return write_store(
            tmp_path / f"s{next(counter)}.store", np.asarray(vectors), tokens, sentence_ids, sentences, **kw
        )

    return make


@pytest.fixture
def random_store(make_store):
    """A 600-row float32 store of 16-dim random vectors over 60 sentences of 10 words (vocab of 30 words)."""
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(30)]
    sentences, tokens, sids = [], [], []
    for s in range(60):
        words = [vocab[j] for j in rng.integers(0, len(vocab), 10)]
        sentences.append(" ".join(words))
        tokens += words
        sids += [s] * len(words)
    vectors = rng.normal(size=(len(tokens), 16)).astype(np.float32)
    return make_store(vectors, tokens, sids, sentences, dtype="float32")
