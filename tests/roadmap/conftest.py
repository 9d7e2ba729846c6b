"""Fixtures for the roadmap tests."""

from __future__ import annotations

import pytest

from advising.roadmap.engine import Content, load_content


@pytest.fixture(scope="module")
def content() -> Content:
    """The shipped content file, loaded once per test module."""
    return load_content()
