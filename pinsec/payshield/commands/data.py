"""Data encryption: M0 (encrypt) and M2 (decrypt) under a ZEK (key type 00A) or DEK (00B), ECB or CBC, whole
blocks; field errors numbered as the manuals number them (02 mode, 03 input format, 04 output format, 05 key
type, 06 message length). M4 (translate from one data key to another), ECB on both sides; its field errors
are numbered as M0's."""

from __future__ import annotations

from ...keys import KeyHandle
from ..fields import CommandError, Fields
from ..request import Request
from .key_fields import typed_key
from .registry import command

_MODES = {"00": "ECB", "01": "CBC"}


def _mode(flag: str, modes: dict[str, str]) -> str:
    mode = modes.get(flag)
    if mode is None:  # 02 and 03 (CFB-8, CFB-64) are payShield modes this server does not offer
        raise CommandError("68" if flag in ("01", "02", "03") else "02", f"mode flag: {' or '.join(modes)}")
    return mode


def _formats(f: Fields) -> tuple[str, str]:
    """Input and output format flags: 0 binary, 1 hex-encoded binary, 2 text (its characters are the bytes,
    as binary's are)."""
    input_format, output_format = f.text(1, "input format flag"), f.text(1, "output format flag")
    if input_format not in ("0", "1", "2"):
        raise CommandError("03", "input format flag: 0 (binary), 1 (hex) or 2 (text)")
    if output_format not in ("0", "1", "2"):
        raise CommandError("04", "output format flag: 0 (binary), 1 (hex) or 2 (text)")
    return input_format, output_format


def _data_key(req: Request, *, source: bool = True) -> KeyHandle:
    """Key type (00A ZEK, 00B DEK; FFF for an ``S`` key block, whose header says what it is) and the key."""
    key_type = req.fields.text(3, "key type").upper()
    text = req.fields.key("data key")
    return req.key(text, key_type=typed_key(key_type, text, ("00A", "00B")), usage="D0", source=source)


def _whole_blocks(f: Fields, input_format: str) -> bytes:
    message = f.message(hex_input=input_format == "1", error="06")
    f.end()
    if not message or len(message) % 8:
        raise CommandError("06", "the message is whole 8-byte blocks")
    return message


def _crypt_fields(req: Request) -> tuple[KeyHandle, str, str, bytes, str | None, str]:
    """(key, mode, output format, message, IV, mode flag) of M0 / M2."""
    f = req.fields
    flag = f.text(2, "mode flag")
    mode = _mode(flag, _MODES)
    input_format, output_format = _formats(f)
    key = _data_key(req)
    iv = f.hex(16, "IV") if mode == "CBC" else None
    return key, mode, output_format, _whole_blocks(f, input_format), iv, flag


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


@command("M4")
def m4(req: Request) -> str:
    """Source and destination mode flags (00 ECB; CBC and the CFB modes are not offered here, 68), input and
    output formats, source key type and key, destination key type and key, length (4 H), message. Length,
    the message under the destination key."""
    f = req.fields
    modes = {"00": "ECB"}
    src_mode, dst_mode = _mode(f.text(2, "source mode flag"), modes), _mode(f.text(2, "destination mode flag"), modes)
    input_format, output_format = _formats(f)
    src = _data_key(req)
    dst = _data_key(req, source=False)
    message = _whole_blocks(f, input_format)
    out = req.hsm.translate_data(message, src_key=src, dst_key=dst, src_mode=src_mode, dst_mode=dst_mode)
    return _reply(out, output_format, None, b"")
