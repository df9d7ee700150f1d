"""Spying on a batch engine's cost model: which (lanes, devices) a DUKPT module's ``derive_working_keys``
asks it about, which tells whether a batch was offered to the engine and how it was counted."""

from __future__ import annotations

import importlib

import pytest


def spy_on_cost_model(monkeypatch: pytest.MonkeyPatch, engine: str, answer: bool) -> list[tuple[int, int]]:
    """Replace ``pinsec.batch.<engine>.faster_than_one_by_one`` by one that records its (lanes, devices)
    in the list returned and answers ``answer``; skips the test when numpy is missing."""
    pytest.importorskip("numpy")
    module = importlib.import_module(f"pinsec.batch.{engine}")
    seen: list[tuple[int, int]] = []

    def spy(lanes: int, devices: int) -> bool:
        seen.append((lanes, devices))
        return answer

    monkeypatch.setattr(module, "faster_than_one_by_one", spy)
    return seen
