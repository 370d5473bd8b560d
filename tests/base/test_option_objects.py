"""The library's option objects (`EncodeSpec`, `Sampling`, `IndexParams`, the sparsity choices) declare
each field once -- type, default, bounds, choices, help -- and both the checks of the object and the
command-line / web options are derived from that declaration (`ctxvec.params.option`, `opts_of`)."""

from __future__ import annotations

import argparse
import typing
from dataclasses import fields

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctxvec.cli import command_modules
from ctxvec.decomposition import SPARSITIES, AbsoluteAlpha, Alpha, AtomFilter, MaxTerms
from ctxvec.encoding import EncodeSpec
from ctxvec.errors import ParameterError
from ctxvec.neighbours import IndexParams
from ctxvec.params import OPT_KEY, choice_of, opts_of, spec_of
from ctxvec.space import Sampling

MODELS = (EncodeSpec, Sampling, IndexParams, Alpha, AbsoluteAlpha, MaxTerms, AtomFilter)
# the command whose options each model's fields are (the model's fields it offers; None: all)
COMMANDS = {
    EncodeSpec: ("embed", None),
    Sampling: ("isotropy", None),
    IndexParams: ("index", None),
    Alpha: ("decompose", None),
    AbsoluteAlpha: ("decompose", None),
    MaxTerms: ("decompose", None),
    AtomFilter: ("decompose", None),
}


def bounded(model: type) -> list[tuple[str, dict[str, typing.Any]]]:
    return [(f.name, f.metadata[OPT_KEY]) for f in fields(model) if f.metadata[OPT_KEY].get("low") is not None]


def make(model: type, **values: typing.Any) -> typing.Any:
    """`model(**values)`, checked (EncodeSpec is checked by `validate`, the others when made)."""
    made = model(**values)
    return made.validate() if isinstance(made, EncodeSpec) else made


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_declared_with_help_and_its_option_matches(model: type) -> None:
    opts = {o.name: o for o in opts_of(model)}
    assert list(opts) == [f.name for f in fields(model)]
    hints = typing.get_type_hints(model)
    for f in fields(model):
        spec, opt = f.metadata[OPT_KEY], opts[f.name]
        assert spec["help"] and opt.help == spec["help"]
        assert opt.default == f.default and opt.low == spec.get("low") and opt.high == spec.get("high")
        assert opt.choices == spec.get("choices")
        assert opt.type in typing.get_args(hints[f.name]) or opt.type is hints[f.name]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_command_line_takes_the_declared_options_not_copies(model: type) -> None:
    """The command's options for the model's fields are the ones `opts_of` derives (same bounds, help)."""
    name, _ = COMMANDS[model]
    command = command_modules()[name].COMMAND
    declared = {o.name: o for o in command.options}
    for opt in opts_of(model):
        got = declared[opt.name]
        assert (got.type, got.low, got.high, got.choices, got.help[: len(opt.help)]) == (
            opt.type, opt.low, opt.high, opt.choices, opt.help
        ), opt.name  # fmt: skip


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_defaults_are_valid(model: type) -> None:
    make(model)


@pytest.mark.parametrize(
    ("model", "name"), [(m, n) for m in MODELS for n, _ in bounded(m)], ids=lambda x: getattr(x, "__name__", x)
)
@given(data=st.data())
def test_a_value_within_the_bounds_is_taken_and_one_below_is_named(model: type, name: str, data: st.DataObject) -> None:
    spec = dict(fields(model)[[f.name for f in fields(model)].index(name)].metadata[OPT_KEY])
    low, high, open_low = spec["low"], spec.get("high"), spec.get("open_low", False)
    if next(o for o in opts_of(model) if o.name == name).type is int:
        ok = data.draw(st.integers(int(low) + (1 if open_low else 0), int(high) if high is not None else 10**6))
        bad = data.draw(st.integers(-(10**6), int(low) - (0 if open_low else 1)))
    else:
        ok = data.draw(st.floats(low, high or 1e6, exclude_min=open_low, allow_nan=False))
        bad = data.draw(st.floats(-1e6, low, exclude_max=not open_low, allow_nan=False))
    assert getattr(make(model, **{name: ok}), name) == ok
    with pytest.raises(ParameterError) as e:
        make(model, **{name: bad})
    assert e.value.name == name and str(e.value).startswith(name) and "--" not in str(e.value)
    if high is not None:
        with pytest.raises(ParameterError, match=f"^{name} must be at most"):
            make(model, **{name: type(ok)(high) + 1})


@pytest.mark.parametrize("name", ["unit", "pooling", "compute_dtype"])
@given(text=st.text(max_size=12))
def test_a_choice_outside_the_declared_ones_is_named(name: str, text: str) -> None:
    declared = EncodeSpec.__dataclass_fields__[name].metadata[OPT_KEY]["choices"]
    if text in declared:
        assert getattr(EncodeSpec(**{name: text}).validate(), name) == text
        return
    with pytest.raises(ParameterError) as e:
        EncodeSpec(**{name: text}).validate()
    assert e.value.name == name and str(e.value).startswith(f"unknown {name} {text!r}; use one of ")


def test_nan_is_refused_where_a_bound_is_declared() -> None:
    with pytest.raises(ParameterError) as e:
        Alpha(float("nan"))
    assert e.value.name == "alpha"


def test_a_front_ends_values_make_the_object() -> None:
    args = argparse.Namespace(n_pairs=7, seed=3, k=5, word="cold")  # other options are ignored
    assert spec_of(Sampling, args) == Sampling(n_pairs=7, seed=3)
    assert spec_of(EncodeSpec, argparse.Namespace(unit="subword", dtype="float32")) == EncodeSpec(unit="subword")


@given(which=st.sampled_from(SPARSITIES), value=st.integers(1, 50))
def test_one_sparsity_choice_is_made_from_the_option_given(which: type, value: int) -> None:
    given_ = {f.name: None for c in SPARSITIES for f in fields(c)}
    (field,) = fields(which)
    v = value if which is MaxTerms else value / 100
    given_[field.name] = v
    made = choice_of(SPARSITIES, argparse.Namespace(**given_))
    assert type(made) is which and getattr(made, field.name) == v
    assert choice_of(SPARSITIES, argparse.Namespace(**{f: None for f in given_})) is None


def test_decompose_offers_the_sparsity_choices_as_one_exclusive_group() -> None:
    command = command_modules()["decompose"].COMMAND
    group = [o for o in command.options if o.group == "sparsity"]
    assert [o.name for o in group] == ["alpha", "alpha_abs", "max_terms"]
    assert all(o.default is None for o in group) and "(default 0.2)" in group[0].help
