"""Key block wrap and unwrap for versions A, B, C, D (TR-31 / ANSI X9.143) and E (ISO 20038).

========  ==========  =======================================  =====================================
version   KBPK        binding                                  encryption
========  ==========  =======================================  =====================================
A, C      TDES        variants (KBPK ^ 45.., KBPK ^ 4D..);     TDES-CBC, IV = header's first 8 bytes;
                      MAC = TDES CBC-MAC of header || cipher-  MAC 4 bytes
                      text
B         TDES        SP 800-108 CMAC KDF; MAC = TDES-CMAC of  TDES-CBC, IV = MAC; MAC 8 bytes
                      header || clear key data
D         AES         the same with AES-CMAC                   AES-CBC, IV = MAC; MAC 16 bytes
E         AES         the same, encryption key usage 0002      AES-CTR, counter block = MAC; no padding
========  ==========  =======================================  =====================================

Clear key data is a 2-byte key length in bits, the key, and random padding; with X9.143 key length
obfuscation the padding covers ``masked_key_length`` (by default the longest key of the algorithm, 24
bytes for TDES and 32 for AES), so the block's length does not tell the key's.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Final

from .. import _crypto, kcv
from .._hex import parse_hex
from ..errors import InvalidKeyError, KeyBlockHeaderError, KeyPolicyError, VerificationError
from .header import Header
from .optional_blocks import KNOWN_BLOCKS, OptionalBlock

__all__ = ["unwrap", "wrap"]

Rng = Callable[[int], bytes]

_MAC_LEN: Final = {"A": 4, "B": 8, "C": 4, "D": 16, "E": 16}
_DEFAULT_MASK: Final = {"T": 24, "A": 32, "D": 8}
_KEY_LENGTHS: Final = {"T": (8, 16, 24), "A": (16, 24, 32), "D": (8,)}


def _kbpk(kbpk: bytes | str, version: str) -> bytes:
    raw = parse_hex(kbpk, field="KBPK", error=InvalidKeyError) if isinstance(kbpk, str) else bytes(kbpk)
    if version in "ABC":
        if len(raw) not in (16, 24):
            raise KeyPolicyError(f"version {version} key blocks need a TDES KBPK of 16 or 24 bytes, "
                                 f"not {len(raw)} bytes", code="wrong_kbpk", field="kbpk")
    elif len(raw) not in (16, 24, 32):
        raise KeyPolicyError(f"version {version} key blocks need an AES KBPK of 16, 24 or 32 bytes, "
                             f"not {len(raw)} bytes", code="wrong_kbpk", field="kbpk")
    return raw


def _derive(kbpk: bytes, version: str, usage: int) -> bytes:
    """SP 800-108 counter-mode KDF with CMAC: counter || usage || 00 || algorithm || length (TR-31 5.3.2)."""
    n = len(kbpk)
    if version == "B":
        algorithm, prf = (0x0000 if n == 16 else 0x0001), _crypto.tdes_cmac
    else:
        algorithm, prf = {16: 0x0002, 24: 0x0003, 32: 0x0004}[n], _crypto.aes_cmac
    out = b""
    counter = 1
    while len(out) < n:
        data = bytes([counter]) + usage.to_bytes(2, "big") + b"\x00" + algorithm.to_bytes(2, "big") + (
            (n * 8).to_bytes(2, "big"))
        out += prf(kbpk, data)
        counter += 1
    return out[:n]


def _keys(kbpk: bytes, version: str) -> tuple[bytes, bytes]:
    if version in "AC":
        return bytes(b ^ 0x45 for b in kbpk), bytes(b ^ 0x4D for b in kbpk)
    return _derive(kbpk, version, 0x0002 if version == "E" else 0x0000), _derive(kbpk, version, 0x0001)


def _mac(version: str, kbak: bytes, data: bytes) -> bytes:
    if version in "AC":
        return _crypto.tdes_cbc_encrypt(kbak, bytes(8), data)[-8:][:4]
    if version == "B":
        return _crypto.tdes_cmac(kbak, data)
    return _crypto.aes_cmac(kbak, data)


def _crypt(version: str, kbek: bytes, iv: bytes, data: bytes, *, decrypt: bool) -> bytes:
    """The version's encryption: TDES-CBC (A, B, C), AES-CBC (D) or AES-CTR (E, which is its own inverse)."""
    if version in "ABC":
        return (_crypto.tdes_cbc_decrypt if decrypt else _crypto.tdes_cbc_encrypt)(kbek, iv, data)
    if version == "D":
        return (_crypto.aes_cbc_decrypt if decrypt else _crypto.aes_cbc_encrypt)(kbek, iv, data)
    return _crypto.aes_ctr(kbek, iv, data)


def wrap(
    kbpk: bytes | str,
    key: bytes,
    header: Header | str,
    *,
    masked_key_length: int | None = None,
    rng: Rng | None = None,
    lenient: bool = False,
    key_check: kcv.Method | None = None,
    kbpk_check: kcv.Method | None = None,
) -> str:
    """Wrap ``key`` under ``kbpk`` as a key block with ``header`` (a :class:`Header` or its text; the length
    field may be ``0000``, it is computed). ``rng`` supplies the padding bytes (default :mod:`secrets`).
    ``key_check`` / ``kbpk_check`` add a KC / KP optional block with the key's / KBPK's check value
    (``"legacy"``: 3 bytes, version 00; ``"cmac"``: 5 bytes, version 01).

    Wrapping then unwrapping gives the key back (the padding is random, so blocks differ each time):

    >>> kbpk = bytes.fromhex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6")
    >>> block = wrap(kbpk, bytes.fromhex("3F419E1CB7079442AA37474C2EFBF8B8"), "D0000P0AE00E0000")
    >>> block[:16], len(block)
    ('D0144P0AE00E0000', 144)
    >>> unwrap(kbpk, block)[1].hex().upper()
    '3F419E1CB7079442AA37474C2EFBF8B8'
    """
    h = Header.from_any(header, lenient=lenient)
    version = h.version
    raw_kbpk = _kbpk(kbpk, version)
    if not isinstance(key, (bytes, bytearray)) or not key:
        raise InvalidKeyError("the key to wrap must be non-empty bytes", field="key")
    key = bytes(key)
    allowed = _KEY_LENGTHS.get(h.algorithm.value)
    if allowed is not None and len(key) not in allowed and not lenient:
        raise InvalidKeyError(f"a key of algorithm {h.algorithm.value} cannot be {len(key)} bytes", field="key")
    checks = [OptionalBlock(bid, ("00" if m == "legacy" else "01") + kcv.kcv(material, algorithm=alg, method=m))
              for bid, m, material, alg in (("KC", key_check, key, h.algorithm.value),
                                            ("KP", kbpk_check, raw_kbpk, "T" if version in "ABC" else "A"))
              if m is not None]
    if checks:
        h = h.with_blocks(*checks)
    mask = _DEFAULT_MASK.get(h.algorithm.value, len(key)) if masked_key_length is None else masked_key_length
    if mask < 0 or mask > 4096:
        raise KeyBlockHeaderError("masked_key_length is out of range", field="masked_key_length")
    clear_len = 2 + max(mask, len(key))
    if version != "E":
        clear_len += -clear_len % h.block_size
    pad = (rng or secrets.token_bytes)(clear_len - 2 - len(key))
    if len(pad) != clear_len - 2 - len(key):
        raise KeyBlockHeaderError("rng returned the wrong number of padding bytes", field="rng")
    payload = (len(key) * 8).to_bytes(2, "big") + key + bytes(pad)
    kbek, kbak = _keys(raw_kbpk, version)
    mac_len = _MAC_LEN[version]
    probe = h.text(0)
    total = len(probe) + 2 * clear_len + 2 * mac_len
    text = h.text(total).encode("ascii")
    if version in "AC":  # variant binding: the IV is the header, the MAC covers the ciphertext
        cipher = _crypt(version, kbek, text[:8], payload, decrypt=False)
        tag = _mac(version, kbak, text + cipher)
    else:  # derivation binding: the MAC covers the clear key data and is the IV
        tag = _mac(version, kbak, text + payload)
        cipher = _crypt(version, kbek, tag, payload, decrypt=False)
    return text.decode("ascii") + cipher.hex().upper() + tag.hex().upper()


def unwrap(kbpk: bytes | str, key_block: str, *, lenient: bool = False) -> tuple[Header, bytes]:
    """Authenticate and decrypt a key block; return its header and the key.

    Nothing is returned unless the MAC verifies (compared in constant time); a KC or KP optional block
    must match the key's or the KBPK's check value. TR-31:2018 A.7.4:

    >>> kbpk = bytes.fromhex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6")
    >>> h, key = unwrap(kbpk, "D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417"
    ...                       "C07156A27E8E31DA05F7425509593D03A457DC34")
    >>> h.key_usage.value, key.hex().upper()
    ('P0', '3F419E1CB7079442AA37474C2EFBF8B8')
    """
    h = Header.parse(key_block, lenient=lenient)
    version = h.version
    if h.length != len(key_block):
        raise KeyBlockHeaderError(f"block length field says {h.length} characters but the block has "
                                  f"{len(key_block)}", code="length_mismatch", field="length")
    raw_kbpk = _kbpk(kbpk, version)
    head_len = h.header_length
    mac_len = _MAC_LEN[version]
    body = key_block[head_len : len(key_block) - 2 * mac_len]
    tag_hex = key_block[len(key_block) - 2 * mac_len :]
    try:
        cipher, tag = bytes.fromhex(body), bytes.fromhex(tag_hex)
    except ValueError:
        raise KeyBlockHeaderError("encrypted key data or MAC is not hex", code="bad_hex", field="key_data") from None
    if body != body.upper() or tag_hex != tag_hex.upper():
        raise KeyBlockHeaderError("encrypted key data and MAC must be uppercase hex", code="bad_hex",
                                  field="key_data")
    if not cipher or (version != "E" and len(cipher) % h.block_size) or len(cipher) < 2 + 1:
        raise KeyBlockHeaderError(f"encrypted key data is {len(cipher)} bytes, not a whole number of "
                                  f"{h.block_size}-byte blocks", code="bad_key_data", field="key_data")
    text = key_block[:head_len].encode("ascii")
    kbek, kbak = _keys(raw_kbpk, version)
    if version in "AC":
        expected = _mac(version, kbak, text + cipher)
        verified = hmac.compare_digest(expected, tag)
        payload = _crypt(version, kbek, text[:8], cipher, decrypt=True) if verified else b""
    else:
        payload = _crypt(version, kbek, tag, cipher, decrypt=True)
        expected = _mac(version, kbak, text + payload)
    if not hmac.compare_digest(expected, tag):
        raise VerificationError("key block MAC does not verify: wrong KBPK, or the block was altered",
                                code="key_block_mac", field="mac")
    bits = int.from_bytes(payload[:2], "big")
    if bits % 8 or bits == 0 or 2 + bits // 8 > len(payload):
        raise KeyBlockHeaderError("key length field in the key data is invalid", code="bad_key_data",
                                  field="key_length")
    key = payload[2 : 2 + bits // 8]
    allowed = _KEY_LENGTHS.get(h.algorithm.value)
    if allowed is not None and len(key) not in allowed and not lenient:
        raise KeyBlockHeaderError(f"a key of algorithm {h.algorithm.value} cannot be {len(key)} bytes",
                                  code="bad_key_data", field="key_length")
    _check_kcv_blocks(h, key, raw_kbpk, lenient=lenient)
    return h, key


def _check_kcv_blocks(h: Header, key: bytes, kbpk: bytes, *, lenient: bool = False) -> None:
    for block_id, material, algorithm in (("KC", key, h.algorithm.value),
                                          ("KP", kbpk, "T" if h.version in "ABC" else "A")):
        block = h.block(block_id)
        if block is None:
            continue
        if lenient:  # a block lenient parsing read as it is may hold another profile's text: check only ours
            try:
                KNOWN_BLOCKS[block_id](block_id, block.data)
            except KeyBlockHeaderError:
                continue
            if algorithm not in ("T", "A"):
                continue
        method: kcv.Method = "legacy" if block.data[:2] == "00" else "cmac"
        value = block.data[2:]
        actual = kcv.kcv(material, algorithm=algorithm, method=method, length=len(value) // 2)
        if not hmac.compare_digest(actual, value):
            raise VerificationError(f"optional block {block_id}: check value does not match the "
                                    f"{'key' if block_id == 'KC' else 'KBPK'}", code="kcv_mismatch",
                                    field=f"optional_block_{block_id}")
