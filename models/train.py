"""Training the heads on cached backbone features (``fashionbot train``).

Train on the catalogue's train split, validate every epoch on val, stop early on the validation
score (mean of concept accuracy and cross-modal R@10), keep the best epoch, and write the
checkpoint and its model card. The catalogue arrives as plain records (``models/data.py``).
Never imported by the engine at serve time.
"""
from __future__ import annotations

import copy
import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from .config import Config, load_config
from .data import ProductSet
from .ei_tree import ConceptTargets, build_targets
from .factory import CHECKPOINT_DIR, create_model, save_checkpoint, tree_signature
from .features import FeatureSet
from .losses import EIConceptLoss, FlatConceptLoss, RankingLoss, TotalLoss
from .metrics import group_accuracy, recall_at_k
from .model import FashionModel
from .tree import EITree


@dataclass
class SplitData:
    """One split's training inputs: mean-pooled maps (exact for the linear image branch, see
    ``models/model.py``), colour and text features, and label tensors; rows follow ``ids``."""

    ids: np.ndarray  # (N,) product ids
    image_maps: torch.Tensor  # (N, C, 1, 1) float32, mean over locations
    image_colour: torch.Tensor  # (N, C_col)
    text: torch.Tensor  # (N, C_txt)
    targets: ConceptTargets

    def __len__(self) -> int:
        return len(self.ids)

    def batch(self, rows: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"image_maps": self.image_maps[rows], "image_colour": self.image_colour[rows],
                "text": self.text[rows], **self.targets[rows]}


@dataclass
class TrainResult:
    """What ``train`` produced."""

    checkpoint: Path
    card: Path
    best_epoch: int
    val: dict  # validation metrics of the best epoch
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0


def pool_maps(image_maps: np.ndarray, chunk: int = 4096) -> torch.Tensor:
    """(N, C, H, W) float16 -> (N, C, 1, 1) float32 mean over locations, in chunks to bound memory."""
    out = np.empty((len(image_maps), image_maps.shape[1], 1, 1), dtype=np.float32)
    for start in range(0, len(image_maps), chunk):
        block = image_maps[start:start + chunk].astype(np.float32)
        out[start:start + chunk] = block.mean(axis=(2, 3), keepdims=True)
    return torch.from_numpy(out)


def prepare_split(products: ProductSet, tree: EITree, features: FeatureSet, split: str) -> SplitData:
    """Features and label tensors of one split's products that have cached features."""
    products = products.split(split, features.ids)
    if not products:
        raise ValueError(f"no {split} products have cached features")
    ids = np.asarray([p.id for p in products], dtype=np.int64)
    rows = features.subset(ids)
    return SplitData(ids=ids, image_maps=pool_maps(rows.image_maps),
                     image_colour=torch.from_numpy(np.asarray(rows.image_colour, dtype=np.float32)),
                     text=torch.from_numpy(np.asarray(rows.text, dtype=np.float32)),
                     targets=build_targets(tree, [set(p.labels) for p in products]))


def build_loss(config: Config, model: FashionModel, hardest: bool = True) -> TotalLoss:
    """The weighted losses a config asks for."""
    losses = {}
    if config.model.use_text and config.train.ranking_weight > 0:
        losses["ranking"] = (config.train.ranking_weight, RankingLoss(config.train.margin, hardest=hardest))
    if model.concepts is not None and config.train.concept_weight > 0:
        views = config.train.views
        concept = (EIConceptLoss(model.concepts.structure, views) if config.model.concept_head == "ei_tree"
                   else FlatConceptLoss(views))
        losses["concept"] = (config.train.concept_weight, concept)
    if not losses:
        raise ValueError(f"config {config.name!r} trains nothing: no ranking loss and no concept loss")
    return TotalLoss(losses)


def train_step(model: FashionModel, loss_fn: TotalLoss, optimizer, batch: dict) -> dict[str, float]:
    """One optimisation step on a batch; returns the loss terms."""
    outputs = model(**batch)
    total, terms = loss_fn(**outputs, **batch)
    optimizer.zero_grad(set_to_none=True)
    total.backward()
    optimizer.step()
    return {"loss": float(total.detach()), **terms}


def train_epoch(model, loss_fn, optimizer, scheduler, data: SplitData, batch_size: int,
                generator: torch.Generator, device: str) -> dict[str, float]:
    """One pass over the shuffled training split; returns the mean of each loss term."""
    model.train()
    order = torch.randperm(len(data), generator=generator)
    sums: dict[str, float] = {}
    steps = 0
    for start in range(0, len(order) - 1, batch_size):
        rows = order[start:start + batch_size]
        if len(rows) < 2:
            continue
        batch = {k: v.to(device) for k, v in data.batch(rows).items()}
        for key, value in train_step(model, loss_fn, optimizer, batch).items():
            sums[key] = sums.get(key, 0.0) + value
        scheduler.step()
        steps += 1
    return {k: v / max(steps, 1) for k, v in sums.items()}


@torch.no_grad()
def validate(model: FashionModel, data: SplitData, device: str = "cpu") -> dict[str, float]:
    """Concept accuracy per view (micro, over labelled exclusive groups), cross-modal R@10, and
    ``score``: the mean of the available ones (the early-stopping metric)."""
    model.eval()
    inputs = {"image_maps": data.image_maps.to(device), "image_colour": data.image_colour.to(device),
              "text": data.text.to(device) if model.text is not None else None}
    metrics: dict[str, float] = {}
    views = {"image": dict(inputs, text=None)}
    if model.text is not None:
        views.update({"joint": inputs, "text": {"text": inputs["text"]}})
    reps = {name: model.represent(**view) for name, view in views.items()}
    if model.concepts is not None:
        groups = model.concepts.structure.group_index.cpu()
        valid = model.concepts.structure.group_valid.cpu()
        for name, rep in reps.items():
            metrics[f"concept_acc_{name}"] = group_accuracy(rep["concept_probs"].cpu(), groups, valid,
                                                            data.targets.group_targets)
    if model.text is not None:
        scores = (reps["image"]["emb"] @ reps["text"]["emb"].T).cpu()  # (N, N) images x texts
        metrics["r10_i2t"] = recall_at_k(scores, 10)
        metrics["r10_t2i"] = recall_at_k(scores.T, 10)
    parts = []
    concept = [v for k, v in metrics.items() if k.startswith("concept_acc_")]
    if concept:
        parts.append(sum(concept) / len(concept))
    if model.text is not None:
        parts.append((metrics["r10_i2t"] + metrics["r10_t2i"]) / 2)
    metrics["score"] = sum(parts) / len(parts)
    return metrics


def _scheduler(optimizer, total_steps: int):
    """Cosine decay from the base learning rate to 5% of it."""
    def factor(step: int) -> float:
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(step / max(total_steps, 1), 1.0)))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def fit(config: Config, tree: EITree, train_data: SplitData, val_data: SplitData,
        log: Callable[[str], None] = print, log_file: Path | None = None) -> tuple[FashionModel, list[dict], int]:
    """Train a fresh model; returns the best-epoch model, the per-epoch history and the best epoch."""
    settings = config.train
    torch.manual_seed(settings.seed)
    device = settings.device if settings.device != "cuda" or torch.cuda.is_available() else "cpu"
    model = create_model(config, tree)
    model.set_input_stats(train_data.image_maps, train_data.image_colour, train_data.text)
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    steps_per_epoch = max(len(train_data) // settings.batch_size, 1)
    scheduler = _scheduler(optimizer, settings.epochs * steps_per_epoch)
    generator = torch.Generator().manual_seed(settings.seed)
    history, best, best_state, best_epoch = [], -1.0, None, 0
    for epoch in range(1, settings.epochs + 1):
        start = time.perf_counter()
        loss_fn = build_loss(config, model, hardest=epoch > settings.hard_negative_warmup)
        losses = train_epoch(model, loss_fn, optimizer, scheduler, train_data, settings.batch_size, generator, device)
        val = validate(model, val_data, device)
        record = {"epoch": epoch, **{f"train_{k}": round(v, 5) for k, v in losses.items()},
                  **{f"val_{k}": round(v, 5) for k, v in val.items()}, "seconds": round(time.perf_counter() - start, 2)}
        history.append(record)
        log(f"{config.name}: epoch {epoch:2d}  " + "  ".join(f"{k}={v}" for k, v in record.items() if k != "epoch"))
        if log_file:
            with open(log_file, "a") as fh:
                fh.write(json.dumps({"variant": config.name, **record}) + "\n")
        if val["score"] > best:
            best, best_epoch, best_state = val["score"], epoch, copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= settings.patience:
            log(f"{config.name}: early stop: no better val score for {settings.patience} epochs")
            break
    model.load_state_dict(best_state)
    return model.cpu().eval(), history, best_epoch


def train(config: Config | str, products: ProductSet, tree: EITree, features: FeatureSet,
          out_dir: Path | str = CHECKPOINT_DIR, log: Callable[[str], None] = print,
          extra_meta: dict | None = None) -> TrainResult:
    """Train ``config`` (or a variant name) on the train split, early-stop on val, and write
    ``<out_dir>/<name>.pt``, its model card ``<name>.json`` and the per-epoch log ``<name>.log.jsonl``.
    ``extra_meta`` (e.g. feature-extraction time) goes into the card."""
    started = time.perf_counter()
    config = load_config(config) if isinstance(config, str) else copy.deepcopy(config)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config.model.colour_dim = int(features.image_colour.shape[1])
    config.model.image_channels = int(features.image_maps.shape[1])
    config.model.text_dim = int(features.text.shape[1])
    train_data = prepare_split(products, tree, features, "train")
    val_data = prepare_split(products, tree, features, "val")
    log(f"{config.name}: train {len(train_data)} / val {len(val_data)} products, "
        f"{len(tree.order)} concepts, features {features.key or '(unkeyed)'}")
    log_file = out_dir / f"{config.name}.log.jsonl"
    log_file.unlink(missing_ok=True)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(config.train.threads or os.cpu_count() or 1)
    fit_start = time.perf_counter()
    try:
        model, history, best_epoch = fit(config, tree, train_data, val_data, log, log_file)
    finally:
        threads = torch.get_num_threads()
        torch.set_num_threads(previous_threads)
    fit_seconds = time.perf_counter() - fit_start
    epochs_run = len(history)
    meta = {
        "name": config.name,
        "config": config.to_dict(),
        "data": {"catalog_fingerprint": products.fingerprint, "features_key": features.key,
                 "tree_signature": tree_signature(tree), "concepts": len(tree.order)},
        "splits": {"train": len(train_data), "val": len(val_data),
                   "test": len(products.split("test", features.ids))},
        "training": {"seconds": round(time.perf_counter() - started, 1), "fit_seconds": round(fit_seconds, 1),
                     "epochs_run": epochs_run, "best_epoch": best_epoch,
                     "products_per_second": round(len(train_data) * epochs_run / max(fit_seconds, 1e-9), 1),
                     "device": config.train.device, "torch": torch.__version__,
                     "threads": threads},
        "val": {k.removeprefix("val_"): v for k, v in history[best_epoch - 1].items() if k.startswith("val_")},
        "parameters": sum(p.numel() for p in model.parameters()),
        **(extra_meta or {}),
    }
    checkpoint = save_checkpoint(model, out_dir / f"{config.name}.pt", config, tree, meta)
    meta["checkpoint_bytes"] = checkpoint.stat().st_size
    meta["history"] = history
    card = out_dir / f"{config.name}.json"
    card.write_text(json.dumps(meta, indent=2) + "\n")
    seconds = time.perf_counter() - started
    log(f"{config.name}: best epoch {best_epoch} (val score {meta['val']['score']:.4f}); "
        f"trained in {seconds:.1f} s; checkpoint {checkpoint} ({meta['checkpoint_bytes'] / 1e6:.1f} MB)")
    return TrainResult(checkpoint=checkpoint, card=card, best_epoch=best_epoch, val=meta["val"],
                       history=history, seconds=seconds)
