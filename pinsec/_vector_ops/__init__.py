"""Runners for the operations named in ``vectors/*.json``: :func:`pinsec.vectors.operations` imports every
module of this package, and each registers its operations with ``@pinsec.vectors.operation``."""
