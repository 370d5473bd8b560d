"""Lemmas on the `wiki` store: Google analogy accuracy with and without excluding the inputs' forms,
what the exclusion changes in `decompose` / `similar` / `analogy`, and the usage check's calibration.

    .venv/bin/python benchmarks/bench_lemmas.py [STORE]

In one run (side by side, on the same word types):
- the Google analogy set by 3CosAdd under gensim's protocol (only the inputs excluded; this is the
  number `evaluate` reports and checks against gensim) and with the inputs' lemma-mates excluded
  (the default of `ctxvec analogy`), overall and for the semantic and the syntactic sections;
- lemmatizing the store's vocabulary: time and how many words share a lemma with another word;
- the usage check of `similar --in`: held-out stored occurrences flagged (false alarms) and a few
  written usages the corpus does / does not hold.
The store is never written to: caches land in a shadow folder of symbolic links.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _results import write_section

from ctxvec.lexicon import compute_store_lemmas, evaluate_analogies, word_types
from ctxvec.neighbours import check_usage
from ctxvec.neighbours._usage import SUPPORT_Z, TYPICAL_Z, usage_reference
from ctxvec.queries import select_queries
from ctxvec.store import Store

USAGES = [
    ("cold", "I caught a cold last week and stayed in bed.", "not in the corpus (illness)"),
    ("mouse", "Click the left mouse button to open the file.", "not in the corpus (computer)"),
    ("cold", "The winter was long and cold in the north.", "in the corpus (weather)"),
    ("king", "The king ruled the country for forty years.", "in the corpus"),
    ("river", "The river flows into the sea near the city.", "in the corpus"),
    ("war", "The war ended with a peace treaty in 1648.", "in the corpus"),
]


def shadow(store_path: Path, folder: Path) -> Path:
    out = folder / store_path.name
    out.mkdir()
    for p in store_path.iterdir():
        (out / p.name).symlink_to(p.resolve())
    return out


def false_alarms(store: Store, n_words: int = 300, seed: int = 0) -> tuple[int, int]:
    """Held-out stored occurrences flagged by the usage rule (one drawn per word, scored against the word's
    leave-one-out reference, `ctxvec.neighbours._usage`)."""
    rng = np.random.default_rng(seed)
    counts = store.word_counts
    words = rng.choice(np.flatnonzero((counts >= 20) & (counts <= 3000)), n_words, replace=False)
    flagged = 0
    for wid in words:
        ref = usage_reference(store, str(store.vocabulary[wid]))
        i = int(rng.integers(len(ref.support)))
        flagged += int(ref.support[i] < ref.support_threshold() or ref.typicality[i] < ref.typicality_threshold())
    return flagged, n_words


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/data/wiki.store")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(shadow(path, Path(tmp)))
        types = word_types(store)
        t0 = time.perf_counter()
        plain = evaluate_analogies(types)
        t_plain = time.perf_counter() - t0
        t0 = time.perf_counter()
        forms = evaluate_analogies(types, exclude_forms=True)
        t_forms = time.perf_counter() - t0
        t0 = time.perf_counter()
        lemmas = compute_store_lemmas(store)
        t_lemmas = time.perf_counter() - t0
        _, per_lemma = np.unique(lemmas.lemma_ids, return_counts=True)
        shared = int(per_lemma[per_lemma > 1].sum())
        flagged, tried = false_alarms(store)
        usages = []
        for word, text, kind in USAGES:
            q = select_queries(store, word, in_sentence=text, device="cpu")
            u = check_usage(store, word, q.vectors[0])
            usages.append((word, text, kind, u))

    def split(ev):  # semantic sections come first in the Google set; gram* are syntactic
        sem = [s for s in ev.sections if not s.name.startswith("gram")]
        syn = [s for s in ev.sections if s.name.startswith("gram")]
        acc = [sum(s.correct for s in g) / max(1, sum(s.answered for s in g)) for g in (sem, syn)]
        return acc[0], acc[1]

    (p_sem, p_syn), (f_sem, f_syn) = split(plain), split(forms)
    lines = [
        f"Store: `{path}` ({store.n_rows:,} rows, {len(store.vocabulary):,} words). The machine was shared "
        "with other jobs; times are indicative.",
        "",
        "| Google analogies, 3CosAdd | all | semantic | syntactic (gram*) | answered | seconds |",
        "|---|---|---|---|---|---|",
        f"| gensim's protocol (inputs excluded; `evaluate`) | {plain.accuracy:.4f} | {p_sem:.4f} | {p_syn:.4f} "
        f"| {plain.answered:,} | {t_plain:.1f} |",
        f"| inputs' lemma-mates excluded (`analogy` default) | {forms.accuracy:.4f} | {f_sem:.4f} | {f_syn:.4f} "
        f"| {forms.answered:,} | {t_forms:.1f} |",
        "",
        "Syntactic sections whose answer is an inflection of an input (plurals, past tense, participles, "
        "comparatives: bird : birds) are lost by design when forms are excluded; derivations (quick : quickly, "
        "possible : impossible) are no forms and stay. Semantic sections gain where an inflection of an "
        "input used to win (king − man + woman → kings). `evaluate` reports gensim's protocol.",
        "",
        f"Lemmatizing the vocabulary (WordNet 3.0 morphy): {t_lemmas:.2f} s for {len(lemmas):,} words "
        f"({len(lemmas.lemma_names):,} lemmas; {shared:,} words share their lemma with another word).",
        "",
        f"Usage check (`similar --in`): support z-score < {SUPPORT_Z} or typicality z-score < {TYPICAL_Z} "
        f"against the word's other occurrences. Held-out stored occurrences flagged: {flagged} of {tried} "
        f"({flagged / tried:.1%}).",
        "",
        "| word | written usage | expected | support | threshold | warned |",
        "|---|---|---|---|---|---|",
    ]
    for word, text, kind, u in usages:
        thr = "n/a" if u.threshold is None else f"{u.threshold:.3f}"
        lines.append(f"| {word} | {text} | {kind} | {u.support:.3f} | {thr} | {'yes' if u.warning else 'no'} |")
    write_section("lemmas", "\n".join(lines))


if __name__ == "__main__":
    main()
