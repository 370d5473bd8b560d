"""A small corpus over the tiny test model's vocabulary and its two stores, shared by the CLI contract
and the web tests (imported by name: tests/ is on sys.path)."""

from __future__ import annotations

from pathlib import Path

# a small corpus over the tiny model's vocabulary (used by the CLI contract and the web tests); it holds
# markup so that every front end is seen to show corpus text as text
XSS_SENTENCES = ["<script>alert(1)</script> cold", "<img src=x onerror=alert(1)> cold"]
_CORPUS_WORDS = (
    "cold warm hot water ice snow winter summer sun rain day night king queen man woman bank river money city"
)
CORPUS_SENTENCES = [
    " ".join(_CORPUS_WORDS.split()[(i * 3) % 20 :][:6] + _CORPUS_WORDS.split()[: (i % 5) + 2]) for i in range(60)
] + [
    "the cold water was warm",
    "the king and the queen",
    "a man and a woman in paris",
    "cold rain , cold snow",
    "i caught a cold last week",
    "the river bank was cold",
    "the bank gave him money",
    *XSS_SENTENCES,
]


# runner tests: 24 sentences, one of them long enough to need windows at max_length 32
RUNNER_CORPUS = [
    "The cold winter came early.",
    "A warm day by the river bank.",
    "She put money in the bank.",
    "The king and the queen of france.",
    "Hot sun, cold ice, heavy snow and rain.",
    " ".join(["cold water and warm ice"] * 16),  # long: needs windows at max_length 32
] * 4


def embed_corpus_stores(folder: Path, model: Path) -> dict[str, Path]:
    """`CORPUS_SENTENCES` written to folder/corpus.txt and embedded with `model` twice: "a" (last layer)
    and "b" (layer 0, for `compare`). Returns {"a", "b", "corpus"} paths."""
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(CORPUS_SENTENCES) + "\n")
    a = embed(str(corpus), folder / "a.store", EncodeSpec(model=str(model)))
    b = embed(str(corpus), folder / "b.store", EncodeSpec(model=str(model), layers="0"))
    return {"a": a.path, "b": b.path, "corpus": corpus}
