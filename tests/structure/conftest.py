"""Fixtures shared by the structure tests."""

import pytest


@pytest.fixture(scope="module")
def tiny_bank_store(tiny_model, tmp_path_factory):
    """A store of 20 short sentences (river, money and snow banks) embedded with the tiny random BERT."""
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    text = ["the river bank was cold", "the bank gave him money", "a bank of snow", "money in the bank"] * 5
    return embed(text, tmp_path_factory.mktemp("bank") / "s.store", EncodeSpec(model=str(tiny_model)), device="cpu")
