"""Way in 6: the key store under concurrency, crashes and rollback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import pinsec
from pinsec import KeyAttributes
from pinsec.errors import VerificationError
from pinsec.keystore import KeyStore

LMK = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"


def test_sixteen_processes_generating_at_once_lose_nothing(tmp_path: Path) -> None:
    store = tmp_path / "keys.json"
    env = {**os.environ, "PINSEC_LMK": LMK}
    argv = [sys.executable, "-m", "pinsec", "--json", "key", "generate", "--keystore", str(store), "--usage",
            "P0", "--algorithm", "A", "--mode", "B"]

    def run(_: int) -> str:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return str(json.loads(done.stdout)["id"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = set(pool.map(run, range(16)))
    assert len(ids) == 16
    assert {h.id for h in pinsec.Hsm(keystore=store, lmk=LMK).list_keys()} == ids
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_two_hsms_on_one_store_see_each_others_keys(tmp_path: Path) -> None:
    store = tmp_path / "keys.json"
    a, b = pinsec.Hsm(keystore=store, lmk=LMK), pinsec.Hsm(keystore=store, lmk=LMK)
    ka = a.generate_key(KeyAttributes("P0", "A", "B"))
    kb = b.generate_key(KeyAttributes("P0", "A", "B"))  # b re-reads the store under the lock: a's key stays
    assert {h.id for h in pinsec.Hsm(keystore=store, lmk=LMK).list_keys()} == {ka.id, kb.id}
    assert b.key(ka.id).kcv == ka.kcv
    a.destroy(a.key(kb.id))
    assert {h.id for h in b.list_keys()} == {ka.id}


def test_a_stale_temporary_file_is_removed_and_never_reused(tmp_path: Path) -> None:
    store = tmp_path / "keys.json"
    hsm = pinsec.Hsm(keystore=store, lmk=LMK)
    doomed = hsm.generate_key(KeyAttributes("P0", "A", "B"))
    tmp = tmp_path / ".keys.json.tmp"
    shutil.copy(store, tmp)  # what a writer killed after writing, before renaming, leaves behind
    hsm.destroy(doomed)
    pinsec.Hsm(keystore=store, lmk=LMK)
    assert not tmp.exists()
    assert doomed.id not in store.read_text()


def test_an_older_file_is_refused_once_a_newer_was_seen(tmp_path: Path) -> None:
    store = tmp_path / "keys.json"
    hsm = pinsec.Hsm(keystore=store, lmk=LMK)
    doomed = hsm.generate_key(KeyAttributes("P0", "A", "B"))
    old = store.read_bytes()  # a backup taken while the key was alive
    hsm.destroy(doomed)
    store.write_bytes(old)  # the attacker restores it to bring the destroyed key back
    with pytest.raises(VerificationError) as info:
        hsm.generate_key(KeyAttributes("P0", "A", "B"))
    assert info.value.code == "keystore_rollback"
    with pytest.raises(VerificationError) as info:  # a new Hsm in the same process knows the newer generation
        pinsec.Hsm(keystore=store, lmk=LMK)
    assert info.value.code == "keystore_rollback"


def test_the_generation_is_authenticated(tmp_path: Path) -> None:
    store = tmp_path / "keys.json"
    pinsec.Hsm(keystore=store, lmk=LMK).generate_key(KeyAttributes("P0", "A", "B"))
    doc = json.loads(store.read_text())
    doc["generation"] += 100  # raising the counter to outrun the rollback check breaks the MAC
    store.write_text(json.dumps(doc))
    with pytest.raises(VerificationError) as info:
        KeyStore(store, bytes.fromhex(LMK)).load()
    assert info.value.code == "keystore_tampered"


def test_a_key_whose_kcv_fails_is_never_stored(tmp_path: Path) -> None:
    store = tmp_path / "keys.json"
    rig = pinsec.Hsm(keystore=store, lmk=LMK, authorized=True)
    rig.generate_key(KeyAttributes("K1", "A", "B"))
    before = store.read_text()
    with pytest.raises(VerificationError) as info:
        rig.import_clear_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"), KeyAttributes("P0", "T", "B"),
                             kcv="08D7B5")
    assert info.value.code == "kcv_mismatch"
    assert store.read_text() == before
    assert len(pinsec.Hsm(keystore=store, lmk=LMK).list_keys()) == 1
