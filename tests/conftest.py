"""Shared pytest fixtures; plain helpers live in helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import FIXTURES


@pytest.fixture
def fixtures() -> Path:
    """The folder of test fixtures."""
    return FIXTURES
