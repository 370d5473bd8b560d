"""Progress of an embedding run: pass 1 (tokenizing) counts sentences, pass 2 tokens, on a terminal."""

from __future__ import annotations

import os
import pty
import sys
import threading

from small_corpus import RUNNER_CORPUS

from ctxvec.corpus import read_corpus
from ctxvec.encoding import BatchEncoder, EncodeSpec
from ctxvec.runners import embed
from ctxvec.runners._job import EmbedJob


def test_pass_one_reports_each_shard_of_sentences(tmp_path, tiny_model):
    docs = read_corpus(list(RUNNER_CORPUS))
    spec = EncodeSpec(model=str(tiny_model), max_length=32)
    encoder = BatchEncoder.load(spec, device="cpu", batch_tokens=64)
    job = EmbedJob.start(tmp_path / "s", docs, encoder, spec, "float16", 3)
    assert not job.tokenized
    seen: list[int] = []
    plan = job.tokenize(seen.append)
    n = len(RUNNER_CORPUS)
    assert seen == [min(3, n - a) for a in range(0, n, 3)] and sum(seen) == n
    assert plan is not None and job.tokenized
    again: list[int] = []
    assert job.tokenize(again.append) == plan and again == []  # done before: skipped, nothing counted


def test_embed_on_a_terminal_shows_the_tokenizing_bar(tmp_path, tiny_model, monkeypatch):
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    terminal = os.fdopen(slave, "w", buffering=1)
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("COLUMNS", "120")
    embed(
        list(RUNNER_CORPUS), tmp_path / "s", EncodeSpec(model=str(tiny_model), max_length=32), device="cpu", quiet=False
    )
    terminal.flush()
    monkeypatch.undo()
    terminal.close()
    reader.join(timeout=5)
    os.close(master)
    shown = b"".join(chunks).decode(errors="replace")
    assert "tokenizing" in shown and f"{len(RUNNER_CORPUS)}/{len(RUNNER_CORPUS)}" in shown
    assert "sent/s" in shown and "embedding" in shown and "tok/s" in shown
