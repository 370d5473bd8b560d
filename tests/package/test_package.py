import subprocess
import sys

import ctxvec


def test_every_export_resolves():
    for name in ctxvec.__all__:
        assert getattr(ctxvec, name) is not None, name


def test_import_is_light():
    """`import ctxvec` (and so the CLI's start) loads no torch, faiss or matplotlib."""
    code = "import sys, ctxvec, ctxvec.cli; print(sorted(m for m in ('torch', 'faiss', 'matplotlib', 'sklearn') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_cli_help_lists_every_command():
    out = subprocess.run([sys.executable, "-m", "ctxvec", "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("embed", "info", "similar", "index", "decompose", "factors", "analogy", "evaluate", "types", "export",
                    "isotropy", "transform", "compare", "senses", "cluster", "plot", "dims"):  # fmt: skip
        assert command in out
