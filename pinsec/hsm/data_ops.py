"""Data encryption on the :class:`~pinsec.Hsm`: whole blocks under a data key (usage D0) or a DUKPT data
key of a BDK, TDES or AES, ECB or CBC (no padding: the caller pads, as the payment services do). Needs the
software backend.

A data key never encrypts or decrypts anything but data: PIN keys (P0), KEKs and MAC keys are refused, and
DUKPT data keys are their own variants, so neither a PIN block nor a wrapped key can be deciphered here.
"""

from __future__ import annotations

from typing import Final

from .._hex import parse_hex
from ..errors import DataError
from ..keys import KeyHandle
from . import policy
from ._core import _HsmCore

__all__: list[str] = []

_MODES: Final = ("ECB", "CBC")


class _DataOps(_HsmCore):
    __slots__ = ()

    def _crypt(self, key: KeyHandle, data: bytes | str, *, decrypt: bool, mode: str, iv: bytes | str | None,
               ksn: bytes | str | None, direction: str, dukpt_key_type: str | None) -> bytes:
        key = self._known(key)
        raw_ksn = self._ksn(ksn, "data")
        if direction not in ("request", "response"):
            raise DataError("direction is request or response", field="direction")
        modes = {"B", "D", "N"} if decrypt else {"B", "E", "N"}
        if policy.check_dukpt_source(key.attributes, raw_ksn, side="data"):
            from ..backends import _dukpt

            algorithm = _dukpt.working_key_algorithm(key.attributes.algorithm.value, dukpt_key_type)
        else:
            policy.check_key(key.attributes, operation=f"{'decrypt' if decrypt else 'encrypt'} data", usages={"D0"},
                             modes=modes, algorithms={"T", "A"})
            algorithm = key.attributes.algorithm.value
        if mode not in _MODES:
            raise DataError("mode is ECB or CBC", field="mode")
        block = 8 if algorithm == "T" else 16
        raw = parse_hex(data, field="data")
        if not raw or len(raw) % block:
            raise DataError(f"data is whole {block}-byte blocks (pad it first)", code="data_length", field="data")
        raw_iv = b""
        if mode == "CBC":
            raw_iv = bytes(block) if iv is None else parse_hex(iv, field="iv", lengths=(block,))
        elif iv is not None:
            raise DataError("ECB takes no IV", field="iv")
        crypt = self._backend_op("crypt_data", lacks="has no data encryption", code="no_data_keys", field="key")
        self._gate("encrypt_data")
        out: bytes = crypt(key, raw, decrypt=decrypt, mode=mode, iv=raw_iv, ksn=raw_ksn,
                           purpose=f"data_{direction}", dukpt_key_type=dukpt_key_type)
        return out

    def encrypt_data(self, key: KeyHandle, data: bytes | str, *, mode: str = "CBC", iv: bytes | str | None = None,
                     ksn: bytes | str | None = None, direction: str = "request", dukpt_key_type: str | None = None
                     ) -> bytes:
        """Encrypt whole blocks under a D0 key (mode B or E) or, with ``ksn``, a BDK's DUKPT data key
        (``direction`` request or response). CBC's IV defaults to zeros."""
        return self._crypt(key, data, decrypt=False, mode=mode, iv=iv, ksn=ksn, direction=direction,
                           dukpt_key_type=dukpt_key_type)

    def translate_data(self, data: bytes | str, *, src_key: KeyHandle, dst_key: KeyHandle, src_mode: str = "CBC",
                       dst_mode: str = "CBC", src_iv: bytes | str | None = None, dst_iv: bytes | str | None = None
                       ) -> bytes:
        """Whole blocks deciphered under ``src_key`` (D0, mode B or D) and enciphered under ``dst_key`` (D0,
        mode B or E) in one call: the payShield M4 host command. Each side is checked as
        :meth:`decrypt_data` and :meth:`encrypt_data` check it, so a key translates only what it could
        decrypt or encrypt alone."""
        clear = self._crypt(src_key, data, decrypt=True, mode=src_mode, iv=src_iv, ksn=None, direction="request",
                            dukpt_key_type=None)
        return self._crypt(dst_key, clear, decrypt=False, mode=dst_mode, iv=dst_iv, ksn=None, direction="request",
                           dukpt_key_type=None)

    def decrypt_data(self, key: KeyHandle, data: bytes | str, *, mode: str = "CBC", iv: bytes | str | None = None,
                     ksn: bytes | str | None = None, direction: str = "request", dukpt_key_type: str | None = None
                     ) -> bytes:
        """Decrypt whole blocks under a D0 key (mode B or D) or a BDK's DUKPT data key."""
        return self._crypt(key, data, decrypt=True, mode=mode, iv=iv, ksn=ksn, direction=direction,
                           dukpt_key_type=dukpt_key_type)
