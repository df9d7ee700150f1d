"""A vectorised engine for many independent keys at once (the optional ``pinsec[fast]`` extra, numpy).

DES and AES run bitsliced: bit ``i`` of every lane's block lives in one array of 64-bit words (plane
``i``), 64 lanes to a word, so a permutation or DES's key schedule is a choice of rows and an S-box is a
fixed boolean circuit (:mod:`pinsec.batch._des_sboxes`; AES's computed in a tower field,
:mod:`pinsec.batch._aes`). There is no table look-up and no branch on key or data values, so the time
taken depends on the number of lanes and steps only. :mod:`pinsec.batch.dukpt_tdes` and
:mod:`pinsec.batch.dukpt_aes` derive DUKPT keys for many KSNs this way;
:func:`pinsec.dukpt.tdes.derive_working_keys` and :func:`pinsec.dukpt.aes.derive_working_keys` use them
above the batch size where they win when numpy is installed.
"""

from __future__ import annotations

import importlib.util

__all__ = ["available"]


def available() -> bool:
    """True when numpy is installed, so the vectorised engine can run."""
    return importlib.util.find_spec("numpy") is not None
