"""Every line of tests/mutation_equivalents.tsv names a mutant the mutation tool makes today: an equivalence
whose line was edited away would otherwise keep excusing nothing (or a new mutant with the same text)."""

from __future__ import annotations

import pytest

from .mutate import load_equivalents, mutants

EQUIVALENTS = load_equivalents()


@pytest.mark.parametrize("module", sorted({key[0] for key in EQUIVALENTS}))
def test_each_listed_equivalent_is_a_mutant_of_its_module(module: str) -> None:
    made = {m.key for m in mutants(module)}
    stale = [key[1:] for key in EQUIVALENTS if key[0] == module and key not in made]
    assert not stale, f"{module}: listed as equivalent but no longer made: {stale}"


def test_each_equivalent_says_why() -> None:
    assert all(len(reason.split()) >= 5 for reason in EQUIVALENTS.values())
