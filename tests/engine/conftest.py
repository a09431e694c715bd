"""Fixtures of the engine's conversation tests: a shopper talking to the demo engine, and the
demo catalogue's own concept labels to check answers against."""
from __future__ import annotations

import pytest

from tests.engine.test_turns import Shopper


@pytest.fixture
def shopper(demo_engine):
    return Shopper(demo_engine)


@pytest.fixture(scope="module")
def labels(demo_engine):
    return demo_engine.catalog.concept_labels()
