"""Shared test helpers: fixture paths and golden files.

Golden files hold the expected parsed model as JSON. After a deliberate change to a reader,
regenerate them with `UPDATE_GOLDEN=1 pytest` and review the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The folder of test fixtures."""
    return FIXTURES


def check_golden(actual: str, golden: Path) -> None:
    """Compare text with a golden file, or rewrite the file when UPDATE_GOLDEN is set."""
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.exists(), f"{golden} is missing; run UPDATE_GOLDEN=1 pytest to create it"
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, f"{golden.name} differs; if intended, run UPDATE_GOLDEN=1 pytest"
