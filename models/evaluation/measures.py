"""The models under evaluation (the checkpoint and its baselines) and their model-only measures
on the test split: concept prediction, per-concept gains and cross-modal retrieval.

The models only see the test products' features; labels are used for scoring alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..baselines import BASELINES, ensure_baselines
from ..data import ProductSet
from ..factory import load_checkpoint
from ..features import FeatureSet
from ..train import SplitData
from ..tree import EITree
from .concepts import concept_gains, concept_report, visual_spread
from .cross_modal import cross_modal

MAIN_LABEL = "EI tree (ours)"


@dataclass
class ModelUnderTest:
    """A model under evaluation and its representations of the test products."""

    label: str  # row name in the tables
    model: object
    modes: dict[str, dict] = field(default_factory=dict)  # mode -> represent() output on the test split

    @property
    def retrieval_mode(self) -> str:
        """The representation products are retrieved by: image+text, or image for an image-only model."""
        return "image+text" if "image+text" in self.modes else "image"


def models_under_test(checkpoint: Path | str, products: ProductSet, tree: EITree, features: FeatureSet,
                      baseline_dir: Path | str, retrain_baselines: bool = False,
                      log: Callable[[str], None] = print) -> list[ModelUnderTest]:
    """The checkpoint first, then the baselines (trained now on the same features when missing or stale)."""
    main = load_checkpoint(checkpoint, tree)
    baselines = ensure_baselines(products, tree, features, baseline_dir, main.config_full, retrain_baselines, log)
    return [ModelUnderTest(MAIN_LABEL, main)] + [ModelUnderTest(BASELINES[n], m) for n, m in baselines.items()]


def represent_modes(model, data: SplitData) -> dict[str, dict]:
    """Representations from image only, text only and image+text (those the model supports)."""
    image = {"image_maps": data.image_maps, "image_colour": data.image_colour}
    modes = {"image": model.represent(**image)}
    if model.text is not None:
        modes["text"] = model.represent(text=data.text)
        modes["image+text"] = model.represent(**image, text=data.text)
    return modes


def model_measures(entries: list[ModelUnderTest], tree: EITree, test: SplitData) -> dict:
    """Sections 1 and 2 for every model (each entry's ``modes`` are filled in): ``concepts``
    (per model and mode), ``gains`` (the main model, image+text over image) and ``cross_modal``."""
    positive = test.targets.concept_targets.numpy() > 0
    known = test.targets.concept_mask.numpy()
    for entry in entries:
        entry.modes = represent_modes(entry.model, test)
    concepts = {e.label: {mode: concept_report(tree, rep["concept_probs"].numpy(), positive, known)
                          for mode, rep in e.modes.items()}
                for e in entries if e.model.concepts is not None}
    spread = visual_spread(test.image_maps, positive, range(len(tree.order)))
    return {"concepts": concepts,
            "gains": concept_gains(tree, concepts[entries[0].label], spread),
            "cross_modal": {e.label: cross_modal(e.modes["image"]["emb"], e.modes["text"]["emb"])
                            for e in entries if "image+text" in e.modes}}

