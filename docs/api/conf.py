"""Sphinx configuration of pinsec's API reference (built from the docstrings; see docs/api/index.rst).

Built by tests/test_api_docs.py with warnings as errors, so a docstring that breaks the reference fails
the suite.
"""

from __future__ import annotations

project = "pinsec"
extensions = ["sphinx.ext.autodoc"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
exclude_patterns = ["_build"]
html_theme = "alabaster"
