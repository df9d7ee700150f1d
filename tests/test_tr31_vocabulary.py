"""TR-31 / X9.143 header vocabulary (pinsec.tr31.vocabulary): combinations of usage, algorithm and mode of
use that X9.143's tables allow and refuse (each refusal naming its field), and the width of each field's
values. A --quick mutation run found the algorithm refusal untested."""

from __future__ import annotations

import pytest

from pinsec.errors import KeyBlockHeaderError
from pinsec.tr31.vocabulary import Algorithm, Exportability, KeyUsage, ModeOfUse, check_combination


@pytest.mark.parametrize(("usage", "algorithm", "mode", "field"), [
    ("P0", "D", "B", "algorithm"),   # X9.143: PIN encryption keys are TDES or AES
    ("P0", "T", "X", "mode_of_use"),  # and encrypt/decrypt, not derive
    ("B0", "A", "B", "mode_of_use"),  # a BDK derives
    ("M3", "A", "C", "algorithm"),    # ISO 9797-1 algorithm 3 is a TDES MAC
])
def test_refused_combinations_name_their_field(usage: str, algorithm: str, mode: str, field: str) -> None:
    with pytest.raises(KeyBlockHeaderError) as info:
        check_combination(KeyUsage(usage), Algorithm(algorithm), ModeOfUse(mode))
    assert (info.value.code, info.value.field) == ("disallowed_combination", field)


@pytest.mark.parametrize(("usage", "algorithm", "mode"), [("P0", "T", "B"), ("P0", "A", "E"), ("B0", "T", "X"),
                                                          ("M3", "T", "C"), ("D0", "D", "B")])
def test_allowed_combinations(usage: str, algorithm: str, mode: str) -> None:
    check_combination(KeyUsage(usage), Algorithm(algorithm), ModeOfUse(mode))


@pytest.mark.parametrize(("cls", "good", "bad"), [(KeyUsage, "Z9", "Z"), (Algorithm, "Z", "ZZ"),
                                                  (ModeOfUse, "Z", "ZZ"), (Exportability, "Z", "ZZ")])
def test_unrecognised_values_keep_their_fields_width(cls: type, good: str, bad: str) -> None:
    assert cls(good).recognised is False
    with pytest.raises(KeyBlockHeaderError):
        cls(bad)
