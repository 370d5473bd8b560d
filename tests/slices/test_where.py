"""The --where filter language against a straightforward Python evaluation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec.errors import ParameterError
from ctxvec.slices import Where

YEARS = np.array([1850, 1899, 1900, np.nan, 1950], dtype=float)
SOURCES = np.array(["times", "guardian", None, "times", "sun"], dtype=object)
COLS = {"year": YEARS, "source": SOURCES}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("year < 1900", [1, 1, 0, 0, 0]),
        ("year >= 1900", [0, 0, 1, 0, 1]),
        ("not year < 1900", [0, 0, 1, 1, 1]),  # not of a test: nulls pass the negation
        ("year == 1899 or source = 'sun'", [0, 1, 0, 0, 1]),
        ("source in ('times', \"sun\")", [1, 0, 0, 1, 1]),
        ("source not in ('times')", [0, 1, 0, 0, 1]),
        ("(year < 1900 or year > 1940) and source != 'times'", [0, 1, 0, 0, 1]),
        ("YEAR < 1900".replace("YEAR", "year") + " AND source == 'times'", [1, 0, 0, 0, 0]),
        ("year < 1.9e3", [1, 1, 0, 0, 0]),
    ],
)
def test_filters(text, expected):
    assert Where.parse(text).mask(COLS).astype(int).tolist() == expected


@pytest.mark.parametrize(
    ("text", "msg"),
    [
        ("", "empty"),
        ("year <", "expected a number"),
        ("year < 1900 junk", "unexpected 'junk'"),
        ("source == times", "quote text: 'times'"),
        ("year < '1900'", "holds numbers"),
        ("source < 3", "holds text"),
        ("decade < 3", "no metadata column 'decade'"),
        ("__import__('os')", "expected"),
        ("year < 1900; rm", "cannot read"),
        ("(year < 1900", "expected \\)"),
    ],
)
def test_bad_filters_are_one_line_parameter_errors(text, msg):
    with pytest.raises(ParameterError, match=msg) as e:
        Where.parse(text).mask(COLS)
    assert e.value.name == "where" and "\n" not in str(e.value)


def test_errors_name_the_parameter_given():
    with pytest.raises(ParameterError) as e:
        Where.parse("year <<", name="vs")
    assert e.value.name == "vs"


@given(st.lists(st.integers(1800, 2000), min_size=1, max_size=30), st.integers(1800, 2000), st.integers(1800, 2000))
@settings(max_examples=60, deadline=None)
def test_matches_python(years, a, b):
    col = {"year": np.asarray(years, dtype=float)}
    got = Where.parse(f"year >= {a} and not (year > {b} or year in ({a}, {b}))").mask(col)
    want = [y >= a and not (y > b or y in (a, b)) for y in years]
    assert got.tolist() == want
