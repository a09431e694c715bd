"""Building models and reading/writing checkpoints: the only entry points callers need.

A checkpoint holds the heads only (the backbones come from their packages): the config, the
state dict, the concept order it was trained with, and free-form metadata.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import torch

from .config import Config, ModelConfig, load_config
from .model import FashionModel
from .tree import EITree

CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"


def tree_signature(tree: EITree) -> str:
    """A short hash of the concept order (the layer's dimensions)."""
    return hashlib.sha1("\n".join(tree.order).encode()).hexdigest()[:12]


def create_model(config: Config | ModelConfig | str, tree: EITree) -> FashionModel:
    """A freshly initialised model for a config, a variant name, or a ``ModelConfig``, with one
    concept per node of ``tree``."""
    if isinstance(config, str):
        config = load_config(config)
    model_config = config.model if isinstance(config, Config) else config
    return FashionModel(model_config, tree)


def save_checkpoint(model: FashionModel, path: Path | str, config: Config, tree: EITree,
                    meta: dict | None = None) -> Path:
    """Write the heads, config and concept order to ``path`` (parents created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save({"config": config.to_dict(), "state_dict": state, "concept_order": list(tree.order),
                "tree_signature": tree_signature(tree), "meta": meta or {}}, path)
    return path


def load_checkpoint(path: Path | str, tree: EITree, device: str = "cpu") -> FashionModel:
    """The model stored at ``path``, in eval mode; ``model.config_full`` and ``model.meta`` hold the
    variant config and metadata. Raises ValueError when the tree's concepts differ from the
    checkpoint's (retrain after rebuilding the tree)."""
    payload = torch.load(Path(path), map_location=device, weights_only=False)
    if list(tree.order) != payload["concept_order"]:
        ours, theirs = set(tree.order), set(payload["concept_order"])
        raise ValueError(f"{path}: trained on a different EI tree ({len(theirs - ours)} concepts missing here, "
                         f"{len(ours - theirs)} new); retrain with `fashionbot train`")
    config = Config.from_dict(payload["config"])
    model = FashionModel(config.model, tree)
    model.load_state_dict(payload["state_dict"])
    model.config_full = config
    model.meta = payload.get("meta", {})
    return model.to(device).eval()
