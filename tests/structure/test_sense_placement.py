"""Occurrences not placed in a sense, the 2-means halves split, the numbering of the refinement lines, the
derivation links of unsure labels: each rule on hand-made
data whose answer is known, then the whole of `word_senses` on the tiny random BERT."""

from __future__ import annotations

import numpy as np
import pytest

from ctxvec.structure._sense_evidence import carried, probabilities
from ctxvec.structure._sense_expressions import Expression
from ctxvec.structure._sense_labels import SenseLabel, SynsetVectors
from ctxvec.structure._sense_placement import EVIDENCE_PROBABILITY, REASONS, name_like, unplace
from ctxvec.structure._sense_refine import Change, split_by_halves
from ctxvec.structure._senses import SenseRule
from ctxvec.structure._synsets import derived_links, word_synsets


def _label(synset: str, match: bool = True, expression: str = "") -> SenseLabel:
    return SenseLabel(synset, "a gloss", 0.9, None, None, match, expression=expression)


@pytest.mark.parametrize(
    ("sentence", "at", "name"),
    [
        ("losses at the Battle of the Wilderness and Cold Harbor .", 8, True),
        ("The Jodrell Bank Observatory radio telescope", 2, True),
        ("According to the World Bank , Algeria grew", 4, False),  # the head of the name keeps its meaning
        ("Cold War tensions rose", 0, False),  # the first word of a sentence says nothing
        ('the phrase " Cold Harbor " was used', 3, False),  # nor one right after an opening quote
        ("the cold water of the lake", 1, False),
        ("the Cold of the winter", 1, False),  # capitalised, but no name follows
    ],
)
def test_a_name_is_a_capitalised_word_inside_a_multiword_name_not_its_head(sentence, at, name):
    tokens = sentence.split()
    assert name_like(tokens, at) is name


def _found() -> SynsetVectors:
    synsets = [ss for ss in word_synsets("cold") if ss.name in ("cold.a.01", "cold.n.01", "cold.v.01")]
    if not any(ss.word_class == "v" for ss in synsets):
        synsets = [ss for ss in word_synsets("cold") if ss.name in ("cold.a.01", "cold.n.01")]
    return SynsetVectors(synsets, np.eye(len(synsets), 8, dtype=np.float32), np.ones(len(synsets), np.int64))


def test_each_rule_sets_apart_only_the_occurrences_it_names():
    found = _found()
    names = [ss.name for ss in found.synsets]
    a, n = names.index("cold.a.01"), names.index("cold.n.01")
    m = len(names)
    labels = np.zeros(6, dtype=np.int64)
    tags = ["a", "a", "n", "a", "a", "a"]
    name = np.array([False, True, False, False, False, True])
    probs = np.full((6, m), 0.01)
    probs[:, a] = 0.97
    probs[1] = 0.01
    probs[1, n] = 0.97  # the name whose evidence prefers another synset
    probs[3] = 0.01
    probs[3, n] = EVIDENCE_PROBABILITY + 0.05  # its own evidence names the illness, confidently
    probs[3, a] = 0.0
    probs /= probs.sum(axis=1, keepdims=True)
    reasons = unplace(labels, [_label("cold.a.01")], found, tags, name, [None] * 6, probs)
    got = {i: REASONS[r] for i, r in enumerate(reasons) if r >= 0}
    assert got == {1: "name", 2: "part of speech", 3: "evidence"}  # the name 5 fits its sense: it stays
    ex = Expression("common cold", ("common", "cold"), found.synsets[n], False)
    kept = unplace(labels, [_label("cold.a.01")], found, tags, name, [None, ex, ex] + [None] * 3, probs)
    assert kept[2] == -1  # an occurrence inside a WordNet expression is not a stray name nor a noun stray
    assert REASONS[kept[1]] == "evidence"  # though its own evidence may still set it apart
    unsure = unplace(labels, [_label("cold.a.01", match=False)], found, tags, name, [None] * 6, probs)
    assert unsure[3] == -1  # an unsure sense label is no ground to set anything apart by evidence
    blind = unplace(labels, [_label("cold.a.01")], found, tags, name, [None] * 6, None)
    assert {REASONS[r] for r in blind if r >= 0} == {"part of speech"}


def test_an_unsure_sense_sets_apart_the_uses_not_of_its_majority_part_of_speech():
    found = _found()
    labels = np.zeros(5, dtype=np.int64)
    tags = ["n", "n", "n", "a", ""]
    reasons = unplace(labels, [_label("cold.a.01", match=False)], found, tags, np.zeros(5, bool), [None] * 5, None)
    assert [REASONS[r] if r >= 0 else "" for r in reasons] == ["", "", "", "part of speech", ""]


def _blobs(n: int = 30, apart: float = 6.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.tile(10 * np.eye(1, 8, 0), (2 * n, 1)) + 0.3 * rng.normal(size=(2 * n, 8))
    x[n:, 1] += apart
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _labeller(by_half: dict[bool, str], unit: np.ndarray, match: bool = True):
    """Labels a sense by whether most of its occurrences lie on the second blob's side (axis 1 > 0.2)."""

    def label(labels: np.ndarray) -> list[SenseLabel]:
        out = []
        for s in range(int(labels.max()) + 1):
            side = bool(np.mean(unit[labels == s, 1] > 0.2) > 0.5)
            out.append(_label(by_half[side], match))
        return out

    return label


def test_a_sense_splits_in_halves_only_across_a_valley_and_with_different_confident_synsets():
    unit = _blobs()
    labels = np.zeros(len(unit), dtype=np.int64)
    groups = np.arange(len(unit))
    rule = SenseRule()
    split, done = split_by_halves(labels, unit, _labeller({False: "a.n.01", True: "a.n.02"}, unit), groups, rule)
    assert len(set(split)) == 2 and len(set(split[:30])) == 1 and len(set(split[30:])) == 1
    assert [c.describe(split) for c in done] == [
        "30 uses of a.n.02 (a density valley apart) split from sense 1 into sense 2"
    ]
    same, none = split_by_halves(labels, unit, _labeller({False: "a.n.01", True: "a.n.01"}, unit), groups, rule)
    assert set(same) == {0} and none == []
    unsure, _ = split_by_halves(labels, unit, _labeller({False: "a.n.01", True: "a.n.02"}, unit, False), groups, rule)
    assert set(unsure) == {0}
    nouns = ["n"] * len(unit)  # a verb synset for a half of noun uses is no reason to split
    wrong_pos, _ = split_by_halves(
        labels, unit, _labeller({False: "a.n.01", True: "a.v.01"}, unit), groups, rule, nouns
    )
    assert set(wrong_pos) == {0}
    right_pos, _ = split_by_halves(
        labels, unit, _labeller({False: "a.n.01", True: "a.n.02"}, unit), groups, rule, nouns
    )
    assert len(set(right_pos)) == 2
    one_blob = _blobs(apart=0.0)
    kept, _ = split_by_halves(labels, one_blob, _labeller({False: "a.n.01", True: "a.n.02"}, one_blob), groups, rule)
    assert set(kept) == {0}  # no valley: one cloud is not cut however its halves are labelled


def test_the_halves_step_never_asks_about_an_empty_sense():
    unit = _blobs()
    labels = np.full(len(unit), 2)  # earlier steps left senses 0 and 1 empty
    asked: list[np.ndarray] = []
    label = _labeller({False: "a.n.01", True: "a.n.02"}, unit)

    def labeller(trial: np.ndarray) -> list[SenseLabel]:
        asked.append(np.bincount(trial, minlength=int(trial.max()) + 1))
        return label(trial)

    split, _ = split_by_halves(labels, unit, labeller, np.arange(len(unit)), SenseRule())
    assert asked and all(sizes.min() > 0 for sizes in asked)
    assert set(split) == {0, 1} and len(set(split[:30])) == 1 and split[0] != split[30]


def test_refinement_lines_name_the_senses_as_printed():
    part, rest = np.array([4, 5, 6]), np.array([0, 1, 2, 3])
    change = Change.split("3 verb uses", part, np.concatenate([rest, part]))
    final = np.array([1, 1, 1, 1, 0, 0, 0])  # renumbered by size after every step
    assert change.describe(final) == "3 verb uses split from sense 2 into sense 1"
    merged_back = np.zeros(7, dtype=np.int64)
    assert change.describe(merged_back) == "3 verb uses split from sense 1, then merged back"
    gone = np.array([1, 1, 1, 1, -1, -1, -1])
    assert change.describe(gone) == "3 verb uses split from sense 2 into sense (not placed)"


def test_a_ruled_out_synset_passes_its_score_along_derivation_links():
    scores = np.array([[1.0, 3.0, 0.5, 0.2]])  # synset 1 (a verb) is best but ruled out
    allowed = np.array([[True, False, True, True]])
    links = np.zeros((4, 4), dtype=bool)
    links[1, 2] = True
    source = carried(scores, allowed, links)
    assert source.tolist() == [[-1, -1, 1, -1]]
    feats = scores[:, :, None]
    p = probabilities(feats, allowed, np.array([1.0]), links)
    assert int(np.argmax(p[0])) == 2 and p[0, 1] == 0.0
    plain = probabilities(feats, allowed, np.array([1.0]))
    assert int(np.argmax(plain[0])) == 0


def test_wordnet_links_the_verb_charge_to_its_nouns():
    synsets = word_synsets("charge")
    names = [ss.name for ss in synsets]
    links = derived_links(synsets)
    v05 = names.index("charge.v.05")  # appoint, assign a responsibility
    assert {names[t] for t in np.flatnonzero(links[v05])} >= {"charge.n.05", "charge.n.06"}
    assert not links[names.index("charge.n.02"), names.index("charge.n.05")]  # the criminal charge is not one


def test_not_placed_occurrences_are_out_of_every_sense_with_the_tiny_model(tiny_model, tmp_path):
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed
    from ctxvec.structure import word_senses

    lines = [f"The cold wind blew over the lake number {i}." for i in range(12)]
    lines += [f"The cold of the lake number {i}." for i in range(2)]  # two noun uses among the adjectives
    lines += [f"They fought near Cold Harbor in battle {i}." for i in range(6)]
    lines += [f"She caught a cold in week {i} and stayed home." for i in range(12)]
    store = embed(lines, tmp_path / "s.store", EncodeSpec(model=str(tiny_model)), device="cpu")
    nouns = [int(r) for r in store.occurrences("cold") if "cold of" in store.occurrence(int(r)).sentence]
    senses = word_senses(store, "cold", rows=nouns)
    placed = senses.labels >= 0
    assert [(u.reason, sorted(u.rows)) for u in senses.unplaced] == [("part of speech", nouns)]
    assert sum(s.size for s in senses.senses) == int(placed.sum())
    unplaced_rows = {r for u in senses.unplaced for r in u.rows}
    assert unplaced_rows == {int(r) for r in senses.rows[~placed]}
    for s in senses.senses:
        assert not set(int(r) for r in s.rows) & unplaced_rows
    data = senses.to_dict()
    assert [u["n_occurrences"] for u in data["unplaced"]] == [len(u.rows) for u in senses.unplaced]
    for r in unplaced_rows:
        assert senses.sense_of(r) == -1
    assert [d["sense"] for d in data["row_senses"]] == [-1, -1]
    assert all(u.reason in REASONS for u in senses.unplaced)
