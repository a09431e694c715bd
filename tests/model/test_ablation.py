"""The ablation of issue 20's training levers: its variants and its report section (no training)."""
from __future__ import annotations

from models.config import load_config
from retrieval.evaluation.ablation import DEFAULT_VARIANTS, VARIANTS, variant_config
from retrieval.evaluation.sections import ablation_section


def test_every_variant_is_the_served_config_with_its_overrides():
    served = load_config("eitree")
    for name, (_, overrides) in VARIANTS.items():
        config = variant_config(name, overrides, epochs=3)
        assert config.name == f"ablation_{name}" and config.train.epochs == 3
        for part in ("model", "train"):
            changed = overrides.get(part, {})
            for key, value in vars(getattr(config, part)).items():
                expected = changed.get(key, getattr(getattr(served, part), key))
                assert value == (tuple(expected) if isinstance(expected, list) else expected) or key == "epochs"
    assert variant_config("levers", VARIANTS["levers"][1]).model == load_config("eitree_levers").model
    assert variant_config("levers", VARIANTS["levers"][1]).train.positive_texts == load_config("eitree_levers").train.positive_texts
    finetune = variant_config("finetune", VARIANTS["finetune"][1])
    assert finetune.model == load_config("eitree_finetune").model
    assert finetune.train == load_config("eitree_finetune").train and finetune.train.finetune_blocks == 5


def test_the_default_run_keeps_the_backbone_frozen():
    assert "finetune" not in DEFAULT_VARIANTS and "levers" in DEFAULT_VARIANTS
    assert load_config("eitree").train.finetune_blocks == 0


def test_ablation_section_has_a_row_per_variant():
    measures = {"val_concept_acc_image": 0.8, "kagl_r10": 0.3}
    text = ablation_section({"variants": {"baseline": {"description": "served", "measures": measures, "epochs": 12},
                                          "colour_mlp": {"description": "mlp", "measures": measures, "epochs": 12}}})
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert [row.split("|")[1].strip() for row in rows] == ["`baseline`", "`colour_mlp`"]
    assert "12 epochs each" in text
