"""Choose the usage check's thresholds (`structure/_usage_senses.py`) on the calibration data only.

    PYTHONPATH=src OMP_NUM_THREADS=1 .venv/bin/python benchmarks/calibrate_usage.py STORE [--data TSV]

For each sentence of benchmarks/data/usage_calibration.tsv (never the report set) and for the stored
occurrences of its words (the seeded sample the WordNet profile is built on, each left out of its own
reference), three z-scores: WordNet surprise, typicality, support (module doc of `_usage_senses`). Then
a grid over (SURPRISE_Z, TYPICAL_Z) with the support's z at `neighbours.SUPPORT_Z`: the pair flagging the
most lacking calibration usages with at most 10 % of its held usages and at most 10 % of the stored
occurrences flagged; ties broken by fewer stored occurrences flagged, then by the larger thresholds.
Prints the table of candidates and the choice; chooses nothing from the report set.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
from _senses_judged import DATA, read_usages

from ctxvec.neighbours._usage import NEIGHBOURS, SUPPORT_Z, usage_reference
from ctxvec.queries import select_queries
from ctxvec.sampling import unit_rows
from ctxvec.store import Store, normalize_word
from ctxvec.structure._usage_senses import occurrence_probabilities, synset_profile

CAP = 0.10


def _z(x: np.ndarray | float, ref: np.ndarray) -> np.ndarray:
    return np.asarray((np.asarray(x) - ref.mean()) / max(float(ref.std()), 1e-6))


def features(store: Store, path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(queries (n, 3), lacking (n,) bool, stored (s, 3)): z of surprise, typicality, support."""
    from ctxvec.sampling import sample_rows
    from ctxvec.structure._usage_senses import PROFILE_SAMPLE, SEED

    usages = read_usages(path)
    rows_q, lacking, rows_s = [], [], []
    for word in sorted({normalize_word(u.word) for u in usages}):
        profile = synset_profile(store, word, device="cpu")
        ref = usage_reference(store, word)
        if profile is None:
            print(f"{word}: no WordNet profile, left out", file=sys.stderr)
            continue
        mean = unit_rows(ref.mean[None, :])[0]
        for u in (u for u in usages if normalize_word(u.word) == word):
            q = select_queries(store, word, in_sentence=u.sentence, limit=1, device="cpu")
            v = unit_rows(q.vectors)[0]
            sims = ref.units @ v
            support = np.sort(sims)[-NEIGHBOURS:].mean()
            surprise = -np.log(
                occurrence_probabilities(profile, q.occurrences[0], q.vectors[0]) @ profile.profile + 1e-6
            )
            rows_q.append([_z(surprise, profile.surprise), _z(v @ mean, ref.typicality), _z(support, ref.support)])
            lacking.append(not u.in_store)
        picked = sample_rows(ref.rows, PROFILE_SAMPLE, SEED)
        pos = (
            np.searchsorted(ref.rows, picked)
            if np.all(np.diff(ref.rows) > 0)
            else np.array([int(np.flatnonzero(ref.rows == r)[0]) for r in picked])
        )
        n = len(ref.rows)
        for i, p in enumerate(pos):
            sims = ref.units @ ref.units[p]
            sims[p] = -np.inf
            support = np.sort(sims)[-NEIGHBOURS:].mean()
            others = unit_rows(((n * ref.mean - ref.units[p]) / (n - 1))[None, :])[0]
            typ = ref.units[p] @ others
            rows_s.append(
                [_z(profile.surprise[i], profile.surprise), _z(typ, ref.typicality), _z(support, ref.support)]
            )
    return np.array(rows_q, dtype=float), np.array(lacking), np.array(rows_s, dtype=float)


def flags(x: np.ndarray, surprise_z: float, typical_z: float) -> np.ndarray:
    return (x[:, 0] > surprise_z) | (x[:, 1] < typical_z) | (x[:, 2] < SUPPORT_Z)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--data", default=str(DATA / "usage_calibration.tsv"))
    args = ap.parse_args()
    store = Store.open(args.store)
    q, lacking, s = features(store, Path(args.data))
    print(f"{int(lacking.sum())} lacking, {int((~lacking).sum())} held, {len(s)} stored occurrences")
    best = []
    for sz, tz in itertools.product(np.round(np.arange(0.5, 4.01, 0.1), 2), np.round(np.arange(-4.0, -0.99, 0.1), 2)):
        recall, alarms, stored = (
            flags(q[lacking], sz, tz).mean(),
            flags(q[~lacking], sz, tz).mean(),
            flags(s, sz, tz).mean(),
        )
        if alarms <= CAP and stored <= CAP:
            best.append((recall, -stored, sz, -tz, alarms))
    best.sort(reverse=True)
    print("recall  stored  SURPRISE_Z  TYPICAL_Z  held flagged")
    for recall, stored, sz, tz, alarms in best[:10]:
        print(f"{recall:6.0%}  {-stored:6.1%}  {sz:10.1f}  {-tz:9.1f}  {alarms:6.0%}")
    for name, col in (("surprise", 0), ("typicality", 1), ("support", 2)):
        print(f"{name}: lacking median z {np.median(q[lacking, col]):.2f}, held {np.median(q[~lacking, col]):.2f}")


if __name__ == "__main__":
    main()
