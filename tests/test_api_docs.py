"""The API reference (docs/api, Sphinx autodoc over the docstrings) builds with warnings as errors, so a
docstring that breaks it fails the suite instead of rotting unseen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_api_reference_builds_without_warnings(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           str(ROOT / "docs" / "api"), str(tmp_path / "html")],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    page = (tmp_path / "html" / "index.html").read_text()
    for name in ("pinsec.Hsm.translate_pin", "pinsec.Hsm.generate_key", "pinsec.pinblock.encode",
                 "pinsec.tr31.keyblock.unwrap", "pinsec.dukpt.aes.derive_working_key", "pinsec.errors.PinsecError"):
        assert f'id="{name}"' in page, name
