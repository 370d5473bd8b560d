import json

from ctxvec.store import MANIFEST, Store


def test_vectors_record_id_and_is_current(random_store):
    rec = random_store.vectors_record()
    sha = random_store.manifest["checksums"]["vectors.npy"]
    assert rec == {"vectors_sha256": sha, "transform_id": None, "n_rows": 600, "dim": 16}
    assert random_store.vectors_id == f"{sha[:12]}-raw"
    assert random_store.transform is None and random_store.transform_id is None
    assert random_store.is_current(rec) and random_store.is_current(json.loads(json.dumps(rec)))
    assert not random_store.is_current(None) and not random_store.is_current({})
    assert not random_store.is_current({**rec, "transform_id": "t1"})
    assert not random_store.is_current({**rec, "vectors_sha256": "0" * 64})


def test_a_different_store_is_not_current(random_store, make_store):
    other = make_store(
        random_store.vectors[::-1].copy(),
        list(random_store.tokens),
        random_store.sentence_ids,
        [random_store.sentence(i) for i in range(random_store.n_sentences)],
    )
    assert not other.is_current(random_store.vectors_record())
    manifest = json.loads((random_store.path / MANIFEST).read_text())
    assert Store(random_store.path, manifest).vectors_record() == random_store.vectors_record()
