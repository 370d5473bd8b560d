"""Choose the usage check's thresholds (`structure/_usage_senses.py`) on the calibration data only.

    PYTHONPATH=src OMP_NUM_THREADS=1 .venv/bin/python benchmarks/calibrate_usage.py STORE [--data TSV]
        [--scales S ...] [--stored-cap C] [--fewer-stored]

For each sentence of benchmarks/data/usage_calibration.tsv (never a report set) and for the stored
occurrences of its words (the seeded sample the WordNet profile is built on, each left out of its own
reference), four z-scores: WordNet surprise, typicality, support (module doc of `_usage_senses`) and the
*agreement*, which the shipped rule does not use: the 5th largest Bhattacharyya coefficient sum(sqrt(p * q))
of the usage's synset probabilities with one stored occurrence's. For each candidate `PRIOR_SCALE`
(`--scales`; default the module's). Then a grid over (SURPRISE_Z, AGREEMENT_Z), the typicality at
`TYPICAL_Z` and the support at `neighbours.SUPPORT_Z`: the pair flagging the most lacking calibration
usages with at most `HELD_CAP` of its held usages and at most `--stored-cap` of the stored occurrences
flagged, ties broken by fewer held flagged, then toward the lower thresholds (or, `--fewer-stored`,
toward fewer stored occurrences flagged). The same without the agreement (surprise alone). For each, the
leave-one-word-out estimate (thresholds chosen on the other words, applied to the word left out).

The shipped rule: `--stored-cap 0.10 --fewer-stored`, surprise alone (SURPRISE_Z 1.4). The issue's
operating point (the default: held <= 10 %, stored <= 15 %, ties toward the lower thresholds) chose the
surprise at 1.4 OR the agreement at 0.8 (leave-one-word-out 24/30 lacking, 2/43 held, against 22/30,
1/43); run once on the unseen usage_report3.tsv it flagged 15/24 lacking but 6/24 held (the shipped
rule: 11/24, 2/24), so it was not kept (benchmarks/RESULTS.md, "Usage warnings").

Why two caps: the issue's false alarms are held *written* sentences (`HELD_CAP`, its 10 %). A stored
occurrence left out of its word is lacking when it is the word's only use of its sense, so the stored rate
is no false-alarm rate; but on new written sentences the held ones were flagged about as often as the
stored occurrences (25 % against 18 %; 8 % against 8 % for the shipped rule) and far more often than the
calibration's held sentences (7 %, 2 %): the stored rate is the better estimate of false alarms.
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
    TYPICAL_Z,
    SynsetProfile,
    _make_profile,
    occurrence_probabilities,
    usage_weights,
)

HELD_CAP = 0.10
#: The stored occurrences' cap of the issue's operating point (`--stored-cap`; 0.10 is the shipped rule's).
STORED_CAP = 0.15
#: The agreement (not shipped): the AGREEMENT_RANK-th largest Bhattacharyya coefficient with one stored occurrence.
AGREEMENT_RANK = 5
SURPRISE_GRID = np.round(np.arange(0.0, 4.01, 0.1), 2)
AGREEMENT_GRID = np.round(np.arange(0.0, 4.01, 0.1), 2)
OFF = np.array([np.inf])


def _z(x: np.ndarray | float, ref: np.ndarray) -> np.ndarray:
    return np.asarray((np.asarray(x) - ref.mean()) / max(float(ref.std()), 1e-6))


@dataclass
class Features:
    """z-scores (surprise, typicality, support, agreement) of the queries (n, 4) and the stored occurrences
    (s, 4), whether each query is lacking (n,), and each one's word (n,) / (s,)."""

    queries: np.ndarray
    lacking: np.ndarray
    stored: np.ndarray
    query_words: np.ndarray
    stored_words: np.ndarray


def sample_probabilities(store: Store, word: str, profile: SynsetProfile, scale: float) -> np.ndarray:
    """(n, m) the synset probabilities of the profile's sample, labelled as `_make_profile` labels them."""
    from ctxvec.structure._sense_context import store_contexts
    from ctxvec.structure._sense_labels import label_items
    from ctxvec.structure._sense_refine import occurrence_items

    picked = sample_rows(store.occurrences(word), PROFILE_SAMPLE, SEED)
    tags, bags = store_contexts(store, picked, profile.own)
    items = occurrence_items(unit_rows(store.get_vectors(picked)), profile.mean, tags, bags)
    _, probs = label_items(items, profile.found, profile.mean, profile.own, weights=usage_weights(scale))
    probs = np.asarray(probs, dtype=np.float64)
    assert np.allclose(probs.mean(axis=0), profile.profile, atol=1e-5), "not the profile's labelling"
    return probs


def ranked_coefficients(p: np.ndarray, q: np.ndarray, leave_diagonal: bool = False) -> np.ndarray:
    """(n,) the AGREEMENT_RANK-th largest Bhattacharyya coefficient sum(sqrt(p * q)) of each row of p (n, m)
    with the rows of q (k, m); `leave_diagonal`: p is q, each row left out of its own."""
    coefficients = np.sqrt(np.clip(p, 0, None)) @ np.sqrt(np.clip(q, 0, None)).T
    if leave_diagonal:
        n = len(p)
        coefficients = coefficients[~np.eye(n, dtype=bool)].reshape(n, n - 1)
    rank = min(AGREEMENT_RANK, coefficients.shape[1])
    return np.asarray(-np.partition(-coefficients, rank - 1, axis=1)[:, rank - 1])


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
        samples = {s: sample_probabilities(store, word, p, s) for s, p in profiles.items() if p is not None}
        agreements = {s: ranked_coefficients(q, q, leave_diagonal=True) for s, q in samples.items()}
        for u in (u for u in usages if normalize_word(u.word) == word):
            q = select_queries(store, word, in_sentence=u.sentence, limit=1, device="cpu")
            v = unit_rows(q.vectors)[0]
            support = np.sort(ref.units @ v)[-NEIGHBOURS:].mean()
            for s, profile in profiles.items():
                assert profile is not None
                probs = occurrence_probabilities(profile, q.occurrences[0], q.vectors[0], s)
                surprise = -np.log(probs @ profile.profile + 1e-6)
                out[s]["q"].append(
                    [
                        _z(surprise, profile.surprise),
                        _z(v @ mean, ref.typicality),
                        _z(support, ref.support),
                        _z(ranked_coefficients(probs[None, :], samples[s])[0], agreements[s]),
                    ]
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
                wn = _z(agreements[s][i], agreements[s])
                out[s]["s"].append([_z(profile.surprise[i], profile.surprise), *geo, wn])
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


def flags(x: np.ndarray, surprise_z: float, agreement_z: float, typical_z: float = TYPICAL_Z) -> np.ndarray:
    """(n,) which rows of z-scores (n, 4) the rule flags; `agreement_z` inf: without the agreement."""
    return (x[:, 0] > surprise_z) | (x[:, 3] < -agreement_z) | (x[:, 1] < typical_z) | (x[:, 2] < SUPPORT_Z)


def best(
    f: Features, with_agreement: bool, words_out: str | None = None, stored_cap: float = STORED_CAP, lower: bool = True
) -> tuple[float, float, float, float, float]:
    """(recall, held share, stored share, SURPRISE_Z, AGREEMENT_Z) of the best threshold pair within the caps
    (module doc); `words_out`: a word left out of the data."""
    qm, sm = f.query_words != words_out, f.stored_words != words_out
    q, lacking, s = f.queries[qm], f.lacking[qm], f.stored[sm]
    chosen: tuple[tuple[float, ...], tuple[float, float, float, float, float]] | None = None
    for sz, az in itertools.product(SURPRISE_GRID, AGREEMENT_GRID if with_agreement else OFF):
        recall, held, stored = (
            flags(q[lacking], sz, az).mean(),
            flags(q[~lacking], sz, az).mean(),
            flags(s, sz, az).mean(),
        )
        if held <= HELD_CAP and stored <= stored_cap:
            sign = 1.0 if lower else -1.0  # ties toward the lower thresholds, or toward fewer stored flagged
            key = (float(recall), -float(held), sign * float(stored), -sign * float(sz), -sign * float(az))
            if chosen is None or key > chosen[0]:
                chosen = (key, (float(recall), float(held), float(stored), float(sz), float(az)))
    assert chosen is not None, "no thresholds within the caps"
    return chosen[1]


def leave_one_word_out(f: Features, with_agreement: bool, stored_cap: float, lower: bool) -> tuple[int, int]:
    """(lacking flagged, held flagged) with the thresholds chosen on the other words for each word."""
    hit = false = 0
    for w in sorted(set(f.query_words)):
        *_, sz, az = best(f, with_agreement, w, stored_cap, lower)
        m = f.query_words == w
        flagged = flags(f.queries[m], sz, az)
        hit += int((flagged & f.lacking[m]).sum())
        false += int((flagged & ~f.lacking[m]).sum())
    return hit, false


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--data", default=str(DATA / "usage_calibration.tsv"))
    ap.add_argument("--scales", type=float, nargs="+", default=[PRIOR_SCALE])
    ap.add_argument("--stored-cap", type=float, default=STORED_CAP)
    ap.add_argument("--fewer-stored", action="store_true", help="ties toward fewer stored flagged (the shipped rule)")
    args = ap.parse_args()
    cap, lower = args.stored_cap, not args.fewer_stored
    store = Store.open(args.store)
    feats = features(store, Path(args.data), tuple(args.scales))
    for s, f in feats.items():
        n_lack, n_held = int(f.lacking.sum()), int((~f.lacking).sum())
        print(f"prior scale {s}: {n_lack} lacking, {n_held} held, {len(f.stored)} stored occurrences")
        ties = "lower thresholds" if lower else "fewer stored flagged"
        print(
            f"caps: held <= {HELD_CAP:.0%}, stored <= {cap:.0%}, ties toward {ties}; TYPICAL_Z {TYPICAL_Z}, SUPPORT_Z {SUPPORT_Z}"
        )
        results = {}
        for with_agreement in (False, True):
            recall, held, stored, sz, az = best(f, with_agreement, None, cap, lower)
            hit, false = leave_one_word_out(f, with_agreement, cap, lower)
            results[with_agreement] = (hit, false, sz, az)
            name = "surprise + agreement" if with_agreement else "surprise alone"
            print(
                f"  {name}: SURPRISE_Z {sz:.1f}, AGREEMENT_Z {az:.1f}: {recall:.0%} lacking, {held:.0%} held, "
                f"{stored:.1%} stored flagged | leave-one-word-out: {hit}/{n_lack} lacking, {false}/{n_held} held"
            )
        keep = results[True][0] > results[False][0] and results[True][1] <= HELD_CAP * n_held
        hit, false, sz, az = results[keep]
        print(
            f"  choice: {'surprise + agreement' if keep else 'surprise alone'}: SURPRISE_Z {sz:.1f}, "
            f"AGREEMENT_Z {az:.1f} (leave-one-word-out {hit}/{n_lack} lacking, {false}/{n_held} held)"
        )
        for name, col in (("surprise", 0), ("typicality", 1), ("support", 2), ("agreement", 3)):
            print(
                f"  {name}: lacking median z {np.median(f.queries[f.lacking, col]):.2f}, "
                f"held {np.median(f.queries[~f.lacking, col]):.2f}"
            )


if __name__ == "__main__":
    main()
