"""The host commands pinsec answers (:data:`COMMANDS`, by command code), one module per group."""

from __future__ import annotations

from . import admin as admin
from . import cards as cards
from . import chaining as chaining
from . import components as components
from . import cvk as cvk
from . import data as data
from . import emv as emv
from . import keys as keys
from . import macs as macs
from . import migration as migration
from . import pins as pins
from .registry import BINARY, COMMANDS, Handler

__all__ = ["BINARY", "COMMANDS", "Handler"]
