"""The evaluation section of a checkpoint's model card."""
from __future__ import annotations

import json
from pathlib import Path

from .report import jsonable


def update_card(card: Path, results: dict, main_label: str) -> None:
    """Add the headline evaluation numbers to the model card (when it exists)."""
    if not card.exists():
        return
    meta = json.loads(card.read_text())
    main = results["concepts"][main_label]
    meta["evaluation"] = jsonable({
        "test_products": results["test_products"],
        "concept_levels": {mode: {lv: v["acc"] for lv, v in rep["levels"].items()} for mode, rep in main.items()},
        "concept_map": {mode: rep["concept_map"] for mode, rep in main.items()},
        "independent": {mode: rep["independent"] for mode, rep in main.items()},
        "cross_modal": results["cross_modal"].get(main_label),
        "amr": {m: v["by_changes"] for m, v in results["amr"]["models"].items()},
        "report": "reports/eval.md",
    })
    card.write_text(json.dumps(meta, indent=2) + "\n")
