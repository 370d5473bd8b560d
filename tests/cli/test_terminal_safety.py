"""Corpus text reaches the terminal escaped: no escape sequence, control character or rich markup acts."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctxvec.cli import main
from ctxvec.cli._output import SafeConsole, fail, highlight, print_json, terminal_safe
from ctxvec.store import write_store

NASTY = [
    "\x1b]0;PWNED TITLE\x07",  # OSC window title, BEL-terminated
    "\x1b[31mred\x1b[0m",  # colour codes
    "\x1b[2J",  # clear screen
    "\x9b2J",  # C1 CSI
    "\x07",  # BEL
    "[bold]markup[/bold]",
    "[link=http://evil.example]click[/link]",
    "\u202eevil",  # right-to-left override
]
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def nasty_store(tmp_path):
    sentences = [f"cold {bad} day\tand\nnight" for bad in NASTY] + ["a cold warm day"]
    tokens, sids = [], []
    for i in range(len(sentences)):
        for t in ["cold", NASTY[i] if i < len(NASTY) else "warm", "day"]:
            tokens.append(t)
            sids.append(i)
    vectors = np.random.default_rng(0).normal(size=(len(tokens), 8)).astype(np.float32)
    return write_store(
        tmp_path / "n.store", vectors, tokens, sids, sentences, manifest={"corpus": {"name": "\x1b]0;title\x07corpus"}}
    )


@given(st.text())
def test_terminal_safe_leaves_no_control_character(text):
    safe = terminal_safe(text)
    assert not UNSAFE.search(safe) and "\n" not in safe and "\t" not in safe
    if not UNSAFE.search(text) and not any(c in text for c in "\t\n\r\u200e\u200f\u2028\u2029"):
        assert safe == text


@given(st.text(), st.data())
def test_highlight_marks_the_escaped_span(sentence, data):
    start = data.draw(st.integers(0, len(sentence)))
    end = data.draw(st.integers(start, len(sentence)))
    text = highlight(sentence, start, end)
    assert text.plain == terminal_safe(sentence[:start]) + terminal_safe(sentence[start:end]) + terminal_safe(
        sentence[end:]
    )
    if start < end:
        (span,) = text.spans
        assert text.plain[span.start : span.end] == terminal_safe(sentence[start:end])


def test_the_console_escapes_whatever_it_prints_and_interprets_no_markup():
    console = SafeConsole(file=io.StringIO(), force_terminal=True, highlight=False, markup=False)
    from rich.table import Table

    table = Table()
    table.add_column("token")
    for bad in NASTY:
        table.add_row(bad)
    console.print(table)
    console.print("\x1b[2J [bold]x[/bold]")
    out = console.file.getvalue()
    assert "\\x1b]0;PWNED" in out and "\\x9b2J" in out and "[bold]markup[/bold]" in out
    assert "]8;" not in out and "\x1b]" not in out and "\x1b[2J" not in out and "\x9b" not in out
    assert "[bold]x[/bold]" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["similar", "{s}", "cold", "-k", "8"],
        ["similar", "{s}", "cold", "-k", "8", "--words-only"],
        ["info", "{s}"],
        ["senses", "{s}", "cold"],
        ["decompose", "{s}", "warm", "--max-terms", "3", "--atoms", "occurrences"],
    ],
)
def test_commands_print_corpus_text_escaped(nasty_store, capsys, argv):
    assert main([a.format(s=nasty_store.path) for a in argv]) == 0
    out = capsys.readouterr().out
    assert not UNSAFE.search(out), repr(out)
    if argv[0] == "similar":
        assert "\\x1b]0;PWNED TITLE\\x07" in out and "[bold]markup[/bold]" in out and "\\x9b2J" in out
    if argv[0] == "info":
        assert "\\x1b]0;title\\x07corpus" in out


def test_json_keeps_the_data_and_escapes_what_a_terminal_acts_on(capsys):
    data = {"text": "".join(NASTY)}
    print_json(data)
    out = capsys.readouterr().out
    assert not UNSAFE.search(out) and json.loads(out) == data


def test_errors_stay_on_one_line(capsys):
    assert fail("bad\nvalue \x1b[2J") == 2
    err = capsys.readouterr().err
    assert err == "ctxvec: error: bad value \\x1b[2J\n"
