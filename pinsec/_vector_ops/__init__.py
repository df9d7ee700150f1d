"""Runners for the operations named in ``vectors/*.json``; importing this package registers them all."""

from . import pinblock as pinblock
