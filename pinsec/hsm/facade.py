"""The :class:`Hsm` facade: keys behind handles, policy first, then the backend.

Every operation validates its inputs, resolves each handle against the backend's own record of the key
(attributes are read from where the key is stored, never from the caller's object) and checks usage, mode
of use and algorithm (and, for PIN translation, the PCI PIN 3-3 matrix) before it calls the backend, so
every backend refuses misuse the same way.

Two states, as on a payShield:

* the default state: keys enter only as key blocks under a KEK, as key blocks under the LMK, generated
  inside, or derived (DUKPT); no call takes or gives a clear key or a clear PIN;
* the Authorised state (``Hsm(authorized=True)``), for test rigs and key ceremonies: clear keys, XOR key
  components, clear PINs in (:meth:`Hsm.encrypt_pin`, :meth:`Hsm.check_pin`) and clear key export. Each
  use is written to the ``pinsec.audit`` log (operation, key id, attributes, KCV; never material).

With a payShield variant LMK in the software backend (``SoftwareBackend(variant_lmk=...)``), keys and
PINs also travel as cryptograms under it (:mod:`.lmk_ops`), as host commands carry them.

With ``require_in_device=True`` an operation the backend would run with clear material on the host is
refused with :class:`~pinsec.errors.UnsupportedOperation`.
"""

from __future__ import annotations

from ._core import BackendInfo
from .data_ops import _DataOps
from .emv_ops import _EmvOps
from .key_ops import _KeyOps
from .lmk_ops import _LmkOps
from .mac_ops import _MacOps
from .pin_ops import _PinOps
from .rsa_ops import _RsaOps

__all__ = ["BackendInfo", "Hsm"]


class Hsm(_KeyOps, _RsaOps, _LmkOps, _PinOps, _MacOps, _DataOps, _EmvOps):
    """A payment HSM: keys live in a backend and callers hold opaque :class:`KeyHandle` objects.

    The default state takes and gives no clear key or PIN; a test rig opens the Authorised state:

    >>> import pinsec
    >>> rig = pinsec.Hsm(authorized=True)
    >>> zpk = rig.import_clear_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"),
    ...                            pinsec.KeyAttributes(usage="P0", algorithm="T", mode_of_use="B"))
    >>> zpk.kcv
    '08D7B4'
    >>> block = rig.encrypt_pin("1234", pan="4012345678909", key=zpk, format=0)
    >>> rig.check_pin(block, key=zpk, format=0, pan="4012345678909", pin="1234")
    >>> pinsec.Hsm().import_clear_key(bytes(16), pinsec.KeyAttributes("P0", "T", "B"))
    Traceback (most recent call last):
    ...
    pinsec.errors.KeyPolicyError: import_clear_key takes clear key or PIN material: only in the Authorised ...
    """

    __slots__ = ()
