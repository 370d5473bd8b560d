from hypothesis import given
from hypothesis import strategies as st

from ctxvec.corpus import split_sentences


def test_splits_on_terminators_but_not_abbreviations_or_initials():
    text = 'J. S. Bach was born in 1685. He moved, e.g. to Leipzig. "Yes!" he said. The U.S. Army came. It cost 3.5 marks. End'
    assert split_sentences(text) == [
        "J. S. Bach was born in 1685.",
        "He moved, e.g. to Leipzig.",
        '"Yes!" he said.',
        "The U.S. Army came.",
        "It cost 3.5 marks.",
        "End",
    ]


def test_lowercase_after_period_does_not_split():
    assert split_sentences("It weighs 5 kg. and more. Then stop.") == ["It weighs 5 kg. and more.", "Then stop."]


@given(st.lists(st.text(alphabet="abc .!?ABC\"'", min_size=0, max_size=30), max_size=5))
def test_splitting_loses_no_characters(parts):
    text = " ".join(parts)
    assert " ".join(split_sentences(text)) == " ".join(text.split())
