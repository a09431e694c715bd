"""The multimodal model: image and text projections into one joint space, and a concept head.

Inputs are cached backbone features (``models/features.py``), so only the heads train. The
image branch is linear up to the L2 normalisation (a 1x1 conv over the standardised feature
map plus a linear map of the colour descriptor), hence the mean over locations of its map equals
the projection of the mean-pooled map: training may feed (B, C, 1, 1) pooled maps at no loss.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .config import ModelConfig
from .ei_tree import create_concept_layer
from .tree import EITree

MODALITIES = ("joint", "image", "text")


def _prefix(modality: str) -> str:
    return "" if modality == "joint" else f"{modality}_"


class Standardise(nn.Module):
    """Per-channel (x - mean) / std with statistics set from the training features."""

    def __init__(self, channels: int):
        super().__init__()
        self.register_buffer("mean", torch.zeros(channels))
        self.register_buffer("std", torch.ones(channels))

    def set_stats(self, values: torch.Tensor, dim: int = 1) -> None:
        """Statistics over every axis but ``dim`` (the channel axis)."""
        values = values.float().transpose(0, dim).flatten(1)  # (C, everything else)
        self.mean.copy_(values.mean(1))
        self.std.copy_(values.std(1).clamp_min(1e-3))

    def forward(self, x: torch.Tensor, dim: int = 1) -> torch.Tensor:
        shape = [1] * x.dim()
        shape[dim] = -1
        return (x - self.mean.view(shape)) / self.std.view(shape)


class ImageProjection(nn.Module):
    """(B, C, H, W) feature map + (B, C_col) colour descriptor -> a (B, D, H, W) projected map and
    the (B, D) pooled, unnormalised image vector (the mean of that map)."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.map_norm = Standardise(config.image_channels)
        self.colour_norm = Standardise(config.colour_dim)
        self.conv = nn.Conv2d(config.image_channels, config.embed_dim, kernel_size=1)
        if config.colour_hidden:  # a per-photo constant added to every location: the map stays linear
            self.colour = nn.Sequential(nn.Linear(config.colour_dim, config.colour_hidden), nn.GELU(),
                                        nn.Linear(config.colour_hidden, config.embed_dim))
        else:
            self.colour = nn.Linear(config.colour_dim, config.embed_dim)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, image_maps: torch.Tensor, image_colour: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        maps = self.map_norm(image_maps.float())
        batch, channels, height, width = maps.shape
        weight = self.conv.weight.view(len(self.conv.weight), channels)  # (D, C): the 1x1 conv as a matmul
        flat = F.linear(maps.permute(0, 2, 3, 1).reshape(-1, channels), weight, self.conv.bias)  # (B*H*W, D)
        projected = flat.view(batch, height, width, -1).permute(0, 3, 1, 2)  # (B, D, H, W)
        colour = self.colour(self.colour_norm(image_colour.float()))  # (B, D)
        projected = self.dropout(projected + colour[:, :, None, None])
        return projected, projected.mean(dim=(2, 3))


class TextProjection(nn.Module):
    """(B, C_txt) sentence embedding -> (B, D) unnormalised text vector."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.norm = Standardise(config.text_dim)
        if config.text_hidden:
            self.net = nn.Sequential(nn.Linear(config.text_dim, config.text_hidden), nn.GELU(),
                                     nn.Dropout(config.dropout), nn.Linear(config.text_hidden, config.embed_dim))
        else:
            self.net = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(config.text_dim, config.embed_dim))

    def forward(self, text: torch.Tensor) -> torch.Tensor:
        return self.net(self.norm(text.float()))


class FashionModel(nn.Module):
    """Joint image-text embedding plus concept head.

    ``forward`` takes any of ``image_maps``/``image_colour`` and ``text`` and returns a dict:
    ``image_emb``, ``text_emb``, ``joint_emb`` (B, D), unit length; for each available modality the
    concept outputs ``{,image_,text_}concept_{logits,cond_log_probs,log_probs,probs}`` (B, K), where
    the unprefixed ones come from the joint embedding (or the only modality given); and
    ``concept_maps`` (B, K, H, W) logits when images are given."""

    def __init__(self, config: ModelConfig, tree: EITree):
        super().__init__()
        self.config = config
        self.image = ImageProjection(config)
        self.text = TextProjection(config) if config.use_text else None
        self.concepts = create_concept_layer(config.concept_head, tree, config.embed_dim)
        if config.fusion not in ("mean", "gated"):
            raise ValueError(f"unknown fusion {config.fusion!r}; known: mean, gated")
        self.fusion_gate = nn.Parameter(torch.zeros(())) if config.fusion == "gated" else None  # logit of the image weight

    def set_input_stats(self, image_maps: torch.Tensor, image_colour: torch.Tensor, text: torch.Tensor) -> None:
        """Standardise inputs with statistics of (a sample of) the training features."""
        self.image.map_norm.set_stats(image_maps)
        self.image.colour_norm.set_stats(image_colour)
        if self.text is not None:
            self.text.norm.set_stats(text)

    def encode_image(self, image_maps: torch.Tensor, image_colour: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Unit image embedding (B, D) and the projected map scaled like it (B, D, H, W)."""
        projected, pooled = self.image(image_maps, image_colour)
        norm = pooled.norm(dim=1).clamp_min(1e-6)  # (B,)
        return pooled / norm[:, None], projected / norm[:, None, None, None]

    def concept_maps(self, image_maps: torch.Tensor, image_colour: torch.Tensor) -> torch.Tensor:
        """(B, K, H, W) concept logits at every location of a feature map of any size (the concept
        layer as a 1x1 conv, CAM-style); their mean over locations is the image's concept logits."""
        if self.concepts is None:
            raise ValueError("this model has no concept head")
        _, scaled_map = self.encode_image(image_maps, image_colour)
        return self.concepts.concept_maps(scaled_map)

    def encode_text(self, text: torch.Tensor) -> torch.Tensor:
        """Unit text embedding (B, D)."""
        if self.text is None:
            raise ValueError("this model has no text branch (use_text is False)")
        return F.normalize(self.text(text), dim=-1)

    def fuse(self, embs: dict[str, torch.Tensor]) -> torch.Tensor:
        """Unit joint embedding: the normalised (weighted) mean of the available unit embeddings."""
        if len(embs) == 1:
            return next(iter(embs.values()))
        weight = 0.5 if self.fusion_gate is None else torch.sigmoid(self.fusion_gate)
        return F.normalize(weight * embs["image"] + (1 - weight) * embs["text"], dim=-1)

    def forward(self, image_maps: torch.Tensor | None = None, image_colour: torch.Tensor | None = None,
                text: torch.Tensor | None = None, **_) -> dict[str, torch.Tensor]:
        out: dict[str, torch.Tensor] = {}
        embs: dict[str, torch.Tensor] = {}
        scaled_map = None
        if image_maps is not None:
            embs["image"], scaled_map = self.encode_image(image_maps, image_colour)
        if text is not None and self.text is not None:
            embs["text"] = self.encode_text(text)
        if not embs:
            raise ValueError("forward needs image features, text features or both")
        out.update({f"{m}_emb": e for m, e in embs.items()})
        out["joint_emb"] = self.fuse(embs)
        if self.concepts is None:
            return out
        views = {"joint": out["joint_emb"], **(embs if len(embs) > 1 else {})}
        concept_out = self.concepts(torch.cat(list(views.values())))  # one pass over (V * B, D)
        for modality, chunk in zip(views, range(len(views))):
            rows = slice(chunk * len(out["joint_emb"]), (chunk + 1) * len(out["joint_emb"]))
            out.update({_prefix(modality) + k: v[rows] for k, v in concept_out.items()})
        if scaled_map is not None:
            out["concept_maps"] = self.concepts.concept_maps(scaled_map)  # (B, K, H, W); mean = image logits
        return out

    @torch.no_grad()
    def represent(self, image_maps=None, image_colour=None, text=None, batch_size: int = 1024) -> dict[str, torch.Tensor]:
        """Representations of many products in eval mode, batched: ``emb`` (N, D) and, with a
        concept head, ``concept_probs`` (N, K) and ``concept_cond_log_probs`` (N, K), on the CPU
        whatever device the model runs on."""
        was_training = self.training
        self.eval()
        n = len(image_maps) if image_maps is not None else len(text)
        keys = ["joint_emb", "concept_probs", "concept_cond_log_probs"]
        chunks: dict[str, list[torch.Tensor]] = {k: [] for k in keys}
        for start in range(0, n, batch_size):
            rows = slice(start, start + batch_size)
            device = next(self.parameters()).device
            out = self(image_maps=_tensor(image_maps, rows, device), image_colour=_tensor(image_colour, rows, device),
                       text=_tensor(text, rows, device))
            for key in keys:
                if key in out:
                    chunks[key].append(out[key].float().cpu())
        self.train(was_training)
        names = {"joint_emb": "emb", "concept_probs": "concept_probs", "concept_cond_log_probs": "concept_cond_log_probs"}
        return {names[k]: torch.cat(v) for k, v in chunks.items() if v}


def _tensor(values, rows, device):
    if values is None:
        return None
    return torch.as_tensor(values[rows]).to(device)
