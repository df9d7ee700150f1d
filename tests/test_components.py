"""Key ceremonies (hsm/components.combine, behind Hsm.import_key_components and form_lmk_key): every
refusal reached with otherwise-valid components, and nothing kept."""

from __future__ import annotations

import pytest

from pinsec import Hsm, KeyAttributes, kcv
from pinsec.errors import DataError, InvalidKeyError

ZPK = KeyAttributes("P0", "T", "B")
PARTS = [bytes(range(1, 17)), bytes(range(21, 37)), bytes(range(41, 57)), bytes(range(61, 77))]
KCVS = [kcv.legacy_kcv(p) for p in PARTS]


@pytest.mark.parametrize(("components", "kcvs", "error", "field"), [
    (PARTS[:1], KCVS[:1], DataError, "components"),          # one component is a clear key, not a ceremony
    (PARTS[:4], KCVS[:4], DataError, "components"),          # four is more than the ceremony takes
    (PARTS[0].hex(), KCVS[:1], DataError, "components"),     # a str is not a list of components
    (PARTS[0], KCVS[:1], DataError, "components"),           # nor are bytes
    (PARTS[:2], KCVS[:1], DataError, "kcvs"),                # one KCV for two components
    (PARTS[:2], KCVS[:3], DataError, "kcvs"),                # three KCVs for two
    (PARTS[:2], KCVS[0], DataError, "kcvs"),                 # a str is not a list of KCVs
    ([PARTS[0], PARTS[1] + bytes(8)], [KCVS[0], kcv.legacy_kcv(PARTS[1] + bytes(8))], InvalidKeyError,
     "components"),                                          # components of different lengths
])
def test_refusals(components: object, kcvs: object, error: type[Exception], field: str) -> None:
    hsm = Hsm(authorized=True)
    with pytest.raises(error) as info:
        hsm.import_key_components(components, ZPK, kcvs=kcvs)  # type: ignore[arg-type]
    assert info.value.field == field  # type: ignore[attr-defined]
    assert hsm.list_keys() == []


@pytest.mark.parametrize("n", [2, 3])
def test_two_or_three_components_xor(n: int) -> None:
    hsm = Hsm(authorized=True)
    combined = bytes(16)
    for part in PARTS[:n]:
        combined = bytes(a ^ b for a, b in zip(combined, part, strict=True))
    key = hsm.import_key_components(PARTS[:n], KeyAttributes("P0", "T", "B", "00", "E"), kcvs=KCVS[:n])
    assert hsm.export_clear_key(key) == combined
