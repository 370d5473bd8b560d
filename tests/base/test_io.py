"""ctxvec._io: writes land whole or not at all, with ordinary file modes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from ctxvec._io import atomic_open, atomic_path, file_sha256, save_npy_atomic, write_json_atomic


def test_json_and_npy_round_trip(tmp_path: Path) -> None:
    write_json_atomic(tmp_path / "a.json", {"b": 1, "a": [1, 2]})
    assert json.loads((tmp_path / "a.json").read_text()) == {"a": [1, 2], "b": 1}
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    save_npy_atomic(tmp_path / "x.npy", x)
    np.testing.assert_array_equal(np.load(tmp_path / "x.npy"), x)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "x.npy"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_open(target) as f:
        f.write("new, half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_new_files_get_the_umask_mode_and_replaced_files_keep_theirs(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        with atomic_open(tmp_path / "new.txt") as f:
            f.write("x")
        assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644
        (tmp_path / "old.txt").write_text("x")
        os.chmod(tmp_path / "old.txt", 0o640)
        with atomic_path(tmp_path / "old.txt") as tmp:
            tmp.write_text("y")
        assert (tmp_path / "old.txt").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)


def test_file_sha256_matches_hashlib(tmp_path: Path) -> None:
    import hashlib

    data = os.urandom(100_000)
    (tmp_path / "b").write_bytes(data)
    assert file_sha256(tmp_path / "b", chunk=4096) == hashlib.sha256(data).hexdigest()
