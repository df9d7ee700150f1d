"""A vectorised engine for many independent keys at once (the optional ``pinsec[fast]`` extra, numpy).

DES runs bitsliced: bit ``i`` of every lane's block lives in one array of 64-bit words (plane ``i``), 64
lanes to a word, so a permutation or the key schedule is a choice of rows and an S-box is a fixed boolean
circuit (:mod:`pinsec.batch._des_sboxes`). There is no table look-up and no branch on key or data values,
so the time taken depends on the number of lanes and steps only. :mod:`pinsec.batch.dukpt_tdes` derives
TDES DUKPT keys for many (BDK, KSN) pairs this way; :func:`pinsec.dukpt.tdes.derive_working_keys` uses it
above the batch size where it wins when numpy is installed.
"""

from __future__ import annotations

import importlib.util

__all__ = ["available"]


def available() -> bool:
    """True when numpy is installed, so the vectorised engine can run."""
    return importlib.util.find_spec("numpy") is not None
