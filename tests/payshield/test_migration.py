"""BW and BG: keys and PINs from the old LMK (key change storage) to the new, through a real socket.

Both LMKs are random secret sets made here (the public test set takes no part in a migration: from it a
"cryptogram" is a key the caller chose, into it a secret would come out as good as clear). Keys and PINs are
put under the old LMK and read back under the new one with pinsec's variant LMK module, whose cryptograms and
PIN form tests/payshield/test_known_answers.py and test_variant_lmk_tables.py check against ThalesSim's."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from pinsec import kcv
from pinsec.backends import SoftwareBackend
from pinsec.errors import KeyPolicyError
from pinsec.payshield import PayShieldServer, RunningServer, make_hsm, running
from pinsec.variant_lmk import VariantLmk, unwrap_under, wrap_under

from .client import Client

OLD = VariantLmk([secrets.token_bytes(16) for _ in range(20)])
NEW = VariantLmk([secrets.token_bytes(16) for _ in range(20)])
ZPK = bytes.fromhex("C7152C20BC2C830EA7EC9E8334ABE3FE")  # odd parity, as every key under an LMK
PVK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
CVK = PVK
ACCOUNT = "550000025321"


@pytest.fixture(scope="module")
def migrating() -> Iterator[RunningServer]:
    with running(PayShieldServer(make_hsm(NEW, old_variant_lmk=OLD))) as at:
        yield at


@pytest.fixture
def client(migrating: RunningServer) -> Iterator[Client]:
    with Client((migrating.host, migrating.port)) as c:
        yield c


@pytest.mark.parametrize(("code", "key_type", "clear", "scheme"), [
    ("01", "001", ZPK, "U"), ("02", "002", PVK, "X"), ("FF", "402", CVK, "U"), ("FF", "001", ZPK, "X"),
])
def test_bw_gives_the_key_under_the_new_lmk(client: Client, code: str, key_type: str, clear: bytes,
                                            scheme: str) -> None:
    under_old = wrap_under(OLD.kek(key_type), clear, scheme)
    tail = f";{key_type}" if code == "FF" else ""
    reply = client.call(f"BW{code}1{under_old}{tail}")
    assert reply[:2] == ("BX", "00")
    assert reply[2] == wrap_under(NEW.kek(key_type), clear, scheme)  # same scheme as it came
    assert unwrap_under(NEW.kek(key_type), reply[2]) == (scheme, clear)


def test_bw_takes_a_triple_length_key(client: Client) -> None:
    key = ZPK + PVK[:8]
    under_old = wrap_under(OLD.kek("001"), key, "T")
    assert client.call(f"BW012{under_old}") == ("BX", "00", wrap_under(NEW.kek("001"), key, "T"))
    assert client.call(f"BW011{under_old}")[1] == "05"  # the flag says double


def test_bg_gives_the_trailer_back(client: Client) -> None:
    under_old = OLD.encrypt_pin(bytearray(b"4321"), ACCOUNT)
    code, err, out = client.call(f"BG{ACCOUNT}{under_old}%00\x19tr")
    assert (code, err) == ("BH", "00") and out.endswith("\x19tr")
    assert NEW.decrypt_pin(out[:-3], ACCOUNT) == bytearray(b"4321")


def test_bw_changes_the_scheme_when_asked(client: Client) -> None:
    under_old = wrap_under(OLD.kek("001"), ZPK, "X")
    assert client.call(f"BW011{under_old};0U0") == ("BX", "00", wrap_under(NEW.kek("001"), ZPK, "U"))
    plain = under_old[1:]  # 32 H without a scheme letter goes back the same way
    assert client.call(f"BW011{plain}") == ("BX", "00", wrap_under(NEW.kek("001"), ZPK, "X")[1:])


def test_bg_gives_the_pin_under_the_new_lmk(client: Client) -> None:
    under_old = OLD.encrypt_pin(bytearray(b"4321"), ACCOUNT)
    code, err, out = client.call(f"BG{ACCOUNT}{under_old}")
    assert (code, err) == ("BH", "00")
    assert NEW.decrypt_pin(out, ACCOUNT) == bytearray(b"4321") and out != under_old


@pytest.mark.parametrize(("command", "error"), [
    ("BW013" + wrap_under(OLD.kek("001"), ZPK, "U"), "05"),                    # bad length flag
    ("BW010Z" + wrap_under(OLD.kek("001"), ZPK[:8], "Z"), "27"),               # single length (PCI)
    ("BW010" + wrap_under(OLD.kek("001"), ZPK, "U"), "27"),                    # flag 0, whatever the key
    ("BWFF1" + wrap_under(OLD.kek("001"), ZPK, "U") + "001", "15"),           # FF: the key type after a ;
    ("BW011" + wrap_under(OLD.kek("001"), ZPK, "U") + "7", "15"),             # data after the last field
    ("BW011Z" + wrap_under(OLD.kek("001"), ZPK[:8], "Z"), "27"),               # a Z key, whatever the flag
    ("BW012" + wrap_under(OLD.kek("001"), ZPK, "U"), "05"),                    # flag says triple
    ("BW0G1" + wrap_under(OLD.kek("001"), ZPK, "U"), "04"),                    # unknown key type code
    ("BWFF1" + wrap_under(OLD.kek("001"), ZPK, "U"), "15"),                    # FF without ; key type
    ("BW011" + wrap_under(NEW.kek("001"), ZPK, "U"), "10"),                    # already under the new LMK
    ("BW021" + wrap_under(OLD.kek("001"), ZPK, "U"), "10"),                    # under another key type
    ("BW011" + wrap_under(OLD.kek("001"), ZPK, "U") + ";1U0", "15"),           # reserved not 0
    ("BW011" + wrap_under(OLD.kek("001"), ZPK, "U") + ";0T0", "26"),           # a 16-byte key in scheme T
    ("BG" + ACCOUNT + "ABCDE", "14"),                                          # not a PIN under an LMK
    ("BG" + ACCOUNT + "12", "14"),                                             # too short to be one
    ("BG55000002532", "15"),                                                   # short account
])
def test_refusals(client: Client, command: str, error: str) -> None:
    assert client.call(command)[1] == error


def test_without_key_change_storage_bw_and_bg_are_13() -> None:
    with running(PayShieldServer(make_hsm(NEW))) as at, Client((at.host, at.port)) as c:
        assert c.call("BW011" + wrap_under(OLD.kek("001"), ZPK, "U"))[1] == "13"
        assert c.call(f"BG{ACCOUNT}{OLD.encrypt_pin(bytearray(b'4321'), ACCOUNT)}")[1] == "13"


def test_bs_erases_key_change_storage_for_every_connection() -> None:
    # BS as github:softwaregroup-bg/ut-codec-payshield (test/config/test.js, eraseKeyChangeStorage) sends it:
    # the command code alone, answered BT00
    key = "BW011" + wrap_under(OLD.kek("001"), ZPK, "U")
    pin = f"BG{ACCOUNT}{OLD.encrypt_pin(bytearray(b'4321'), ACCOUNT)}"
    with running(PayShieldServer(make_hsm(NEW, old_variant_lmk=OLD))) as at, \
            Client((at.host, at.port)) as c, Client((at.host, at.port)) as other:
        assert c.call(key)[1] == other.call(pin)[1] == "00"
        assert c.call("BSx") == ("BT", "15", "")  # BS has no fields
        assert c.call(key)[1] == "00"
        assert c.call("BS") == ("BT", "00", "")
        assert (other.call(key)[1], other.call(pin)[1], c.call(pin)[1]) == ("13", "13", "13")
        assert other.call("BS") == ("BT", "00", "")  # nothing left to erase: still 00


@pytest.mark.parametrize(("new", "old"), [(NEW, VariantLmk.test()), (VariantLmk.test(), OLD)])
def test_the_public_test_lmk_takes_no_part_in_a_migration(new: VariantLmk, old: VariantLmk) -> None:
    with pytest.raises(KeyPolicyError) as raised:
        SoftwareBackend(variant_lmk=new, old_variant_lmk=old)
    assert raised.value.code == "test_lmk_migration"


def test_a_migrated_key_works_under_the_new_lmk(client: Client) -> None:
    reply = client.call(f"BW011{wrap_under(OLD.kek('001'), ZPK, 'U')}")
    assert client.call(f"BU011{reply[2]}") == ("BV", "00", kcv.legacy_kcv(ZPK, length=8)[:16])
