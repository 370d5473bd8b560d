"""Serving a store ctxvec may not write into: a read-only bind mount (a private mount namespace, so
the kernel really refuses writes), a ``chmod -R a-w`` copy and another user's store (these two as
root, whom permission bits do not stop: ctxvec must hold back by itself). Every view answers, and
the store folder is byte for byte and file for file what it was (no norms, word types or lemmas
cached into it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# a server over STORE in a thread; every API request below must answer 200; prints the statuses
CLIENT = r"""
import json, sys
import httpx
from ctxvec.cli.serve import build_app
from ctxvec.web import serve_in_thread

store = sys.argv[1]
requests = [
    ("similar", {"word": "cold", "k": "3"}),
    ("similar", {"word": "cold", "in": "a cold day by the river", "k": "3"}),
    ("decompose", {"word": "cold", "limit": "1", "max_terms": "3"}),
    ("analogy", {"words": ["king", "man", "woman"], "k": "3"}),
    ("senses", {"word": "cold"}),
    ("isotropy", {}),
]
out = []
with serve_in_thread(lambda host, port: build_app([store], host=host, port=port)) as url:
    for command, params in requests:
        r = httpx.get(f"{url}/api/{command}", params=params, timeout=60)
        out.append([command, r.status_code, r.text[:300] if r.status_code != 200 else ""])
print(json.dumps(out))
"""


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """relative path -> (size, mtime ns, mode) of everything under `folder`."""
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        out[str(p.relative_to(folder))] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return out


def run_client(store: Path, mount_read_only_from: Path | None = None) -> list[list[object]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HF_HUB_OFFLINE": "1"}
    argv = [sys.executable, "-c", CLIENT, str(store)]
    if mount_read_only_from is not None:  # bind the copy read-only at `store`, in a mount namespace of its own
        script = 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && shift 2 && exec "$@"'
        argv = ["unshare", "--mount", "sh", "-c", script, "sh", str(mount_read_only_from), str(store), *argv]
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.parametrize("how", ["read-only mount", "chmod a-w", "another user's"])
def test_a_store_ctxvec_may_not_write_is_served_and_left_untouched(
    how: str, web_stores: dict[str, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "ro.store"
    shutil.copytree(web_stores["a"], copy)
    for cache in ("types.parquet", "types.npy", "lemmas.parquet"):  # nothing cached yet: the server would write them
        (copy / cache).unlink(missing_ok=True)
    served = copy
    try:
        if how == "read-only mount":
            if shutil.which("unshare") is None:
                pytest.fail("this test needs unshare (util-linux) to make a read-only mount")
            served = tmp_path / "mounted.store"
            served.mkdir()
        elif how == "chmod a-w":
            subprocess.run(["chmod", "-R", "a-w", str(copy)], check=True)
        else:
            subprocess.run(["chown", "-R", "65534:65534", str(copy)], check=True)
        before = snapshot(copy)
        answers = run_client(served, mount_read_only_from=copy if how == "read-only mount" else None)
        assert [a[:2] for a in answers] == [[command, 200] for command, _, _ in answers], answers
        assert snapshot(copy) == before
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(copy)], check=False)


def test_a_writable_store_keeps_its_caches(web_stores: dict[str, Path], tmp_path: Path) -> None:
    """The counterpart: served from a store it owns and may write, ctxvec caches word types there."""
    copy = tmp_path / "rw.store"
    shutil.copytree(web_stores["a"], copy)
    for cache in ("types.parquet", "types.npy", "lemmas.parquet"):
        (copy / cache).unlink(missing_ok=True)
    before = snapshot(copy)
    answers = run_client(copy)
    assert all(a[1] == 200 for a in answers), answers
    added = set(snapshot(copy)) - set(before)
    assert {"types.parquet", "types.npy"} <= added, added


def test_may_add_files_tries_for_real(tmp_path: Path) -> None:
    from ctxvec._io import may_add_files

    assert may_add_files(tmp_path)
    assert not may_add_files(tmp_path / "missing")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert os.access(locked, os.W_OK) == (os.geteuid() == 0)  # root: os.access says yes ...
        assert not may_add_files(locked)  # ... and ctxvec still holds back
    finally:
        locked.chmod(0o755)
