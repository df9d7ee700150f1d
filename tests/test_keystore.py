"""The persistent key store: keys under an LMK, atomic writes, tamper and truncation detection."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import pinsec
from pinsec import KeyAttributes
from pinsec.errors import InvalidKeyError, VerificationError
from pinsec.keystore import KeyStore

LMK = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")


def _store_with_keys(path: Path) -> tuple[pinsec.Hsm, list[pinsec.KeyHandle]]:
    hsm = pinsec.Hsm(keystore=path, lmk=LMK, authorized=True)
    handles = [
        hsm.import_clear_key(KEY, KeyAttributes("P0", "T", "B")),
        hsm.generate_key(KeyAttributes("K1", "A", "B"), length=32),
        hsm.import_clear_key(KEY, KeyAttributes("B0", "T", "X", "00", "N")),
    ]
    return hsm, handles


def test_reopen_gives_back_the_same_handles(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    _, handles = _store_with_keys(path)
    again = pinsec.Hsm(keystore=path, lmk=LMK)
    for h in handles:
        back = again.key(h.id)
        assert (back.id, back.attributes, back.kcv, back.length) == (h.id, h.attributes, h.kcv, h.length)
    assert {h.id for h in again.list_keys()} == {h.id for h in handles}


def test_destroy_persists(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    hsm, handles = _store_with_keys(path)
    hsm.destroy(handles[0])
    assert {h.id for h in pinsec.Hsm(keystore=path, lmk=LMK).list_keys()} == {h.id for h in handles[1:]}


def test_lmk_from_environment_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keys.json"
    _store_with_keys(path)
    monkeypatch.setenv("PINSEC_LMK", LMK)
    assert len(pinsec.Hsm(keystore=path).list_keys()) == 3
    monkeypatch.delenv("PINSEC_LMK")
    lmk_file = tmp_path / "lmk.hex"
    lmk_file.write_text(LMK[:32] + "\n" + LMK[32:] + "\n")
    lmk_file.chmod(0o600)
    monkeypatch.setenv("PINSEC_LMK_FILE", str(lmk_file))
    assert len(pinsec.Hsm(keystore=path).list_keys()) == 3
    monkeypatch.delenv("PINSEC_LMK_FILE")
    with pytest.raises(InvalidKeyError) as info:
        pinsec.Hsm(keystore=path)
    assert info.value.code == "lmk_missing"


def test_store_holds_no_clear_key_and_no_lmk(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    _store_with_keys(path)
    text = path.read_text().upper()
    assert KEY.hex().upper() not in text and LMK not in text and LMK[:16] not in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_wrong_lmk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    _store_with_keys(path)
    with pytest.raises(VerificationError) as info:
        pinsec.Hsm(keystore=path, lmk="5A" * 31 + "A5")
    assert info.value.code == "keystore_tampered"


@pytest.mark.parametrize("damage", ["truncate", "flip_block", "drop_key", "swap_ids", "edit_mac"])
def test_tampered_or_truncated_store_is_refused(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "keys.json"
    _store_with_keys(path)
    text = path.read_text()
    doc = json.loads(text)
    ids = sorted(doc["keys"])
    if damage == "truncate":
        path.write_text(text[: len(text) // 2])
    else:
        if damage == "flip_block":
            block = doc["keys"][ids[0]]
            doc["keys"][ids[0]] = block[:-1] + ("0" if block[-1] != "0" else "1")
        elif damage == "drop_key":
            del doc["keys"][ids[0]]
        elif damage == "swap_ids":
            doc["keys"][ids[0]], doc["keys"][ids[1]] = doc["keys"][ids[1]], doc["keys"][ids[0]]
        else:
            doc["mac"] = "00" * 32
        path.write_text(json.dumps(doc))
    with pytest.raises(VerificationError) as info:
        pinsec.Hsm(keystore=path, lmk=LMK)
    assert info.value.code in {"keystore_corrupt", "keystore_tampered"}


def test_a_crash_mid_write_loses_no_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keys.json"
    hsm, handles = _store_with_keys(path)
    before = path.read_text()

    def die(*args: object) -> None:
        raise KeyboardInterrupt("killed mid-write")

    monkeypatch.setattr(os, "replace", die)
    with pytest.raises(KeyboardInterrupt):
        hsm.generate_key(KeyAttributes("P0", "A", "B"))
    monkeypatch.undo()
    assert path.read_text() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert {h.id for h in pinsec.Hsm(keystore=path, lmk=LMK).list_keys()} == {h.id for h in handles}


def test_keystore_repr_has_no_lmk(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "k.json", bytes.fromhex(LMK))
    assert LMK not in repr(store).upper()


def _doc(path: Path) -> dict[str, object]:
    _store_with_keys(path)
    return json.loads(path.read_text())  # type: ignore[no-any-return]


CORRUPT = [
    # (what, how the file is damaged, the code that names it)
    ("not UTF-8", lambda p, d: p.write_bytes(b"\xff\xfe" + p.read_bytes()), "keystore_unreadable"),
    ("not JSON", lambda p, d: p.write_text("{"), "keystore_corrupt"),
    ("nested past the recursion limit", lambda p, d: p.write_text("[" * 100_000), "keystore_corrupt"),
    ("a JSON list", lambda p, d: p.write_text("[]"), "keystore_corrupt"),
    ("another format", lambda p, d: p.write_text(json.dumps({**d, "format": "pinsec-keystore/1"})), "keystore_corrupt"),
    ("no format", lambda p, d: p.write_text(json.dumps({k: v for k, v in d.items() if k != "format"})),
     "keystore_corrupt"),
    ("keys a list", lambda p, d: p.write_text(json.dumps({**d, "keys": []})), "keystore_corrupt"),
    ("generation missing", lambda p, d: p.write_text(json.dumps({k: v for k, v in d.items() if k != "generation"})),
     "keystore_corrupt"),
    ("generation negative", lambda p, d: p.write_text(json.dumps({**d, "generation": -1})), "keystore_corrupt"),
    ("generation a boolean", lambda p, d: p.write_text(json.dumps({**d, "generation": True})), "keystore_corrupt"),
    ("generation a string", lambda p, d: p.write_text(json.dumps({**d, "generation": "3"})), "keystore_corrupt"),
    ("an entry not a string", lambda p, d: p.write_text(json.dumps({**d, "keys": {"x": 1}})), "keystore_corrupt"),
    ("mac missing", lambda p, d: p.write_text(json.dumps({k: v for k, v in d.items() if k != "mac"})),
     "keystore_tampered"),
    ("generation changed", lambda p, d: p.write_text(json.dumps({**d, "generation": d["generation"] + 1})),  # type: ignore[operator]
     "keystore_tampered"),
]


@pytest.mark.parametrize(("damage", "code"), [c[1:] for c in CORRUPT], ids=[c[0] for c in CORRUPT])
def test_each_kind_of_corrupt_store_is_refused(tmp_path: Path, damage: object, code: str) -> None:
    path = tmp_path / "keys.json"
    doc = _doc(path)
    damage(path, doc)  # type: ignore[operator]
    with pytest.raises(VerificationError) as info:
        KeyStore(path, bytes.fromhex(LMK)).load()
    assert info.value.code == code and info.value.field == "keystore"


def test_a_block_under_another_lmk_inside_an_authentic_file_is_refused(tmp_path: Path) -> None:
    # The file MAC is right (recomputed with the LMK), but one key block was wrapped under another key:
    # the block's own MAC refuses it, so a store cannot smuggle in a key whose attributes the LMK did not bind.
    from pinsec import tr31

    path = tmp_path / "keys.json"
    store = KeyStore(path, bytes.fromhex(LMK))
    store.add("k1", KeyAttributes("P0", "T", "B"), KEY)
    doc = json.loads(path.read_text())
    doc["keys"]["k1"] = tr31.wrap(bytes(range(1, 33)), KEY, "D0000K1TB00E0000")
    doc["mac"] = store._mac(doc["generation"], doc["keys"], doc["labels"])
    path.write_text(json.dumps(doc))
    with pytest.raises(VerificationError):
        KeyStore(path, bytes.fromhex(LMK)).load()


def test_labels_are_unique_persistent_and_usable_as_ids(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    hsm = pinsec.Hsm(keystore=path, lmk=LMK, authorized=True)
    zpk = hsm.import_clear_key(KEY, KeyAttributes("P0", "T", "B"), label="acquirer ZPK")
    assert zpk.label == "acquirer ZPK" and "acquirer ZPK" in repr(zpk)
    again = pinsec.Hsm(keystore=path, lmk=LMK)
    assert again.key("acquirer ZPK").id == zpk.id and again.key(zpk.id).label == "acquirer ZPK"
    before = {h.id for h in again.list_keys()}
    with pytest.raises(pinsec.errors.DataError) as info:
        again.generate_key(KeyAttributes("P0", "A", "B"), label="acquirer ZPK")
    assert info.value.code == "label_taken"
    with pytest.raises(pinsec.errors.DataError):
        again.generate_key(KeyAttributes("P0", "A", "B"), label=zpk.id)  # an id is taken as a label too
    assert {h.id for h in again.list_keys()} == before  # nothing kept from the refused calls
    other = again.generate_key(KeyAttributes("P0", "A", "B"), label="issuer ZPK")
    with pytest.raises(pinsec.errors.DataError):
        again.label(other, "acquirer ZPK")
    assert again.label(zpk, None).label is None
    assert again.label(other, "acquirer ZPK").label == "acquirer ZPK"
    with pytest.raises(pinsec.errors.DataError) as info:
        again.label(other, " padded ")
    assert info.value.code == "invalid_label"


def test_a_changed_label_breaks_the_store_mac(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    pinsec.Hsm(keystore=path, lmk=LMK).generate_key(KeyAttributes("P0", "A", "B"), label="zone")
    doc = json.loads(path.read_text())
    (key_id,) = doc["labels"]
    doc["labels"][key_id] = "another zone"
    path.write_text(json.dumps(doc))
    with pytest.raises(VerificationError) as info:
        KeyStore(path, bytes.fromhex(LMK)).load()
    assert info.value.code == "keystore_tampered"
