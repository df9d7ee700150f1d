"""S keys: key blocks under the key-block LMK (pinsec's TR-31 version D under the AES LMK) in host
commands, next to a secret variant LMK."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinsec import Hsm, KeyAttributes, pinblock
from pinsec.backends.software import adjust_parity
from pinsec.errors import InvalidKeyError
from pinsec.payshield import PayShieldServer, make_hsm, running
from pinsec.variant_lmk import TEST_LMK, VariantLmk, wrap_under

from .client import Client

LMK = bytes.fromhex("00112233445566778899AABBCCDDEEFF0123456789ABCDEFFEDCBA9876543210")
SECRET = VariantLmk([bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")] + [bytes.fromhex(p) for p in TEST_LMK[1:]])
ZPK = adjust_parity(bytes.fromhex("89ABCDEF0123456701234567FEDCBA98"))
TPK = adjust_parity(bytes.fromhex("0123456789ABCDEF1032547698BADCFE"))
ACCOUNT = "550000025321"


def _stored(lmk: bytes, attributes: KeyAttributes, clear: bytes) -> str:
    """A key as a key store under ``lmk`` holds it (what `pinsec key` and stored_key_block give)."""
    store = Hsm(lmk=lmk, authorized=True)
    return "S" + store.stored_key_block(store.import_clear_key(clear, attributes))


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> object:
    path = tmp_path_factory.mktemp("lmk") / "lmk.hex"
    path.write_text(LMK.hex() + "\n")
    path.chmod(0o600)
    # psec's IBM 3624 vectors use the table 1234567890123456, approved here beside the standard one
    tables = ("0123456789012345", "1234567890123456")
    with running(PayShieldServer(make_hsm(SECRET, lmk_file=path, decimalization_tables=tables))) as at:
        yield at


def test_an_s_key_serves_as_the_zpk(address: object) -> None:
    tpk = wrap_under(SECRET.kek("002"), TPK, "U")
    zpk = _stored(LMK, KeyAttributes("P0", "T", "B"), ZPK)
    block = pinblock.encipher(TPK, "1234", ACCOUNT + "0").hex().upper()
    with Client((address.host, address.port)) as c:  # type: ignore[attr-defined]
        rc, err, out = c.call(f"CA{tpk}{zpk}12{block}0101{ACCOUNT}")
    assert (rc, err, out[:2], out[-2:]) == ("CB", "00", "04", "01")
    assert pinblock.decipher(ZPK, out[2:18], ACCOUNT + "0") == "1234"


def test_an_s_key_keeps_its_own_attributes_and_lmk(address: object) -> None:
    tpk = wrap_under(SECRET.kek("002"), TPK, "U")
    block = pinblock.encipher(TPK, "1234", ACCOUNT + "0").hex().upper()
    encrypt_only = _stored(LMK, KeyAttributes("P0", "T", "E"), ZPK)  # may encrypt, so may receive: fine
    mac_key = _stored(LMK, KeyAttributes("M3", "T", "C"), ZPK)        # not a PIN key
    other_lmk = _stored(bytes(range(32)), KeyAttributes("P0", "T", "B"), ZPK)
    with Client((address.host, address.port)) as c:  # type: ignore[attr-defined]
        assert c.call(f"CA{tpk}{encrypt_only}12{block}0101{ACCOUNT}")[1] == "00"
        assert c.call(f"CA{tpk}{mac_key}12{block}0101{ACCOUNT}")[1] == "29"
        assert c.call(f"CA{tpk}{other_lmk}12{block}0101{ACCOUNT}")[1] == "11"  # its MAC fails: as a bad parity
        assert c.call(f"CA{tpk}S{'D0112'}12{block}0101{ACCOUNT}")[1] == "15"  # a truncated key block


def test_without_a_key_block_lmk_an_s_key_is_error_12() -> None:
    zpk = _stored(LMK, KeyAttributes("P0", "T", "B"), ZPK)
    tpk = wrap_under(SECRET.kek("002"), TPK, "U")
    block = pinblock.encipher(TPK, "1234", ACCOUNT + "0").hex().upper()
    with running(PayShieldServer(make_hsm(SECRET))) as at, Client((at.host, at.port)) as c:
        assert c.call(f"CA{tpk}{zpk}12{block}0101{ACCOUNT}")[1] == "12"


def test_the_lmk_file_must_be_private(tmp_path: Path) -> None:
    path = tmp_path / "lmk.hex"
    path.write_text(LMK.hex())
    path.chmod(0o644)
    with pytest.raises(InvalidKeyError) as info:
        make_hsm(SECRET, lmk_file=path)
    assert info.value.code == "lmk_file_permissions"


def test_a0_makes_an_s_key_that_serves_as_the_zpk(address: object) -> None:
    tpk = wrap_under(SECRET.kek("002"), TPK, "U")
    block = pinblock.encipher(TPK, "1234", ACCOUNT + "0").hex().upper()
    with Client((address.host, address.port)) as c:  # type: ignore[attr-defined]
        rc, err, out = c.call("A00FFFS#P0T2B00E00")
        assert (rc, err, out[0], out[1]) == ("A1", "00", "S", "D")  # a version D key block under the AES LMK
        zpk, kcv = out[:-6], out[-6:]
        assert zpk[6:13] == "P0TB00E"  # the header carries what was asked
        rc, err, translated = c.call(f"CA{tpk}{zpk}12{block}0101{ACCOUNT}")
        assert (rc, err) == ("CB", "00")
        # the block under the S key holds the PIN: back under the (secret) variant LMK it is 1234's form
        assert c.call(f"JE{zpk}{translated[2:18]}01{ACCOUNT}") == ("JF", "00", SECRET.encrypt_pin(bytearray(b"1234"),
                                                                                                 ACCOUNT))
        assert c.call("A00FFFS#P0X9B00E00")[1] == "15"  # no such algorithm
        assert c.call("A01FFFS#P0T2B00E00")[1] == "15"  # mode 1 under the key-block LMK: not taken
    assert len(kcv) == 6 and translated[:2] == "04"


def test_key_type_fff_takes_a_key_block_in_the_data_and_mac_commands(address: object) -> None:
    # key type FFF with an S key, as github:softwaregroup-bg/ut-codec-payshield sends M0, M2, M6 and M8 under a
    # key-block LMK (test/config/test.js: encryptDataBlockEncode set 2, generateMacEncode set 2); the values are
    # published ones: NIST SP 800-67's TDES ECB (tests/test_data_ops.py) and X9.19 / psec's retail MAC
    # (vectors/mac.json)
    import json

    from ..test_data_ops import FOX, FOX_ECB, TDES3

    x = next(v for v in json.loads((Path(__file__).resolve().parents[2] / "vectors/mac.json").read_text())["vectors"]
             if v["id"] == "x919-A4-counter1-request")
    dek = _stored(LMK, KeyAttributes("D0", "T", "B"), bytes.fromhex(TDES3))
    mac3 = _stored(LMK, KeyAttributes("M3", "T", "C"), bytes.fromhex(x["key"]))
    mac1 = _stored(LMK, KeyAttributes("M1", "T", "C"), bytes.fromhex(x["key"]))
    n = f"{len(x['data']):04X}"
    with Client((address.host, address.port)) as c:  # type: ignore[attr-defined]
        assert c.call(f"M00011FFF{dek}0030{FOX}") == ("M1", "00", "0030" + FOX_ECB)
        assert c.call(f"M20011FFF{dek}0030{FOX_ECB}") == ("M3", "00", "0030" + FOX.upper())
        assert c.call(f"M601131FFF{mac3}{n}{x['data']}") == ("M7", "00", x["expected"]["mac"])
        assert c.call(f"M801131FFF{mac3}{n}{x['data']}{x['expected']['mac']}") == ("M9", "00", "")
        assert c.call(f"M601131FFF{mac1}{n}{x['data']}")[1] == "04"   # an M1 key block asked for algorithm 3
        assert c.call(f"M601131FFF{wrap_under(SECRET.kek('008'), bytes.fromhex(x['key']), 'U')}{n}{x['data']}"
                      )[1] == "05"                                       # FFF needs a key block
        assert c.call(f"M00011FFF{mac3}0030{FOX}")[1] == "29"            # a MAC key block is no data key


def test_key_type_fff_takes_a_key_block_in_the_pin_commands_that_name_a_key_type(address: object) -> None:
    # FW and BK with key type FFF and S keys, as the codec above sends them (generatePvvEncode set 2,
    # generateOffsetIbmEncode set 2), against psec's published Visa PVV and IBM 3624 vectors
    # (vectors/pin_verification.json: visa-pvv-1, ibm3624-1-offset)
    pvk = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    zpk = _stored(LMK, KeyAttributes("P0", "T", "B"), ZPK)
    pvk_v2 = _stored(LMK, KeyAttributes("V2", "T", "C"), pvk)
    pvk_v1 = _stored(LMK, KeyAttributes("V1", "T", "C"), pvk)
    pvv_account, ibm_account = "233445566778", "000000067788"
    pvv_block = pinblock.encipher(ZPK, "4524", pvv_account + "0").hex().upper()
    ibm_block = pinblock.encipher(ZPK, "5635", ibm_account + "0").hex().upper()
    with Client((address.host, address.port)) as c:  # type: ignore[attr-defined]
        assert c.call(f"FWFFF{zpk}{pvk_v2}{pvv_block}01{pvv_account}1") == ("FX", "00", "8523")
        assert c.call(f"BKFFF{zpk}{pvk_v1}{ibm_block}0104{ibm_account}123456789012345611223344556N") == (
            "BL", "00", "1111FFFFFFFF")
        plain_zpk = wrap_under(SECRET.kek("001"), ZPK, "U")
        assert c.call(f"FWFFF{plain_zpk}{pvk_v2}{pvv_block}01{pvv_account}1")[1] == "04"  # FFF needs a key block


def test_a0_takes_the_lmk_identifier_before_the_key_block_fields(address: object) -> None:
    # the production codec's A0 (generateKeyEncode set 2): mode 0, FFF, S, then %01 before # and the header
    # fields; the key block it answers with serves as what its header says
    with Client((address.host, address.port)) as c:  # type: ignore[attr-defined]
        rc, err, out = c.call("A00FFFS%01#K0T2B00E00")
        assert (rc, err, out[0], out[6:10]) == ("A1", "00", "S", "K0TB")  # a TR-31 header: K0, TDES, mode B
        assert c.call("A00FFFS%02#K0T2B00E00")[1] == "15"
        assert c.call("A00FFFS#K0T2B00E00%01")[1] == "00"  # or at the end, as for every other command


def test_a_key_block_of_more_than_999_characters_is_read_whole(address: object) -> None:
    # four optional blocks of 244 characters make a 1088-character block: its length field's first digit is
    # not 0, so a reader that skipped it would take 88 characters
    from pinsec import tr31

    blocks = "".join(name + f"{4 + 240:02X}" + "x" * 240 for name in ("CT", "LB", "FL", "AL"))
    zpk = "S" + tr31.wrap(LMK, ZPK, "D0000P0TB00E0400" + blocks)
    assert len(zpk) == 1089
    tpk = wrap_under(SECRET.kek("002"), TPK, "U")
    block = pinblock.encipher(TPK, "1234", ACCOUNT + "0").hex().upper()
    with Client((address.host, address.port)) as c:  # type: ignore[attr-defined]
        rc, err, out = c.call(f"CA{tpk}{zpk}12{block}0101{ACCOUNT}")
    assert (rc, err) == ("CB", "00") and pinblock.decipher(ZPK, out[2:18], ACCOUNT + "0") == "1234"
