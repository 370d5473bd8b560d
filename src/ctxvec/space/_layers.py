"""Isotropy per layer of a model: one report per hidden state on a sample of sentences (its figure:
`ctxvec.figures.plot_layers`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result
from ..store import MANIFEST, Store
from ._report import IsotropyReport, isotropy_arrays
from ._sampled import sentence_sample
from ._sampling import DEFAULT_SAMPLING, Sampling

if TYPE_CHECKING:
    from ..encoding import EncodeSpec


@dataclass
class LayerIsotropy(Result):
    """One report per hidden state of `model` (layer 0 = input embeddings) on `n_sentences` sampled sentences
    (`n_rows` words); `plot` is the line plot written, if any (`ctxvec.figures.write_layer_plot`)."""

    model: str
    layers: list[int]
    reports: list[IsotropyReport]
    n_sentences: int
    n_rows: int
    seed: int
    plot: str | None = None

    def to_dict(self) -> JSON:
        return {
            "model": self.model,
            "n_sentences": self.n_sentences,
            "n_rows": self.n_rows,
            "seed": self.seed,
            "layers": [{"layer": layer, **r.to_dict()} for layer, r in zip(self.layers, self.reports, strict=True)],
            "plot": self.plot,
        }

    def series(self, name: str) -> np.ndarray:
        """(n_layers + 1,) values of figure `name` across layers."""
        return np.array([getattr(r, name) for r in self.reports], dtype=np.float64)


def _check_before_encoding(sample_sentences: int) -> None:
    if sample_sentences < 2:
        raise ParameterError("sample_sentences", f"{{name}}={sample_sentences} is too small; use at least 2")


def layer_isotropy(
    corpus: str | os.PathLike[str] | Sequence[str],
    model: str | None = None,
    *,
    sample_sentences: int = 500,
    unit: str | None = None,
    pooling: str | None = None,
    device: str = "auto",
    sampling: Sampling = DEFAULT_SAMPLING,
    top_k: int = 10,
) -> LayerIsotropy:
    """Isotropy report for every layer of `model` on up to `sample_sentences` random sentences of `corpus`.

    `corpus`: anything `ctxvec.corpus.read_corpus` reads (path, built-in name, list of sentences); a path
    of a store folder means `store_layer_isotropy` of that store. Vectors come from
    ``BatchEncoder.load(EncodeSpec(model, layers="all"))``: (n_rows, n_layers + 1, dim), held in memory.
    """
    if isinstance(corpus, str | os.PathLike) and (Path(corpus) / MANIFEST).is_file():
        return store_layer_isotropy(
            Store.open(corpus),
            model,
            sample_sentences=sample_sentences,
            unit=unit,
            pooling=pooling,
            device=device,
            sampling=sampling,
            top_k=top_k,
        )
    from ..corpus import read_corpus
    from ..encoding import EncodeSpec

    _check_before_encoding(sample_sentences)
    texts = list(read_corpus(corpus if isinstance(corpus, str | os.PathLike) else list(corpus)).texts)
    spec = EncodeSpec(model=model, layers="all")
    spec = replace(spec, unit=unit or spec.unit, pooling=pooling or spec.pooling)
    return _layers(
        texts,
        spec,
        None,
        sample_sentences,
        device,
        sampling,
        top_k,
    )


def store_layer_isotropy(
    store: Store,
    model: str | None = None,
    *,
    sample_sentences: int = 500,
    unit: str | None = None,
    pooling: str | None = None,
    device: str = "auto",
    sampling: Sampling = DEFAULT_SAMPLING,
    top_k: int = 10,
) -> LayerIsotropy:
    """`layer_isotropy` on the sentences of `store`, with its model, unit and pooling unless given."""
    from ..encoding import EncodeSpec

    _check_before_encoding(sample_sentences)
    texts = store.sentences.column("text").to_pylist()
    base = (
        EncodeSpec(model=model)
        if model and not store.manifest.get("encode")
        else EncodeSpec.from_manifest(store.manifest)
    )
    spec = replace(base, model=model or base.model, layers="all")
    spec = replace(spec, unit=unit or spec.unit, pooling=pooling or spec.pooling)
    name = None if model else str(store.manifest["model"]["name"])
    return _layers(
        texts,
        spec,
        name,
        sample_sentences,
        device,
        sampling,
        top_k,
    )


def _layers(
    texts: list[str],
    spec: EncodeSpec,
    model_name: str | None,
    sample_sentences: int,
    device: str,
    sampling: Sampling,
    top_k: int,
) -> LayerIsotropy:
    from ..encoding import BatchEncoder

    population = len(texts)
    chosen = sentence_sample(population, sample_sentences, sampling.seed)  # as the store report draws them
    if chosen is not None:
        texts = [texts[i] for i in chosen]
    enc = BatchEncoder.load(spec, device=device)
    batch = enc(texts)
    if batch.vectors.ndim != 3:
        raise CtxvecError("the encoder did not return all layers")  # pragma: no cover
    reports = [
        isotropy_arrays(
            batch.vectors[:, layer, :],
            batch.sentence_index,
            batch.tokens,
            sampling=sampling,
            top_k=top_k,
            population=population,
        )
        for layer in range(batch.vectors.shape[1])
    ]
    return LayerIsotropy(
        model=model_name or str(enc.ref.name),
        layers=list(range(len(reports))),
        reports=reports,
        n_sentences=len(texts),
        n_rows=len(batch),
        seed=sampling.seed,
    )
