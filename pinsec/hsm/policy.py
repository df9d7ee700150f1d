"""Key usage, mode of use and PIN translation rules, enforced once by :class:`pinsec.Hsm` before any
backend is called, so every backend refuses misuse the same way.

The rules speak the TR-31 / ANSI X9.143 vocabulary (usage ``P0``, mode ``E`` ...) and PCI PIN Security
Requirement 3-3 for translations. Every refusal is a :class:`~pinsec.errors.KeyPolicyError` with a stable
``code``:

======================  ==============================================================================
code                    meaning
======================  ==============================================================================
wrong_usage             the key's usage is not one the operation accepts
wrong_mode              the key's mode of use forbids the operation (e.g. an ``E`` key asked to decrypt)
wrong_algorithm         the key's algorithm does not fit (ISO 4 needs AES, formats 0-3 need TDES)
forbidden_translation   the PCI 3-3 matrix forbids this source/destination format pair
pan_change              a translation between PAN-bound formats would change the PAN
not_exportable          the key's exportability is ``N``
weak_kbpk               the wrapping key is weaker than the key it would wrap (export or import)
wrong_version           a key block version that does not belong to the KBPK's algorithm (A, B, C: TDES;
                        D, E: AES), or version A on export
same_key                a key asked to wrap itself
dukpt_ksn               a DUKPT key without a KSN, or a KSN given for a key that is not a BDK
dukpt_attributes        DUKPT working key attributes that widen the variant's usage or make it exportable
======================  ==============================================================================
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

from ..errors import KeyPolicyError
from ..keys import KeyAttributes

__all__ = [
    "ALLOWED_TRANSLATIONS",
    "PAN_BOUND_FORMATS",
    "check_block_version",
    "check_dukpt_source",
    "check_export",
    "check_key",
    "check_pin_key_algorithm",
    "check_translation",
    "check_wrapping_strength",
    "dukpt_working_attributes",
    "key_strength",
]

#: PCI PIN Security Requirement 3-3: which PIN block formats a source format may be translated to.
ALLOWED_TRANSLATIONS: Final[dict[int, frozenset[int]]] = {
    0: frozenset({0, 3, 4}),
    1: frozenset({0, 1, 3, 4}),
    2: frozenset({2}),
    3: frozenset({0, 3, 4}),
    4: frozenset({0, 3, 4}),
}
PAN_BOUND_FORMATS: Final = frozenset({0, 3, 4})


def _describe(attrs: KeyAttributes) -> str:
    return f"{attrs.usage.value}/{attrs.algorithm.value}/{attrs.mode_of_use.value}"


def check_key(
    attrs: KeyAttributes, *, operation: str, usages: Collection[str], modes: Collection[str],
    algorithms: Collection[str] | None = None,
) -> None:
    """Refuse ``operation`` unless the key's usage, mode of use and algorithm are among those given.

    >>> check_key(KeyAttributes("P0", "T", "E"), operation="decrypt a PIN block", usages={"P0"}, modes={"B", "D"})
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyPolicyError: key P0/T/E has mode of use E: decrypt a PIN block needs B or D
    """
    if attrs.usage.value not in usages:
        raise KeyPolicyError(
            f"key {_describe(attrs)} has usage {attrs.usage.value}: {operation} needs {' or '.join(sorted(usages))}",
            code="wrong_usage", field="usage",
        )
    if attrs.mode_of_use.value not in modes:
        raise KeyPolicyError(
            f"key {_describe(attrs)} has mode of use {attrs.mode_of_use.value}: "
            f"{operation} needs {' or '.join(sorted(modes))}",
            code="wrong_mode", field="mode_of_use",
        )
    if algorithms is not None and attrs.algorithm.value not in algorithms:
        raise KeyPolicyError(
            f"key {_describe(attrs)} has algorithm {attrs.algorithm.value}: "
            f"{operation} needs {' or '.join(sorted(algorithms))}",
            code="wrong_algorithm", field="algorithm",
        )


def check_pin_key_algorithm(algorithm: str, pin_format: int, *, side: str) -> None:
    """ISO 9564-1 format 4 under AES keys only, formats 0-3 under TDES keys only."""
    need = "A" if pin_format == 4 else "T"
    if algorithm != need:
        what = "an AES" if need == "A" else "a TDES"
        raise KeyPolicyError(
            f"{side} key algorithm {algorithm} cannot carry ISO format {pin_format}: it needs {what} key",
            code="wrong_algorithm", field=f"{side}_key",
        )


def check_translation(src_format: int, dst_format: int, pan: str | None, dst_pan: str | None) -> None:
    """PCI PIN Security Requirement 3-3 translation matrix, and no PAN change between PAN-bound formats.

    >>> check_translation(2, 0, "4012345678909", None)
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyPolicyError: PCI PIN 3-3 forbids translating ISO format 2 to ISO format 0 (2 may go to 2)
    """
    allowed = ALLOWED_TRANSLATIONS.get(src_format)
    if allowed is None or dst_format not in ALLOWED_TRANSLATIONS:
        raise KeyPolicyError(f"unknown PIN block format in {src_format} -> {dst_format}", code="forbidden_translation",
                             field="format")
    if dst_format not in allowed:
        targets = ", ".join(str(f) for f in sorted(allowed))
        raise KeyPolicyError(
            f"PCI PIN 3-3 forbids translating ISO format {src_format} to ISO format {dst_format} "
            f"({src_format} may go to {targets})",
            code="forbidden_translation", field="dst_format",
        )
    if dst_pan is not None and dst_pan != pan and dst_format in PAN_BOUND_FORMATS:
        raise KeyPolicyError("a PIN translation may not change the PAN of a PAN-bound format", code="pan_change",
                             field="dst_pan")


def check_dukpt_source(attrs: KeyAttributes, ksn: bytes | None, *, side: str) -> bool:
    """True when the key is a BDK used with a KSN; refuse a BDK without a KSN or a KSN with another key."""
    is_bdk = attrs.usage.value == "B0"
    if is_bdk and ksn is None:
        raise KeyPolicyError(f"{side} key is a BDK (B0): it only derives DUKPT keys, give the KSN",
                             code="dukpt_ksn", field=f"{side}_ksn")
    if not is_bdk and ksn is not None:
        raise KeyPolicyError(f"{side} KSN given but the {side} key is {attrs.usage.value}, not a BDK (B0)",
                             code="dukpt_ksn", field=f"{side}_ksn")
    if is_bdk:
        check_key(attrs, operation="DUKPT derivation", usages={"B0"}, modes={"X", "N"})
    return is_bdk


def key_strength(algorithm: str, length: int) -> int:
    """Rank of a key's strength for the "wrap only under an equal or stronger key" rule (X9.24, X9.143).

    >>> key_strength("T", 16) < key_strength("T", 24) < key_strength("A", 16) < key_strength("A", 32)
    True
    """
    if algorithm == "H":  # HMAC keys: as AES-128 below 32 bytes, as AES-256 from 32
        return 3 if length < 32 else 5
    # single DES and anything not listed rank lowest
    return {("T", 16): 1, ("T", 24): 2, ("A", 16): 3, ("A", 24): 4, ("A", 32): 5}.get((algorithm, length), 0)


def check_wrapping_strength(key: KeyAttributes, key_length: int, kbpk: KeyAttributes, kbpk_length: int) -> None:
    """A key never travels under a weaker key, in either direction (X9.24-1:2017 7.2, X9.143).

    >>> check_wrapping_strength(KeyAttributes("P0", "A", "B"), 32, KeyAttributes("K1", "T", "B"), 16)
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyPolicyError: KBPK (T, 16 bytes) is weaker than the key it wraps (A, 32 bytes)
    """
    if key_strength(kbpk.algorithm.value, kbpk_length) < key_strength(key.algorithm.value, key_length):
        raise KeyPolicyError(
            f"KBPK ({kbpk.algorithm.value}, {kbpk_length} bytes) is weaker than the key it wraps "
            f"({key.algorithm.value}, {key_length} bytes)",
            code="weak_kbpk", field="kbpk",
        )


#: Key block versions each KBPK algorithm may protect: A, B, C derive TDES keys, D and E AES keys, so a
#: block of the other family would reinterpret the KBPK's bytes as a key of another algorithm.
_VERSIONS: Final = {"T": frozenset("ABC"), "A": frozenset("DE")}


def check_block_version(version: str, kbpk: KeyAttributes, *, exporting: bool, lenient: bool = False) -> None:
    """Versions A, B, C only under TDES KBPKs, D and E only under AES KBPKs; version A (variant binding,
    deprecated by X9.143) never on export and on import only with ``lenient``.

    >>> check_block_version("D", KeyAttributes("K1", "T", "B"), exporting=False)
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyPolicyError: a version D key block cannot be protected by a TDES KBPK (T takes A, B, C)
    """
    allowed = _VERSIONS.get(kbpk.algorithm.value, frozenset())
    if version not in allowed:
        what = {"T": "TDES", "A": "AES"}.get(kbpk.algorithm.value, kbpk.algorithm.value)
        raise KeyPolicyError(
            f"a version {version} key block cannot be protected by a{'n' if what == 'AES' else ''} {what} KBPK "
            f"({kbpk.algorithm.value} takes {', '.join(sorted(allowed)) or 'none'})",
            code="wrong_version", field="version",
        )
    if version == "A" and (exporting or not lenient):
        raise KeyPolicyError(
            "key block version A (key variant binding) is refused" + ("" if exporting else " unless lenient=True"),
            code="wrong_version", field="version",
        )


def check_export(key: KeyAttributes, key_length: int, kbpk: KeyAttributes, kbpk_length: int) -> None:
    """Refuse exporting a non-exportable key, or under a KBPK that cannot wrap or is weaker."""
    check_key(kbpk, operation="wrap a key block", usages={"K0", "K1"}, modes={"B", "E", "N"})
    if key.exportability.value == "N":
        raise KeyPolicyError("key is marked non-exportable (N)", code="not_exportable", field="exportability")
    check_wrapping_strength(key, key_length, kbpk, kbpk_length)


#: DUKPT working keys by purpose: (usage by working key algorithm, default mode, modes that narrow it).
_DUKPT_VARIANTS: Final = {
    "pin": ({"T": "P0", "A": "P0"}, "B", frozenset("BED")),
    "mac_request": ({"T": "M3", "A": "M6", "H": "M7"}, "C", frozenset("CGV")),
    "mac_response": ({"T": "M3", "A": "M6", "H": "M7"}, "C", frozenset("CGV")),
    "data_request": ({"T": "D0", "A": "D0"}, "B", frozenset("BED")),
    "data_response": ({"T": "D0", "A": "D0"}, "B", frozenset("BED")),
}


def dukpt_working_attributes(purpose: str, algorithm: str, requested: KeyAttributes | None) -> KeyAttributes:
    """The attributes of a DUKPT working key: its variant's usage, non-exportable; the caller may only
    narrow the mode of use (e.g. a PIN key to encrypt-only ``E``) and set the version number.

    >>> dukpt_working_attributes("pin", "T", None).letters()
    'P0TB00N'
    >>> dukpt_working_attributes("pin", "T", KeyAttributes("K1", "T", "B"))
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyPolicyError: a DUKPT pin key has usage P0, not K1
    """
    if purpose not in _DUKPT_VARIANTS:
        raise KeyPolicyError(f"unknown DUKPT purpose: one of {', '.join(_DUKPT_VARIANTS)}", code="dukpt_attributes",
                             field="purpose")
    usages, default_mode, modes = _DUKPT_VARIANTS[purpose]
    usage = usages.get(algorithm)
    if usage is None:
        raise KeyPolicyError(f"a DUKPT {purpose} key cannot be of algorithm {algorithm}", code="wrong_algorithm",
                             field="key_type")
    if requested is None:
        return KeyAttributes(usage, algorithm, default_mode, "00", "N")
    if requested.usage.value != usage:
        raise KeyPolicyError(f"a DUKPT {purpose} key has usage {usage}, not {requested.usage.value}",
                             code="dukpt_attributes", field="usage")
    if requested.algorithm.value != algorithm:
        raise KeyPolicyError(f"a DUKPT {purpose} key here is of algorithm {algorithm}, not "
                             f"{requested.algorithm.value}", code="dukpt_attributes", field="algorithm")
    if requested.mode_of_use.value not in modes:
        raise KeyPolicyError(f"a DUKPT {purpose} key's mode of use is one of {', '.join(sorted(modes))}, not "
                             f"{requested.mode_of_use.value}", code="dukpt_attributes", field="mode_of_use")
    if requested.exportability.value != "N":
        raise KeyPolicyError("DUKPT working keys are non-exportable (N)", code="dukpt_attributes",
                             field="exportability")
    return requested
