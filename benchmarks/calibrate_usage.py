"""Choose the usage check's prior scale and thresholds (`structure/_usage_senses.py`) on the calibration data only.

    PYTHONPATH=src OMP_NUM_THREADS=1 .venv/bin/python benchmarks/calibrate_usage.py STORE [--data TSV]

For each sentence of benchmarks/data/usage_calibration.tsv (never a report set) and for the stored
occurrences of its words (the seeded sample the WordNet profile is built on, each left out of its own
reference), three z-scores: WordNet surprise, typicality, support (module doc of `_usage_senses`), the
surprise for each candidate `PRIOR_SCALE` (`SCALES`). Then a grid over (prior scale, SURPRISE_Z,
TYPICAL_Z) with the support's z at `neighbours.SUPPORT_Z`: the triple flagging the most lacking
calibration usages with at most 10 % of its held usages and at most 10 % of the stored occurrences
flagged; ties broken by fewer stored occurrences flagged, then by the larger thresholds. Also the
leave-one-word-out estimate of that choice (the triple chosen on the other words, applied to the word
left out), per scale and over all. Prints the candidates and the choice; chooses nothing from a report set.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _senses_judged import DATA, read_usages

from ctxvec.neighbours._usage import NEIGHBOURS, SUPPORT_Z, usage_reference
from ctxvec.queries import select_queries
from ctxvec.sampling import sample_rows, unit_rows
from ctxvec.store import Store, normalize_word
from ctxvec.structure._usage_senses import (
    PRIOR_SCALE,
    PROFILE_SAMPLE,
    SEED,
    _make_profile,
    occurrence_probabilities,
)

CAP = 0.10
SCALES = (1.0, 0.5, 0.25, 0.0)
SURPRISE_GRID = np.round(np.arange(0.5, 4.01, 0.1), 2)
TYPICAL_GRID = np.round(np.arange(-4.0, -0.99, 0.1), 2)


def _z(x: np.ndarray | float, ref: np.ndarray) -> np.ndarray:
    return np.asarray((np.asarray(x) - ref.mean()) / max(float(ref.std()), 1e-6))


@dataclass
class Features:
    """z-scores (surprise, typicality, support) of the queries (n, 3) and the stored occurrences (s, 3),
    whether each query is lacking (n,), and each one's word (n,) / (s,)."""

    queries: np.ndarray
    lacking: np.ndarray
    stored: np.ndarray
    query_words: np.ndarray
    stored_words: np.ndarray


def features(store: Store, path: Path, scales: tuple[float, ...] = (PRIOR_SCALE,)) -> dict[float, Features]:
    """`Features` for each prior scale (each query embedded once)."""
    usages = read_usages(path)
    out: dict[float, dict[str, list]] = {s: {"q": [], "l": [], "s": [], "qw": [], "sw": []} for s in scales}
    for word in sorted({normalize_word(u.word) for u in usages}):
        first = _make_profile(store, word, None, "cpu", scales[0])
        if first is None:
            print(f"{word}: no WordNet profile, left out", file=sys.stderr)
            continue
        profiles = {s: first if s == scales[0] else _make_profile(store, word, first.found, "cpu", s) for s in scales}
        ref = usage_reference(store, word)
        mean = unit_rows(ref.mean[None, :])[0]
        for u in (u for u in usages if normalize_word(u.word) == word):
            q = select_queries(store, word, in_sentence=u.sentence, limit=1, device="cpu")
            v = unit_rows(q.vectors)[0]
            support = np.sort(ref.units @ v)[-NEIGHBOURS:].mean()
            for s, profile in profiles.items():
                assert profile is not None
                probs = occurrence_probabilities(profile, q.occurrences[0], q.vectors[0], s)
                surprise = -np.log(probs @ profile.profile + 1e-6)
                out[s]["q"].append(
                    [_z(surprise, profile.surprise), _z(v @ mean, ref.typicality), _z(support, ref.support)]
                )
                out[s]["l"].append(not u.in_store)
                out[s]["qw"].append(word)
        picked = sample_rows(ref.rows, PROFILE_SAMPLE, SEED)
        pos = np.searchsorted(ref.rows, picked)
        n = len(ref.rows)
        for i, p in enumerate(pos):
            sims = ref.units @ ref.units[p]
            sims[p] = -np.inf
            support = np.sort(sims)[-NEIGHBOURS:].mean()
            others = unit_rows(((n * ref.mean - ref.units[p]) / (n - 1))[None, :])[0]
            geo = [_z(ref.units[p] @ others, ref.typicality), _z(support, ref.support)]
            for s, profile in profiles.items():
                assert profile is not None
                out[s]["s"].append([_z(profile.surprise[i], profile.surprise), *geo])
                out[s]["sw"].append(word)
    return {
        s: Features(
            np.array(d["q"], dtype=float),
            np.array(d["l"]),
            np.array(d["s"], dtype=float),
            np.array(d["qw"]),
            np.array(d["sw"]),
        )
        for s, d in out.items()
    }


def flags(x: np.ndarray, surprise_z: float, typical_z: float) -> np.ndarray:
    return (x[:, 0] > surprise_z) | (x[:, 1] < typical_z) | (x[:, 2] < SUPPORT_Z)


def candidates(f: Features, words_out: str | None = None) -> list[tuple[float, float, float, float, float]]:
    """(recall, -stored share, SURPRISE_Z, -TYPICAL_Z, held share) of every threshold pair within the caps,
    best first; `words_out`: a word left out of the data."""
    qm = f.query_words != words_out
    sm = f.stored_words != words_out
    q, lacking, s = f.queries[qm], f.lacking[qm], f.stored[sm]
    out = []
    for sz, tz in itertools.product(SURPRISE_GRID, TYPICAL_GRID):
        recall, alarms, stored = (
            flags(q[lacking], sz, tz).mean(),
            flags(q[~lacking], sz, tz).mean(),
            flags(s, sz, tz).mean(),
        )
        if alarms <= CAP and stored <= CAP:
            out.append((float(recall), -float(stored), float(sz), -float(tz), float(alarms)))
    return sorted(out, reverse=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--data", default=str(DATA / "usage_calibration.tsv"))
    args = ap.parse_args()
    store = Store.open(args.store)
    feats = features(store, Path(args.data), SCALES)
    f0 = feats[SCALES[0]]
    print(f"{int(f0.lacking.sum())} lacking, {int((~f0.lacking).sum())} held, {len(f0.stored)} stored occurrences")
    print("prior scale  recall  stored  SURPRISE_Z  TYPICAL_Z  held flagged  | leave-one-word-out: lacking  held")
    words = sorted(set(f0.query_words))
    for s, f in feats.items():
        recall, stored, sz, tz, alarms = candidates(f)[0]
        hit, false = 0, 0
        for w in words:
            _, _, wsz, wtz, _ = candidates(f, w)[0]
            m = f.query_words == w
            flagged = flags(f.queries[m], wsz, -wtz)
            hit += int((flagged & f.lacking[m]).sum())
            false += int((flagged & ~f.lacking[m]).sum())
        print(
            f"{s:11.2f}  {recall:6.0%}  {-stored:6.1%}  {sz:10.1f}  {-tz:9.1f}  {alarms:12.0%}  | "
            f"{hit}/{int(f.lacking.sum())}  {false}/{int((~f.lacking).sum())}"
        )
    best = max((candidates(f)[0], s) for s, f in feats.items())
    (recall, stored, sz, tz, alarms), s = best
    print(
        f"choice: PRIOR_SCALE {s}, SURPRISE_Z {sz:.1f}, TYPICAL_Z {-tz:.1f}: {recall:.0%} lacking, {alarms:.0%} held, {-stored:.1%} stored flagged"
    )
    hit, false = 0, 0
    for w in words:
        (_, _, wsz, wtz, _), ws = max((candidates(f, w)[0], s2) for s2, f in feats.items())
        f = feats[ws]
        m = f.query_words == w
        flagged = flags(f.queries[m], wsz, -wtz)
        hit += int((flagged & f.lacking[m]).sum())
        false += int((flagged & ~f.lacking[m]).sum())
    print(
        f"leave-one-word-out, scale and thresholds chosen on the other words: {hit}/{int(f0.lacking.sum())} lacking, {false}/{int((~f0.lacking).sum())} held flagged"
    )
    f = feats[PRIOR_SCALE]
    for name, col in (("surprise", 0), ("typicality", 1), ("support", 2)):
        print(
            f"{name} (scale {PRIOR_SCALE}): lacking median z {np.median(f.queries[f.lacking, col]):.2f}, held {np.median(f.queries[~f.lacking, col]):.2f}"
        )


if __name__ == "__main__":
    main()
