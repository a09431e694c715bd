"""Model and training configuration: dataclasses with defaults, one JSON file per named variant.

A variant file (``models/variants/<name>.json``) overrides any field:
``{"name": "flat", "model": {"concept_head": "flat"}, "train": {"epochs": 20}}``.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

VARIANTS_DIR = Path(__file__).resolve().parent / "variants"


@dataclass
class ModelConfig:
    """The trainable heads on top of the frozen backbones."""

    embed_dim: int = 256  # D, the joint image-text space
    image_channels: int = 1280  # channels of the cached image feature map (EfficientNet-Lite0)
    colour_dim: int = 156  # width of the cached colour descriptor; train() sets it from the features
    text_dim: int = 384  # width of the cached sentence embedding (MiniLM-L6)
    text_hidden: int = 512  # hidden width of the text MLP; 0 for a single linear layer
    dropout: float = 0.1  # on the projected features, training only
    concept_head: str = "ei_tree"  # "ei_tree" (softmax/sigmoid + path product), "flat" (a sigmoid per concept), "none"
    use_text: bool = True  # False: image branch only (no text branch, no ranking loss)
    fusion: str = "gated"  # joint embedding: "mean" of the unit image and text embeddings, or "gated" (a learned weight)
    colour_hidden: int = 0  # hidden width of an MLP on the colour descriptor; 0: one linear map (the image branch stays linear in the map)


@dataclass
class TrainConfig:
    """How the heads are trained on cached features."""

    epochs: int = 20  # upper bound; early stopping usually ends sooner
    batch_size: int = 256  # also the pool of in-batch negatives for the ranking loss
    lr: float = 2e-3  # AdamW learning rate (cosine decay to 5% over ``epochs``)
    weight_decay: float = 1e-4
    margin: float = 0.2  # hinge margin of the ranking loss
    ranking_loss: str = "hinge"  # "hinge" (VSE++ triplet) or "infonce" (softmax over the batch, CLIP-style)
    temperature: float = 0.05  # InfoNCE softmax temperature at the start
    learn_temperature: bool = False  # InfoNCE: learn the temperature (a log-scale parameter of the loss) with the heads
    same_name_positives: bool = False  # products of the same name are not negatives of each other (hinge: masked; InfoNCE: positives)
    positive_texts: tuple[str, ...] = ("text",)  # a photo's positive texts: "text" (name + description, the main ranking loss); "name" and "phrases" (category/colour/usage phrases from its labels) add a second ranking term on one of them drawn per step
    ranking_weight: float = 1.0  # weight of the image-text ranking loss (ignored when use_text is False)
    concept_weight: float = 1.0  # weight of the concept loss (ignored when concept_head is "none")
    views: tuple[str, ...] = ("joint", "image", "text")  # which representations the concept loss supervises
    hard_negative_warmup: int = 1  # epochs of sum-over-negatives before switching to the hardest negative
    patience: int = 5  # epochs without a better validation score before stopping
    seed: int = 0
    device: str = "cpu"
    threads: int = 0  # torch intra-op threads while training; 0: every core
    finetune_blocks: int = 0  # the image backbone's last MBConv blocks trained with the heads (plus its head conv), on cached activations of the block below them (models/block_cache.py); 0: the backbone stays frozen
    backbone_lr_scale: float = 0.1  # learning rate of those blocks relative to ``lr``
    backbone_drop_connect: float = 0.2  # stochastic depth in those blocks (EfficientNet's rate; photos cannot be augmented once cached)


@dataclass
class Config:
    """A named model variant: model heads plus the way they are trained."""

    name: str = "eitree"
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Config":
        """A config from a (possibly partial) dict; unknown keys raise ValueError."""
        data = dict(data)
        model = _build(ModelConfig, data.pop("model", {}))
        train = _build(TrainConfig, data.pop("train", {}))
        unknown = set(data) - {"name"}
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        return cls(name=data.get("name", cls.name), model=model, train=train)

    def with_overrides(self, **train_overrides) -> "Config":
        """A copy with some training fields replaced (e.g. ``epochs=3``)."""
        return replace(self, train=replace(self.train, **train_overrides))


def _build(kind, values: dict):
    names = {f.name for f in fields(kind)}
    unknown = set(values) - names
    if unknown:
        raise ValueError(f"unknown {kind.__name__} keys: {sorted(unknown)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return kind(**values)


def load_config(name_or_path: str | Path = "eitree") -> Config:
    """The config of a named variant (``models/variants/<name>.json``) or of a JSON file."""
    path = Path(name_or_path)
    if not path.suffix:
        path = VARIANTS_DIR / f"{name_or_path}.json"
    if not path.exists():
        known = sorted(p.stem for p in VARIANTS_DIR.glob("*.json"))
        raise FileNotFoundError(f"no model variant {str(name_or_path)!r}; known: {', '.join(known)}")
    return Config.from_dict(json.loads(path.read_text()))
