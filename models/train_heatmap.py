"""Training the heatmap head (``fashionbot train-heatmap``): distilled from the served model.

For every train-split photo, one backbone pass gives block 10's features (the head's input) and
the last feature map, from which the served model's image-only concept logits are the teacher.
The head is trained with the EI-tree distillation loss (``losses.EIDistillationLoss``), then
checked on val photos: how often its most probable value in each exclusive group is the served
model's, and the correlation of its concept scores with the served ones. Never imported by the
engine at serve time.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from tqdm.auto import tqdm

from .encoders import ImageBackbone, load_image
from .evidence import contrast_matrix
from .heatmap_head import HeatmapHead, HeatmapHeadConfig, save_heatmap_head
from .losses import EIDistillationLoss
from .metrics import group_predictions
from .tree import EITree


@torch.no_grad()
def distillation_data(model, backbone: ImageBackbone, paths: list[Path], block: int, batch_size: int = 64,
                      progress: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, C, h, w) float16 block features and (N, K) served image-only concept logits of the photos."""
    maps, teacher = [], []
    size = backbone.config.image_size
    for start in tqdm(range(0, len(paths), batch_size), desc=f"Block {block} features + teacher", unit="batch",
                      disable=not progress):
        images = torch.stack([load_image(p, size) for p in paths[start:start + batch_size]])
        feats = backbone(images, tap=block)
        maps.append(feats["tap"].detach().half())
        teacher.append(model(image_maps=feats["feature_map"], image_colour=feats["colour"])["concept_logits"])
    return torch.cat(maps), torch.cat(teacher)


@torch.no_grad()
def agreement(head: HeatmapHead, tree: EITree, maps: torch.Tensor, teacher: torch.Tensor,
              batch_size: int = 512) -> dict:
    """How closely the head follows the teacher: the share of exclusive groups whose most probable
    member is the teacher's, and the mean over concepts of the correlation across photos of the
    concept scores (logit minus the mean of its siblings', the heatmap's evidence pooled)."""
    structure = head.concepts.structure
    logits = torch.cat([head(maps[i:i + batch_size])["concept_logits"] for i in range(0, len(maps), batch_size)])
    groups, valid = structure.group_index, structure.group_valid
    same = group_predictions(logits, groups, valid) == group_predictions(teacher, groups, valid)
    contrast = torch.from_numpy(contrast_matrix(tree))
    ours, theirs = (logits @ contrast.T).numpy(), (teacher @ contrast.T).numpy()
    scored = [k for k in range(ours.shape[1]) if ours[:, k].std() > 1e-6 and theirs[:, k].std() > 1e-6]
    corr = [np.corrcoef(ours[:, k], theirs[:, k])[0, 1] for k in scored]
    return {"group_argmax_agreement": float(same.float().mean()), "mean_concept_correlation": float(np.mean(corr)),
            "photos": len(maps)}


def fit_head(tree: EITree, config: HeatmapHeadConfig, maps: torch.Tensor, teacher: torch.Tensor, epochs: int = 20,
             batch_size: int = 128, lr: float = 2e-3, seed: int = 0, progress: bool = True) -> HeatmapHead:
    """A fresh head trained on the distillation data (AdamW, cosine decay)."""
    torch.manual_seed(seed)
    head = HeatmapHead(config, tree)
    head.norm.set_stats(maps[torch.randperm(len(maps))[:4000]].float())
    loss_fn = EIDistillationLoss(head.concepts.structure)
    optimizer = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * ((len(maps) + batch_size - 1) // batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps, eta_min=lr * 0.05)
    generator = torch.Generator().manual_seed(seed)
    head.train()
    for _ in tqdm(range(epochs), desc="Training the heatmap head", unit="epoch", disable=not progress):
        order = torch.randperm(len(maps), generator=generator)
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            loss = loss_fn(**head(maps[rows]), teacher_logits=teacher[rows])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
    return head.eval()


def train_heatmap_head(model, tree: EITree, products, image_root: Path, out: Path,
                       config: HeatmapHeadConfig | None = None, epochs: int = 20, limit: int | None = None,
                       val_limit: int = 2000, seed: int = 0, checkpoint_sha: str = "", progress: bool = True,
                       log: Callable[[str], None] = print) -> dict:
    """Train the head on the train split's photos (``limit``: a seeded sample of them), check it on
    ``val_limit`` val photos, and write ``out`` and its card ``out.with_suffix('.json')``."""
    config = config or HeatmapHeadConfig()
    started = time.perf_counter()
    rng = np.random.default_rng(seed)

    def photos(split: str, cap: int | None) -> list[Path]:
        paths = [Path(image_root) / p.image_path for p in products.split(split) if p.image_path]
        if cap is not None and cap < len(paths):
            paths = [paths[i] for i in sorted(rng.choice(len(paths), cap, replace=False))]
        return paths

    backbone = ImageBackbone().eval()
    train_paths, val_paths = photos("train", limit), photos("val", val_limit)
    maps, teacher = distillation_data(model, backbone, train_paths, config.block, progress=progress)
    extract_seconds = time.perf_counter() - started
    log(f"heatmap head: {len(train_paths)} train photos' block {config.block} features in {extract_seconds:.0f} s")
    head = fit_head(tree, config, maps, teacher, epochs, seed=seed, progress=progress)
    val = agreement(head, tree, *distillation_data(model, backbone, val_paths, config.block, progress=progress))
    card = {"file": out.name, "config": config.__dict__, "teacher_checkpoint_sha": checkpoint_sha,
            "train_photos": len(train_paths), "epochs": epochs, "seed": seed, "val": val,
            "parameters": sum(p.numel() for p in head.parameters()),
            "seconds": {"features": round(extract_seconds, 1), "total": round(time.perf_counter() - started, 1)},
            "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
    save_heatmap_head(head, out, tree, meta=card)
    out.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")
    log(f"heatmap head written to {out}: val agreement {val}")
    return card
