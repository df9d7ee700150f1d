"""The key store (pinsec.keystore) at its edges: generations from zero, counted one per change, files of
generation 0 and labels that do not name keys, removing a labelled key, adopting a block, the folder and
lock created on demand, a stale temporary file cleared by any locked access, writes made durable in order
and cleaned up when they fail, and what unwrap takes. An honest mutation run of keystore.py found 30 of
its 118 mutants unnoticed. The crafted files carry a correct MAC (made with the store's own MAC, as a
holder of the LMK could), so it is their content that is judged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pinsec import KeyAttributes, keystore
from pinsec.errors import DataError, InvalidKeyError, VerificationError
from pinsec.keystore import KeyStore

LMK = bytes(range(32))
ZPK = KeyAttributes("P0", "T", "B")
KEY = bytes(range(1, 17))


def _doc(store: KeyStore, generation: int, keys: dict[str, str], labels: object) -> str:
    mac = store._mac(generation, keys, labels if isinstance(labels, dict) else {})  # type: ignore[arg-type]
    return json.dumps({"format": keystore.FORMAT, "generation": generation, "keys": keys, "labels": labels,
                       "mac": mac})


def test_generations_start_at_zero_and_count_each_change(tmp_path: Path) -> None:
    memory = KeyStore(None, LMK)
    assert memory.generation == 0
    on_disk = KeyStore(tmp_path / "keys.json", LMK)
    for n in (1, 2, 3):
        on_disk.add(f"k{n}", ZPK, KEY)
        assert on_disk.generation == n
        assert json.loads((tmp_path / "keys.json").read_text())["generation"] == n
    memory.add("k", ZPK, KEY)
    assert memory.generation == 1


def test_a_file_of_generation_zero_is_accepted_again_and_again(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(_doc(KeyStore(path, LMK), 0, {}, {}))
    for _ in range(2):  # a second store in the same process must not see it as rolled back
        assert KeyStore(path, LMK).load() == {}


@pytest.mark.parametrize("labels", [["k1"], {"k1": 5}, {"k2": "orphan"}])
def test_labels_that_are_not_strings_of_the_stores_keys(tmp_path: Path, labels: object) -> None:
    path = tmp_path / "keys.json"
    store = KeyStore(path, LMK)
    keys = {"k1": store.wrap(ZPK, KEY)}
    path.write_text(_doc(store, 1, keys, labels))
    with pytest.raises(VerificationError) as info:
        KeyStore(path, LMK).load()
    assert info.value.code == "keystore_corrupt"


def test_removing_a_labelled_key_removes_its_label(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    store = KeyStore(path, LMK)
    store.add("k1", ZPK, KEY)
    store.label("k1", "acquirer zpk")
    store.remove("k1")
    assert store.labels() == {}
    assert KeyStore(path, LMK).load() == {}  # and the file still reads


def test_labelling_a_key_the_store_does_not_hold(tmp_path: Path) -> None:
    with pytest.raises(InvalidKeyError) as info:
        KeyStore(tmp_path / "keys.json", LMK).label("nope", "x")
    assert info.value.code == "unknown_key"


def test_adopted_blocks_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    block = KeyStore(None, LMK).wrap(ZPK, KEY)
    store = KeyStore(path, LMK)
    assert store.adopt("k1", block) == (ZPK, KEY)
    assert store.block("k1") == block
    assert KeyStore(path, LMK).load() == {"k1": (ZPK, KEY)}


@pytest.mark.parametrize("block", [123, None, "B0096P0TE00N0000" + "0" * 80, ""])
def test_unwrap_takes_version_d_blocks_only(block: object) -> None:
    with pytest.raises(DataError) as info:
        KeyStore(None, LMK).unwrap(block)  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("invalid_key_block", "key_block")


def test_the_folder_is_made_and_a_stale_temporary_file_cleared(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "keys.json"
    store = KeyStore(path, LMK)
    store.add("k1", ZPK, KEY)
    stale = path.with_name(".keys.json.tmp")
    stale.write_text("half a write from a process that died")
    assert KeyStore(path, LMK).load() == {"k1": (ZPK, KEY)}
    assert not stale.exists()


def test_writes_are_durable_in_order_and_leave_no_descriptor(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keys.json"
    store = KeyStore(path, LMK)
    store.add("k0", ZPK, KEY)
    synced: list[tuple[str, int]] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append((os.path.basename(os.readlink(f"/proc/self/fd/{fd}")), os.fstat(fd).st_size))
        real(fd)

    monkeypatch.setattr(keystore.os, "fsync", fsync)
    before = len(os.listdir("/proc/self/fd"))
    store.add("k1", ZPK, KEY)
    assert len(os.listdir("/proc/self/fd")) == before
    size = path.stat().st_size
    assert synced == [(".keys.json.tmp", size), (tmp_path.name, synced[1][1])]  # the data, then the folder


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keys.json"
    store = KeyStore(path, LMK)
    store.add("k0", ZPK, KEY)

    def replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keystore.os, "replace", replace)
    with pytest.raises(DataError) as info:
        store.add("k1", ZPK, KEY)
    assert info.value.code == "keystore_io"
    assert not path.with_name(".keys.json.tmp").exists()
    monkeypatch.undo()
    assert set(KeyStore(path, LMK).load()) == {"k0"}  # the store is as it was


def test_a_temporary_file_that_could_not_even_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keys.json"
    store = KeyStore(path, LMK)
    store.add("k0", ZPK, KEY)
    real_open = os.open

    def refusing_open(name: object, flags: int, *args: object) -> int:
        if str(name).endswith(".tmp"):
            raise PermissionError(13, "Permission denied")
        return real_open(name, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(keystore.os, "open", refusing_open)
    with pytest.raises(DataError) as info:  # the same one-line error, not a FileNotFoundError from the cleanup
        store.add("k1", ZPK, KEY)
    assert info.value.code == "keystore_io"
