"""Data encryption: M0 (encrypt) and M2 (decrypt) under a ZEK (key type 00A) or DEK (00B), ECB or CBC, whole
blocks; field errors numbered as the manuals number them (02 mode, 03 input format, 04 output format, 05 key
type, 06 message length)."""

from __future__ import annotations

from ...keys import KeyHandle
from ..fields import CommandError
from ..request import Request
from .registry import command

_MODES = {"00": "ECB", "01": "CBC"}


def _crypt_fields(req: Request) -> tuple[KeyHandle, str, str, bytes, str | None, str]:
    """(key, mode, output format, message, IV, mode flag) of M0 / M2."""
    f = req.fields
    flag = f.text(2, "mode flag")
    mode = _MODES.get(flag)
    if mode is None:  # 02 and 03 (CFB-8, CFB-64) are payShield modes this server does not offer
        raise CommandError("68" if flag in ("02", "03") else "02", "only ECB (00) and CBC (01)")
    input_format, output_format = f.text(1, "input format flag"), f.text(1, "output format flag")
    if input_format not in ("0", "1"):
        raise CommandError("03", "input format flag: 0 (binary) or 1 (hex)")
    if output_format not in ("0", "1"):
        raise CommandError("04", "output format flag: 0 (binary) or 1 (hex)")
    key_type = f.text(3, "key type").upper()
    if key_type not in ("00A", "00B"):
        raise CommandError("05", "key type: a ZEK (00A) or DEK (00B)")
    key = req.key(f.key("data key"), key_type=key_type, usage="D0")
    iv = f.hex(16, "IV") if mode == "CBC" else None
    message = f.message(hex_input=input_format == "1", error="06")
    f.end()
    if not message or len(message) % 8:
        raise CommandError("06", "the message is whole 8-byte blocks")
    return key, mode, output_format, message, iv, flag


def _reply(out: bytes, output_format: str, iv: str | None, last_block: bytes) -> str:
    body = out.hex().upper() if output_format == "1" else out.decode("latin-1")
    chained = "" if iv is None else last_block.hex().upper()  # the IV for a following command
    return chained + f"{len(body):04X}" + body  # the length counts the characters sent, as the request's


@command("M0")
def m0(req: Request) -> str:
    """Mode (00 ECB, 01 CBC), input and output formats, key type (00A ZEK, 00B DEK), key, [IV], length (4 H),
    message.
    [Next IV,] length, ciphertext."""
    key, mode, output_format, message, iv, _ = _crypt_fields(req)
    out = req.hsm.encrypt_data(key, message, mode=mode, iv=iv)
    return _reply(out, output_format, iv, out[-8:])


@command("M2")
def m2(req: Request) -> str:
    """M0's fields with ciphertext. [Next IV,] length, plaintext."""
    key, mode, output_format, message, iv, _ = _crypt_fields(req)
    out = req.hsm.decrypt_data(key, message, mode=mode, iv=iv)
    return _reply(out, output_format, iv, message[-8:])
