"""EMV issuer cryptography with clear keys: the card's master key, session keys, application cryptograms
(ARQC, TC, AAC) and ARPC method 1, as EMV 4.4 Book 2 Annex A1 and section 8.2 define them for TDES.

* :func:`pan_block` (Annex A1.4.1, option A): the rightmost 16 digits of PAN || PAN sequence number
  (``00`` when the card has none), zeros on the left when shorter, as 8 bytes of BCD; or option B's block
  (A1.4.2) for PANs of more than 16 digits. The payShield KQ command takes this block ready-made
  ("pre-formatted PAN/PAN sequence number").
* :func:`derive_icc_master_key` (A1.4.1): the issuer master key enciphers the block and its complement;
  the two halves, with odd parity, are the card's master key MK.
* :func:`derive_session_key` (A1.3.1, the common session key derivation): the key enciphers the
  diversification value R with its third byte set to F0 (left half) and 0F (right half). R is
  ATC || 00 00 00 00 00 00 for the common session key of EMV CSK cards, and ATC || 00 00 || UN for
  MasterCard's session key derivation of M/Chip 2 cards (the KQ command's scheme 1).
* :func:`application_cryptogram` (A1.2.1): ISO/IEC 9797-1 MAC algorithm 3 with DES, the data padded with
  zeros to whole blocks (nothing added to whole blocks: the issuer's host adds a scheme's 80 pad, as the
  KQ command expects).
* :func:`arpc_method_1` (8.2.1): TDES of ARQC XOR (ARC || 00 ... 00).

These functions hold keys in clear: for the host side of a test rig or a card personalisation check.
Through an :class:`~pinsec.Hsm` the issuer master key stays inside (:meth:`~pinsec.Hsm.verify_arqc`).

>>> imk = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
>>> mk = derive_icc_master_key(imk, pan_block("12345678901234567", "01"))
>>> mk.hex().upper()
'73AD54688CEF2934B0979857E3C719F1'
"""

from __future__ import annotations

import hashlib

from . import _crypto, mac
from ._hex import sized_bytes
from .errors import DataError, InvalidKeyError

__all__ = [
    "application_cryptogram",
    "arpc_method_1",
    "common_session_data",
    "derive_icc_master_key",
    "derive_session_key",
    "mastercard_session_data",
    "pan_block",
]


def _double_length(key: object, field: str) -> bytes:
    if not isinstance(key, (bytes, bytearray)) or len(key) != 16:
        raise InvalidKeyError(f"{field} is a double-length TDES key (16 bytes)", field=field)
    return bytes(key)


def pan_block(pan: str, psn: str = "00", *, option: str = "A") -> bytes:
    """The 8-byte block the card's master key is derived from (EMV Book 2 A1.4).

    Option A: the rightmost 16 digits of ``pan`` || ``psn``, zero-padded on the left, as BCD. Option B
    (A1.4.2, for PANs of more than 16 digits; shorter ones take option A's block): SHA-1 of PAN || PSN (BCD,
    a zero in front if the count is odd), then the first 16 decimal digits of the hash's hex, made up to 16
    with its letters read as digits (a to f: 0 to 5), in order.

    >>> pan_block("5413330089600010", "01").hex()
    '1333008960001001'
    >>> pan_block("5413330089600010", "01", option="B") == pan_block("5413330089600010", "01")
    True
    """
    if not isinstance(pan, str) or not pan.isascii() or not pan.isdigit() or not 12 <= len(pan) <= 19:
        raise DataError("the PAN is 12 to 19 decimal digits", field="pan")
    if not isinstance(psn, str) or not psn.isascii() or not psn.isdigit() or len(psn) != 2:
        raise DataError("the PAN sequence number is 2 decimal digits", field="psn")
    if option not in ("A", "B"):
        raise DataError("the master key derivation option is A or B", field="option")
    if option == "A" or len(pan) <= 16:
        return bytes.fromhex((pan + psn)[-16:].zfill(16))
    digits = pan + psn
    digest = hashlib.sha1(bytes.fromhex(digits.zfill(len(digits) + len(digits) % 2))).hexdigest()  # noqa: S324
    decimal = [d for d in digest if d.isdigit()]
    letters = [str("abcdef".index(d)) for d in digest if not d.isdigit()]
    return bytes.fromhex("".join((decimal + letters)[:16]))


def derive_icc_master_key(issuer_master_key: bytes, pan_psn: bytes) -> bytes:
    """The card's master key from the issuer's (16 bytes) and :func:`pan_block` (EMV Book 2 A1.4.1)."""
    imk = _double_length(issuer_master_key, "issuer_master_key")
    y = sized_bytes(pan_psn, 8, field="pan_block")
    return _crypto.adjust_parity(_crypto.tdes_ecb_encrypt(imk, y + _crypto.xor(y, b"\xff" * 8)))


def common_session_data(atc: bytes) -> bytes:
    """R for EMV's common session key of application cryptograms: ATC || six zero bytes.

    >>> common_session_data(bytes.fromhex("001C")).hex()
    '001c000000000000'
    """
    return sized_bytes(atc, 2, field="atc") + bytes(6)


def mastercard_session_data(atc: bytes, unpredictable_number: bytes) -> bytes:
    """R for MasterCard's session key derivation (M/Chip 2): ATC || 00 00 || UN.

    >>> mastercard_session_data(bytes.fromhex("0001"), bytes.fromhex("12345678")).hex()
    '0001000012345678'
    """
    counter = sized_bytes(atc, 2, field="atc")
    return counter + bytes(2) + sized_bytes(unpredictable_number, 4, field="unpredictable_number")


def derive_session_key(icc_master_key: bytes, r: bytes) -> bytes:
    """EMV's common session key derivation (A1.3.1) from the card's master key and the 8-byte ``r``."""
    mk = _double_length(icc_master_key, "icc_master_key")
    data = bytearray(sized_bytes(r, 8, field="r") * 2)
    data[2], data[10] = 0xF0, 0x0F
    return _crypto.adjust_parity(_crypto.tdes_ecb_encrypt(mk, bytes(data)))


def application_cryptogram(key: bytes, data: bytes) -> bytes:
    """The 8-byte application cryptogram (ARQC, TC or AAC) of ``data`` (1 to 255 bytes, zero-padded to
    whole blocks) under a session key or, for cards that use none (Visa CVN 10), the card's master key."""
    key = _double_length(key, "key")
    if not isinstance(data, (bytes, bytearray)) or not 1 <= len(data) <= 255:
        raise DataError("transaction data is 1 to 255 bytes", field="data")
    return mac.retail_mac(key, bytes(data), padding=1)


def arpc_method_1(key: bytes, arqc: bytes, arc: bytes) -> bytes:
    """EMV ARPC method 1 (Book 2 8.2.1): TDES under ``key`` of ARQC XOR (ARC || six zero bytes)."""
    key = _double_length(key, "key")
    block = _crypto.xor(sized_bytes(arqc, 8, field="arqc"), sized_bytes(arc, 2, field="arc") + bytes(6))
    return _crypto.tdes_ecb_encrypt(key, block)
