"""The upper blocks of the image backbone, fine-tuned with the heads on cached activations.

``BackboneTop`` holds trainable copies of the last ``count`` MBConv blocks of EfficientNet-Lite0
and its head conv: it maps the cached output of the block below them (``models/block_cache.py``)
to the 1280-channel feature map the heads read. ``TunedModel`` puts it under a ``FashionModel``
and keeps that model's contract (``forward`` returns the heads' dict), so the training step,
the losses and the validation of ``models/train.py`` run unchanged. Batch-norm statistics stay
those of ImageNet (the layers run in eval mode); their scales and shifts train.

For serving, ``save_backbone`` writes the whole backbone with the fine-tuned blocks (float16) in
place, a state dict that ``BackboneConfig.image_weights`` loads; its hash enters the feature-cache
key, so the catalogue's features are extracted again with it.
"""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .digest import file_sha
from .encoders import BackboneConfig, ImageBackbone
from .features import FeatureSet
from .model import FashionModel


class BackboneTop(nn.Module):
    """(B, C_block, h, w) activations of block ``first - 1`` -> (B, 1280, H, W) feature map, through
    trainable copies of blocks ``first`` .. last and the head conv. ``drop_connect`` is the
    backbone's stochastic-depth rate (scaled by block depth, as EfficientNet does), training only."""

    def __init__(self, backbone: ImageBackbone, count: int, drop_connect: float = 0.0):
        super().__init__()
        net = backbone.net
        if not 0 < count <= len(net._blocks):
            raise ValueError(f"finetune_blocks must be 1..{len(net._blocks)}, not {count}")
        self.total_blocks = len(net._blocks)
        self.first = self.total_blocks - count
        # channels-last: the depthwise convolutions' backward pass is ~1.5x faster on CPU
        self.blocks = copy.deepcopy(net._blocks[self.first:]).float().to(memory_format=torch.channels_last)
        self.conv_head = copy.deepcopy(net._conv_head).float().to(memory_format=torch.channels_last)
        self.bn1 = copy.deepcopy(net._bn1).float()
        self.swish = copy.deepcopy(net._swish)
        self.drop_connect = drop_connect
        self.requires_grad_(True)

    @property
    def input_block(self) -> int:
        """The block whose cached output this reads."""
        return self.first - 1

    def train(self, mode: bool = True) -> "BackboneTop":
        super().train(mode)
        for module in self.modules():  # ImageNet batch-norm statistics: too few photos per batch to re-estimate them
            if isinstance(module, nn.BatchNorm2d):
                module.eval()
        return self

    def forward(self, block_maps: torch.Tensor) -> torch.Tensor:
        x = block_maps.float().contiguous(memory_format=torch.channels_last)
        for offset, block in enumerate(self.blocks):
            rate = self.drop_connect * (self.first + offset) / self.total_blocks if self.training else None
            x = block(x, drop_connect_rate=rate)
        return self.swish(self.bn1(self.conv_head(x)))  # (B, 1280, H, W)

    @torch.no_grad()
    def pooled_maps(self, block_maps, batch_size: int = 512) -> torch.Tensor:
        """(N, 1280, 1, 1) float32 means over locations of the feature maps of many cached block
        maps (an array or a tensor), in eval mode: what the linear image branch needs (``models/model.py``)."""
        was_training = self.training
        self.eval()
        device = next(self.parameters()).device
        out = torch.empty(len(block_maps), self.conv_head.out_channels, 1, 1)
        for start in range(0, len(block_maps), batch_size):
            chunk = block_maps[start:start + batch_size]
            chunk = chunk.float() if torch.is_tensor(chunk) else torch.from_numpy(np.asarray(chunk, dtype=np.float32))
            chunk = chunk.to(device)
            out[start:start + len(chunk)] = self(chunk).mean(dim=(2, 3), keepdim=True).cpu()
        self.train(was_training)
        return out


class TunedModel(nn.Module):
    """A ``FashionModel`` reading cached block maps through a trainable ``BackboneTop``: the same
    inputs and outputs as the heads, except that ``image_maps`` are block maps."""

    def __init__(self, top: BackboneTop, heads: FashionModel):
        super().__init__()
        self.top, self.heads = top, heads

    @property
    def text(self):
        return self.heads.text

    @property
    def concepts(self):
        return self.heads.concepts

    def encode_text(self, text: torch.Tensor) -> torch.Tensor:
        return self.heads.encode_text(text)

    def forward(self, image_maps: torch.Tensor | None = None, **inputs) -> dict[str, torch.Tensor]:
        return self.heads(image_maps=None if image_maps is None else self.top(image_maps), **inputs)

    @torch.no_grad()
    def represent(self, image_maps=None, image_colour=None, text=None, batch_size: int = 1024) -> dict[str, torch.Tensor]:
        """``FashionModel.represent`` of block maps (pooled through the top first)."""
        maps = None if image_maps is None else self.top.pooled_maps(image_maps)
        return self.heads.represent(image_maps=maps, image_colour=image_colour, text=text, batch_size=batch_size)


def save_backbone(top: BackboneTop, backbone: ImageBackbone, path: Path | str) -> Path:
    """Write the whole backbone's state dict with ``top``'s blocks in place: what
    ``BackboneConfig.image_weights`` loads. The fine-tuned tensors are stored as float16 (the
    precision ``tuned_features`` measures them at); the frozen ones as they are, so the blocks
    below the top, the colour descriptor among them, compute exactly what they computed before."""
    state = {k: v.detach().cpu().clone() for k, v in backbone.net.state_dict().items()}
    tuned = {f"_blocks.{top.first + int(k.split('.', 1)[0])}.{k.split('.', 1)[1]}": v
             for k, v in top.blocks.state_dict().items()}
    tuned.update({f"_conv_head.{k}": v for k, v in top.conv_head.state_dict().items()})
    tuned.update({f"_bn1.{k}": v for k, v in top.bn1.state_dict().items()})
    missing = set(tuned) - set(state)
    if missing:
        raise ValueError(f"fine-tuned weights the backbone lacks: {sorted(missing)[:3]}")
    state.update({k: v.detach().cpu().half() if v.is_floating_point() else v.detach().cpu() for k, v in tuned.items()})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    return path


def input_block(count: int, backbone: ImageBackbone | None = None) -> int:
    """The block whose cached output the last ``count`` blocks read (Lite0, 5: block 10)."""
    backbone = backbone or ImageBackbone()
    return len(backbone.net._blocks) - count - 1


def tuned_features(weights: Path | str, count: int, blocks, features: FeatureSet) -> FeatureSet:
    """``features`` with each image map replaced by the fine-tuned backbone's, pooled over
    locations ((N, 1280, 1, 1) float32, exact for the linear image branch): the top is loaded from
    ``weights`` the way the engine would load them (``BackboneConfig.image_weights``) and run over
    the cached block maps. The key becomes ``<features key>+<weights file hash>``."""
    backbone = ImageBackbone(BackboneConfig(image_weights=str(weights)))
    top = BackboneTop(backbone, count).eval()
    maps = top.pooled_maps(blocks.maps[blocks.rows(features.ids)])  # (N, 1280, 1, 1)
    return FeatureSet(features.ids, maps.numpy(), features.image_colour, features.text,
                      f"{features.key}+{file_sha(Path(weights), length=12)}")
