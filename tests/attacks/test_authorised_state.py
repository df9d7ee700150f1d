"""Way in 1: clear keys, components, PINs and clear export exist only in the Authorised state."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from pinsec import KeyAttributes, kcv, pinblock
from pinsec.cli import main
from pinsec.errors import KeyPolicyError

from ..conformance.conftest import TDES_ZPK
from .conftest import PAN, World

ZPK = KeyAttributes("P0", "T", "B")


def _attacks(w: World) -> dict[str, object]:
    block = pinblock.encipher(TDES_ZPK, "83920174", PAN)
    half = bytes.fromhex("F0E1D2C3B4A5968778695A4B3C2D1E0F")
    other = bytes(a ^ b for a, b in zip(half, TDES_ZPK, strict=True))
    return {
        "import_clear_key": lambda: w.hsm.import_clear_key(TDES_ZPK, ZPK),
        "import_key_components": lambda: w.hsm.import_key_components(
            [half, other], ZPK, kcvs=[kcv.legacy_kcv(half), kcv.legacy_kcv(other)]),
        "encrypt_pin": lambda: w.hsm.encrypt_pin("1234", pan=PAN, key=w.keys["tdes_zpk"], format=0),
        "check_pin": lambda: w.hsm.check_pin(block, key=w.keys["tdes_zpk"], format=0, pan=PAN, pin="83920174"),
        "export_clear_key": lambda: w.hsm.export_clear_key(w.keys["tdes_zpk"]),
        # the wrapping certificate is public: anyone could wrap a PIN key they chose and translate PINs to it
        "import_rsa_wrapped_key": lambda: w.hsm.import_rsa_wrapped_key("00" * 256, ZPK,
                                                                       import_token="import-token-" + "0" * 32),
        # a payShield console operation: components in clear
        "form_lmk_key": lambda: w.hsm.form_lmk_key([half, other], kcvs=["000000", "000000"], key_type="001",
                                                   usage="P0"),
        # components under the LMK: no clear material, but a caller could relate a new key to old ones
        "form_lmk_key_from_components": lambda: w.hsm.form_lmk_key_from_components(
            ["0" * 32, "1" * 32], key_type="000", usage="K0"),
        # clear PINs in and out of the payShield LMK form
        "lmk_pin_from_clear": lambda: w.hsm.lmk_pin_from_clear("1234", account="401234567890"),
        "clear_pin_from_lmk": lambda: w.hsm.clear_pin_from_lmk("12345", account="401234567890"),
    }


@pytest.mark.parametrize("operation", ["import_clear_key", "import_key_components", "encrypt_pin", "check_pin",
                                       "export_clear_key", "import_rsa_wrapped_key", "form_lmk_key",
                                       "form_lmk_key_from_components", "lmk_pin_from_clear", "clear_pin_from_lmk"])
def test_default_state_refuses_clear_material(world: World, operation: str, caplog: pytest.LogCaptureFixture
                                              ) -> None:
    caplog.set_level(logging.INFO, logger="pinsec.audit")
    before = {h.id for h in world.hsm.list_keys()}
    with pytest.raises(KeyPolicyError) as info:
        _attacks(world)[operation]()  # type: ignore[operator]
    assert info.value.code == "not_authorized" and info.value.field == operation
    assert {h.id for h in world.hsm.list_keys()} == before
    assert any(operation in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_the_authorised_state_is_audited_without_material(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pinsec.audit")
    h = world.rig.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "B", "00", "E"))
    block = world.rig.encrypt_pin("83920174", pan=PAN, key=h, format=0)
    world.rig.check_pin(block, key=h, format=0, pan=PAN, pin="83920174")
    world.rig.export_clear_key(h)
    audit = [r.getMessage() for r in caplog.records if r.name == "pinsec.audit"]
    for op in ("import_clear_key", "encrypt_pin", "check_pin", "export_clear_key"):
        assert any(m.startswith(op) and h.id in m and h.kcv in m for m in audit), op
    blob = "\n".join(audit).upper()
    assert TDES_ZPK.hex().upper() not in blob and "83920174" not in blob and block.hex().upper() not in blob


def test_keys_are_not_exportable_unless_asked(world: World) -> None:
    generated = world.hsm.generate_key(KeyAttributes("P0", "A", "B"))
    assert generated.attributes.exportability.value == "N"
    with pytest.raises(KeyPolicyError) as info:
        world.hsm.export_key_block(generated, kbpk=world.keys["aes_kbpk"])
    assert info.value.code == "not_exportable"
    imported = world.rig.import_clear_key(TDES_ZPK, ZPK)
    assert imported.attributes.exportability.value == "N"


def test_authorized_must_be_exactly_true(world: World) -> None:
    # a truthy string from a config file does not open the Authorised state
    import pinsec

    hsm = pinsec.Hsm(authorized="yes")  # type: ignore[arg-type]
    assert hsm.authorized is False
    with pytest.raises(KeyPolicyError):
        hsm.import_clear_key(TDES_ZPK, ZPK)


def test_cli_import_needs_authorized(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINSEC_LMK", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")
    store = tmp_path / "keys.json"
    argv = ["--json", "key", "import", "--keystore", str(store), "--usage", "P0", "--algorithm", "T", "--mode", "B",
            "--component", TDES_ZPK.hex()]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "not_authorized" in err and err.count("\n") == 1 and TDES_ZPK.hex().upper() not in err.upper()
    assert main([*argv, "--authorized"]) == 0
    assert json.loads(capsys.readouterr().out)["exportability"] == "N"



@pytest.mark.parametrize("operation", ["import_clear_key", "import_key_components", "encrypt_pin", "check_pin",
                                       "export_clear_key", "form_lmk_key", "lmk_pin_from_clear",
                                       "clear_pin_from_lmk"])
def test_leaving_the_authorised_state_is_for_good(world: World, operation: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    # the rig is authorised; once it leaves (payShield's RA), it is as closed as a default-state Hsm
    caplog.set_level(logging.INFO, logger="pinsec.audit")
    rig = World(world.backend, world.rig, world.rig, world.keys, world.clear)

    def left() -> int:
        return [r.getMessage() for r in caplog.records].count("left the Authorised state")

    world.hsm.leave_authorized_state()  # a default-state Hsm has nothing to leave: no record
    assert left() == 0
    world.rig.leave_authorized_state()
    assert left() == 1  # recorded when it happens
    world.rig.leave_authorized_state()
    assert world.rig.authorized is False
    with pytest.raises(KeyPolicyError) as info:
        _attacks(rig)[operation]()  # type: ignore[operator]
    assert info.value.code == "not_authorized"
    assert [r.getMessage() for r in caplog.records].count("left the Authorised state") == 1
    with pytest.raises(AttributeError):
        world.rig.authorized = True  # type: ignore[misc]
