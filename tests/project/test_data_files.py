"""The reviewed word files under data/ hold each key once: YAML keeps the last of two equal keys
silently, so a phrase written twice with different meanings would lose one without a word."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parent.parent.parent / "data"
FILES = ["words.yaml", "needs.yaml", "orders.yaml", "colours.yaml", "shopping.yaml", "compare.yaml",
         "complements.yaml", "styling.yaml", "normalization.yaml"]


class _Strict(yaml.SafeLoader):
    """A loader that records the keys a mapping repeats."""

    repeated: list = []


def _mapping(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=True) for k, _ in node.value]
    _Strict.repeated += [k for k, n in Counter(map(str, keys)).items() if n > 1]
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@pytest.mark.parametrize("name", [f for f in FILES if (DATA / f).exists()])
def test_no_key_is_written_twice(name):
    _Strict.repeated = []
    yaml.load((DATA / name).read_text(encoding="utf-8"), Loader=_Strict)
    assert _Strict.repeated == [], f"data/{name} repeats {_Strict.repeated}"
