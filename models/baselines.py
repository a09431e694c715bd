"""The baselines the evaluation compares the EI-tree model with, trained on the same features and
split as the main model (cached under ``var/checkpoints/baselines`` and retrained when the
features or the tree change).

- (a) ``flat``: a flat multi-label head, one sigmoid per concept, no tree, no path product.
- (b) ``image_only``: the EI-tree model without the text branch (no ranking loss).
- (c) ``embedding``: the joint embedding alone (ranking loss only); attribute edits are text
  offsets in the embedding space, the "latent space only" approach.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import torch

from .config import Config, load_config
from .data import ProductSet
from .factory import load_checkpoint, tree_signature
from .features import FeatureSet
from .train import train
from .tree import EITree

BASELINES = {
    "flat": "(a) flat multi-label head",
    "image_only": "(b) EI tree, image only",
    "embedding": "(c) joint embedding + text offsets",
}


def baseline_config(name: str, main: Config | None = None) -> Config:
    """A baseline's variant config; training settings shared with the main model (epochs, lr,
    batch size, seed, device) are taken from ``main`` unless the variant overrides them."""
    config = load_config(name)
    if main is None:
        return config
    own = load_config(name).train
    default = type(own)()
    shared = {f: getattr(main.train, f) for f in ("epochs", "batch_size", "lr", "weight_decay", "patience",
                                                 "seed", "device", "margin", "hard_negative_warmup")
              if getattr(own, f) == getattr(default, f)}
    return replace(config, train=replace(config.train, **shared))


def _is_current(path: Path, features: FeatureSet, tree: EITree) -> bool:
    if not path.exists():
        return False
    meta = torch.load(path, map_location="cpu", weights_only=False).get("meta", {})
    data = meta.get("data", {})
    return data.get("features_key") == features.key and data.get("tree_signature") == tree_signature(tree)


def ensure_baselines(products: ProductSet, tree: EITree, features: FeatureSet, out_dir: Path | str,
                     main: Config | None = None, retrain: bool = False,
                     log: Callable[[str], None] = print) -> dict[str, torch.nn.Module]:
    """The baseline models, trained now when missing, stale, or ``retrain`` is set."""
    out_dir = Path(out_dir)
    models = {}
    for name in BASELINES:
        path = out_dir / f"{name}.pt"
        if retrain or not _is_current(path, features, tree):
            log(f"training baseline {name}: {BASELINES[name]}")
            train(baseline_config(name, main), products, tree, features, out_dir, log=log)
        models[name] = load_checkpoint(path, tree)
    return models
