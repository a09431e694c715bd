"""Training the heads on cached backbone features (``fashionbot train``).

Train on the catalogue's train split, validate every epoch on val, stop early on the validation
score (mean of concept accuracy and cross-modal R@10), keep the best epoch, and write the
checkpoint and its model card. With ``train.finetune_blocks`` the backbone's upper blocks train
with the heads, on cached activations of the block below them, and are written beside the heads. The catalogue arrives as plain records (``models/data.py``).
Never imported by the engine at serve time.
"""
from __future__ import annotations

import copy
import json
import math
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from .backbone_top import BackboneTop, TunedModel, save_backbone
from .block_cache import BlockMaps
from .config import Config, load_config
from .data import ProductSet
from .ei_tree import ConceptTargets, build_targets
from .encoders import BackboneConfig, ImageBackbone
from .factory import CHECKPOINT_DIR, create_model, save_checkpoint, tree_signature
from .features import FeatureSet, TextBank
from .losses import EIConceptLoss, ExtraTextLoss, FlatConceptLoss, InfoNCELoss, RankingLoss, TotalLoss
from .metrics import group_accuracy, recall_at_k
from .model import FashionModel
from .tree import EITree


@dataclass
class SplitData:
    """One split's training inputs: mean-pooled maps (exact for the linear image branch, see
    ``models/model.py``), colour and text features, and label tensors; rows follow ``ids``.

    ``name_codes`` give same-name products one code. ``text_options`` (N, V) index the rows of
    ``text_bank`` (M, C_txt) that may stand for a product as its extra positive text (its name,
    its label phrases), -1 where it has fewer; a training batch draws one per product."""

    ids: np.ndarray  # (N,) product ids
    image_maps: torch.Tensor  # (N, C, 1, 1) float32, mean over locations
    image_colour: torch.Tensor  # (N, C_col)
    text: torch.Tensor  # (N, C_txt)
    targets: ConceptTargets
    name_codes: torch.Tensor | None = None  # (N,) int64
    text_bank: torch.Tensor | None = None  # (M, C_txt) embeddings of names and label phrases
    text_options: torch.Tensor | None = None  # (N, V) int64 rows of text_bank, -1: none

    def __len__(self) -> int:
        return len(self.ids)

    def batch(self, rows: torch.Tensor, generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """Inputs and targets of ``rows``; with a ``generator`` and text options, one more text per
        product drawn among its options (``extra_text``, with its bank row as ``extra_text_codes``)."""
        extra = {} if self.name_codes is None else {"name_codes": self.name_codes[rows]}
        if generator is not None and self.text_options is not None:
            options = self.text_options[rows]  # (B, V)
            pick = (torch.rand(options.shape, generator=generator) * (options >= 0)).argmax(dim=1)  # a valid option
            codes = options.gather(1, pick[:, None]).squeeze(1)  # (B,) rows of text_bank
            extra.update(extra_text=self.text_bank[codes], extra_text_codes=codes)
        return {"image_maps": self.image_maps[rows], "image_colour": self.image_colour[rows],
                "text": self.text[rows], **self.targets[rows], **extra}


@dataclass
class TrainResult:
    """What ``train`` produced."""

    checkpoint: Path
    card: Path
    best_epoch: int
    val: dict  # validation metrics of the best epoch
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    backbone: Path | None = None  # the fine-tuned backbone's float16 state dict (``train.finetune_blocks``)


def pool_maps(image_maps: np.ndarray, chunk: int = 4096) -> torch.Tensor:
    """(N, C, H, W) float16 -> (N, C, 1, 1) float32 mean over locations, in chunks to bound memory."""
    out = np.empty((len(image_maps), image_maps.shape[1], 1, 1), dtype=np.float32)
    for start in range(0, len(image_maps), chunk):
        block = image_maps[start:start + chunk].astype(np.float32)
        out[start:start + chunk] = block.mean(axis=(2, 3), keepdims=True)
    return torch.from_numpy(out)


def prepare_split(products: ProductSet, tree: EITree, features: FeatureSet, split: str,
                  bank: TextBank | None = None, positive_texts: tuple[str, ...] = ("text",)) -> SplitData:
    """Features and label tensors of one split's products that have cached features; with a
    ``bank``, the extra positive texts ``positive_texts`` names besides "text" (the cached name +
    description): "name", "phrases", one of them drawn per product and step in training."""
    products = products.split(split, features.ids)
    if not products:
        raise ValueError(f"no {split} products have cached features")
    ids = np.asarray([p.id for p in products], dtype=np.int64)
    rows = features.subset(ids)
    text = torch.from_numpy(np.asarray(rows.text, dtype=np.float32))
    codes: dict[str, int] = {}
    name_codes = torch.tensor([codes.setdefault(p.name.strip().lower() or f"#{p.id}", len(codes)) for p in products],
                              dtype=torch.int64)
    data = SplitData(ids=ids, image_maps=pool_maps(rows.image_maps),
                     image_colour=torch.from_numpy(np.asarray(rows.image_colour, dtype=np.float32)),
                     text=text, targets=build_targets(tree, [set(p.labels) for p in products]), name_codes=name_codes)
    if bank is not None and set(positive_texts) != {"text"}:
        data.text_bank, data.text_options = torch.from_numpy(bank.emb), text_options(products, bank, positive_texts)
    return data


def positive_text_strings(product, positive_texts: tuple[str, ...]) -> list[str]:
    """The short texts (besides the cached full text) that may stand for ``product`` in training."""
    texts = [product.name] if "name" in positive_texts and product.name else []
    return texts + (list(product.phrases) if "phrases" in positive_texts else [])


def text_options(products, bank: TextBank, positive_texts: tuple[str, ...]) -> torch.Tensor:
    """(N, V) rows of ``bank`` that may stand for each product as its extra positive text (-1 pads)."""
    short = [positive_text_strings(p, positive_texts) for p in products]
    options = np.full((len(products), max(max(len(s) for s in short), 1)), -1, dtype=np.int64)
    for row, strings in enumerate(short):
        found = bank.rows(strings)
        if (found < 0).any():
            raise ValueError(f"the text bank lacks {strings[int(np.argmax(found < 0))]!r}")
        options[row, :len(found)] = found
    if (options < 0).all(axis=1).any():
        raise ValueError("a product has no name and no label phrase to draw as its extra positive text")
    return torch.from_numpy(options)


def bank_texts(products: ProductSet, positive_texts: tuple[str, ...]) -> list[str]:
    """Every short text the train and val splits need in the text bank (``models/features.text_bank``)."""
    return sorted({t for p in products.products if p.split in ("train", "val")
                   for t in positive_text_strings(p, positive_texts)})


def build_loss(config: Config, model: FashionModel, hardest: bool = True) -> TotalLoss:
    """The weighted losses a config asks for."""
    settings = config.train
    losses = {}
    if config.model.use_text and settings.ranking_weight > 0:
        if settings.ranking_loss == "hinge":
            ranking = RankingLoss(settings.margin, hardest=hardest, same_name=settings.same_name_positives)
        elif settings.ranking_loss == "infonce":
            ranking = InfoNCELoss(settings.temperature, settings.learn_temperature, settings.same_name_positives)
        else:
            raise ValueError(f"unknown ranking_loss {settings.ranking_loss!r}; known: hinge, infonce")
        losses["ranking"] = (settings.ranking_weight, ranking)
        if set(settings.positive_texts) != {"text"}:
            losses["extra_text"] = (settings.ranking_weight, ExtraTextLoss(ranking))
    if model.concepts is not None and settings.concept_weight > 0:
        views = settings.views
        concept = (EIConceptLoss(model.concepts.structure, views) if config.model.concept_head == "ei_tree"
                   else FlatConceptLoss(views))
        losses["concept"] = (settings.concept_weight, concept)
    if not losses:
        raise ValueError(f"config {config.name!r} trains nothing: no ranking loss and no concept loss")
    return TotalLoss(losses)


def train_step(model: FashionModel, loss_fn: TotalLoss, optimizer, batch: dict) -> dict[str, float]:
    """One optimisation step on a batch; returns the loss terms."""
    outputs = model(**batch)
    if "extra_text" in batch:  # one more positive text per product (a name or a label phrase)
        outputs["extra_text_emb"] = model.encode_text(batch["extra_text"])
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
        batch = {k: v.to(device) for k, v in data.batch(rows, generator).items()}
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


def _temperature(loss_fn: TotalLoss) -> dict[str, float]:
    """The ranking loss's current temperature, when it has one."""
    ranking = loss_fn.terms["ranking"] if "ranking" in loss_fn.terms else None
    return {"temperature": round(float(1 / ranking.scale.detach()), 5)} if hasattr(ranking, "scale") else {}


def fit(config: Config, tree: EITree, train_data: SplitData, val_data: SplitData,
        log: Callable[[str], None] = print, log_file: Path | None = None) -> tuple[FashionModel, list[dict], int]:
    """Train a fresh model; returns the best-epoch model, the per-epoch history and the best epoch."""
    settings = config.train
    torch.manual_seed(settings.seed)
    device = train_device(settings.device)
    model = create_model(config, tree)
    model.set_input_stats(train_data.image_maps, train_data.image_colour, train_data.text)
    model.to(device)
    loss_fn = build_loss(config, model, hardest=settings.hard_negative_warmup < 1).to(device)
    optimizer = torch.optim.AdamW([*model.parameters(), *loss_fn.parameters()], lr=settings.lr,
                                  weight_decay=settings.weight_decay)
    history, best_epoch = run_epochs(config, model, loss_fn, optimizer, train_data, val_data, log, log_file)
    return model.cpu().eval(), history, best_epoch


def train_device(name: str) -> str:
    """The device training runs on: ``name``, or the CPU when CUDA is asked for but absent."""
    return name if name != "cuda" or torch.cuda.is_available() else "cpu"


def run_epochs(config: Config, model, loss_fn: TotalLoss, optimizer, train_data: SplitData, val_data: SplitData,
               log: Callable[[str], None] = print, log_file: Path | None = None) -> tuple[list[dict], int]:
    """The epoch loop: train, validate, log, stop early; leaves ``model`` at its best epoch and
    returns the per-epoch history and that epoch."""
    settings = config.train
    device = train_device(settings.device)
    steps_per_epoch = max(len(train_data) // settings.batch_size, 1)
    scheduler = _scheduler(optimizer, settings.epochs * steps_per_epoch)
    generator = torch.Generator().manual_seed(settings.seed)
    history, best, best_state, best_epoch = [], -1.0, None, 0
    for epoch in range(1, settings.epochs + 1):
        start = time.perf_counter()
        if "ranking" in loss_fn.terms:  # shared by the extra-text term
            loss_fn.terms["ranking"].hardest = epoch > settings.hard_negative_warmup
        losses = train_epoch(model, loss_fn, optimizer, scheduler, train_data, settings.batch_size, generator, device)
        val = validate(model, val_data, device)
        record = {"epoch": epoch, **{f"train_{k}": round(v, 5) for k, v in losses.items()},
                  **{f"val_{k}": round(v, 5) for k, v in val.items()}, **_temperature(loss_fn),
                  "seconds": round(time.perf_counter() - start, 2)}
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
    return history, best_epoch


# ---------------------------------------------------------------- fine-tuning the backbone's upper blocks
# (``train.finetune_blocks``): the image branch reads the cached activations of the block below the
# fine-tuned ones (``models/block_cache.py``) through a trainable ``BackboneTop``, whose parameters
# learn at ``backbone_lr_scale`` times the heads' rate. Photos cannot be augmented once their
# activations are cached; stochastic depth in the blocks, weight decay and early stopping on val
# regularise.

def tuned_split(data: SplitData, blocks: BlockMaps) -> SplitData:
    """The split with its image maps replaced by its products' cached block maps (float16)."""
    maps = np.ascontiguousarray(blocks.maps[blocks.rows(data.ids)])  # (N, C_block, h, w)
    return replace(data, image_maps=torch.from_numpy(maps))


def fit_tuned(config: Config, tree: EITree, train_data: SplitData, val_data: SplitData, blocks: BlockMaps,
              log: Callable[[str], None] = print, log_file: Path | None = None,
              backbone_config: BackboneConfig | None = None) -> tuple[FashionModel, BackboneTop, list[dict], int]:
    """Train fresh heads and the backbone's last ``finetune_blocks`` blocks; ``train_data`` and
    ``val_data`` hold the frozen backbone's pooled maps (they set the heads' input statistics),
    ``blocks`` the activations the top reads. Returns the best epoch's heads and top, the
    history and the best epoch."""
    settings = config.train
    torch.manual_seed(settings.seed)
    device = train_device(settings.device)
    backbone = ImageBackbone(backbone_config)
    top = BackboneTop(backbone, settings.finetune_blocks, settings.backbone_drop_connect)
    if top.input_block != blocks.block:
        raise ValueError(f"finetune_blocks={settings.finetune_blocks} reads block {top.input_block}, "
                         f"but the cached maps are block {blocks.block}'s")
    heads = create_model(config, tree)
    heads.set_input_stats(train_data.image_maps, train_data.image_colour, train_data.text)
    model = TunedModel(top, heads).to(device)
    loss_fn = build_loss(config, heads, hardest=settings.hard_negative_warmup < 1).to(device)
    optimizer = torch.optim.AdamW(
        [{"params": [*heads.parameters(), *loss_fn.parameters()]},
         {"params": list(top.parameters()), "lr": settings.lr * settings.backbone_lr_scale}],
        lr=settings.lr, weight_decay=settings.weight_decay)
    log(f"{config.name}: fine-tuning backbone blocks {top.first}-{top.total_blocks - 1} + head conv "
        f"({sum(p.numel() for p in top.parameters()):,} parameters, lr x{settings.backbone_lr_scale}) "
        f"on cached block {blocks.block} maps {tuple(blocks.maps.shape[1:])}")
    history, best_epoch = run_epochs(config, model, loss_fn, optimizer, tuned_split(train_data, blocks),
                                     tuned_split(val_data, blocks), log, log_file)
    model.cpu().eval()
    return heads, top, history, best_epoch


def train(config: Config | str, products: ProductSet, tree: EITree, features: FeatureSet,
          out_dir: Path | str = CHECKPOINT_DIR, log: Callable[[str], None] = print,
          extra_meta: dict | None = None, bank: TextBank | None = None,
          blocks: BlockMaps | None = None) -> TrainResult:
    """Train ``config`` (or a variant name) on the train split, early-stop on val, and write
    ``<out_dir>/<name>.pt``, its model card ``<name>.json`` and the per-epoch log ``<name>.log.jsonl``.
    ``extra_meta`` (e.g. feature-extraction time) goes into the card. A config whose
    ``positive_texts`` asks for names or phrases needs their embeddings in ``bank``
    (``models.features.text_bank(bank_texts(products, ...), ...)``). A config with
    ``finetune_blocks`` also trains the backbone's upper blocks, on the cached activations in
    ``blocks`` (``models.block_cache.BlockMaps``), and writes them as ``<name>.backbone.pth``."""
    started = time.perf_counter()
    config = load_config(config) if isinstance(config, str) else copy.deepcopy(config)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config.model.colour_dim = int(features.image_colour.shape[1])
    config.model.image_channels = int(features.image_maps.shape[1])
    config.model.text_dim = int(features.text.shape[1])
    positive_texts = config.train.positive_texts
    if set(positive_texts) != {"text"} and bank is None:
        raise ValueError(f"config {config.name!r} trains with {positive_texts}: pass their embeddings as bank")
    train_data = prepare_split(products, tree, features, "train", bank, positive_texts)
    val_data = prepare_split(products, tree, features, "val")
    log(f"{config.name}: train {len(train_data)} / val {len(val_data)} products, "
        f"{len(tree.order)} concepts, features {features.key or '(unkeyed)'}")
    log_file = out_dir / f"{config.name}.log.jsonl"
    log_file.unlink(missing_ok=True)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(config.train.threads or os.cpu_count() or 1)
    fit_start = time.perf_counter()
    top = None
    try:
        if config.train.finetune_blocks:
            if blocks is None:
                raise ValueError(f"config {config.name!r} fine-tunes the backbone: pass its cached block maps as blocks")
            model, top, history, best_epoch = fit_tuned(config, tree, train_data, val_data, blocks, log, log_file)
        else:
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
    backbone = None
    if top is not None:
        backbone = save_backbone(top, ImageBackbone(), out_dir / f"{config.name}.backbone.pth")
        meta.update(backbone_weights=backbone.name, backbone_bytes=backbone.stat().st_size,
                    backbone_parameters=sum(p.numel() for p in top.parameters()))
    checkpoint = save_checkpoint(model, out_dir / f"{config.name}.pt", config, tree, meta)
    meta["checkpoint_bytes"] = checkpoint.stat().st_size
    meta["history"] = history
    card = out_dir / f"{config.name}.json"
    card.write_text(json.dumps(meta, indent=2) + "\n")
    seconds = time.perf_counter() - started
    log(f"{config.name}: best epoch {best_epoch} (val score {meta['val']['score']:.4f}); "
        f"trained in {seconds:.1f} s; checkpoint {checkpoint} ({meta['checkpoint_bytes'] / 1e6:.1f} MB)")
    return TrainResult(checkpoint=checkpoint, card=card, best_epoch=best_epoch, val=meta["val"],
                       history=history, seconds=seconds, backbone=backbone)
