"""``fashionbot eval ablation``: issue 20's cheap training levers, each trained and measured alone.

Every variant is the served config (``models/variants/eitree.json``) with a few training or model
fields overridden (``VARIANTS``), trained on the cached features of the catalogue's train split
with the same seed and epoch limit, and measured without building an index:

- validation concept accuracy (image, joint) and cross-modal R@10, as training reports them;
- *from the photo alone* on the test split: article-type and colour accuracy of the image
  view's concept probabilities (the photo search's first five follow them, section 5);
- KAGL text->image R@10 of the joint space alone (section 6's protocol, the whole catalogue as
  gallery), over all queries and the held-out ones.

The served measures (photo search, KAGL as served) need an index per checkpoint and run only for
the variant that is kept (``fashionbot eval photo``, ``fashionbot eval kagl``).
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from models.backbone_top import input_block, tuned_features
from models.config import Config, load_config
from models.factory import load_checkpoint
from models.features import FeatureSet, text_bank
from models.tree import EITree
from models.train import bank_texts, pool_maps, train

from .kagl import load_ground_truth, recall_at
from .sections import ABLATION_FILE, splice_saved

# name -> (what it changes, overrides of {"model": {...}, "train": {...}})
VARIANTS: dict[str, tuple[str, dict]] = {
    "baseline": ("the served config (hinge, margin 0.2, name + description only)", {}),
    "same_name": ("same-name products masked as negatives", {"train": {"same_name_positives": True}}),
    "extra_name": ("a second ranking term: photo vs its product name alone",
                   {"train": {"positive_texts": ["text", "name"]}}),
    "extra_name_phrases": ("a second ranking term: photo vs its name or a label phrase (drawn per step)",
                           {"train": {"positive_texts": ["text", "name", "phrases"]}}),
    "margin_0.1": ("hinge margin 0.1", {"train": {"margin": 0.1}}),
    "margin_0.3": ("hinge margin 0.3", {"train": {"margin": 0.3}}),
    "infonce_learned_t": ("InfoNCE, learned temperature (from 0.05)",
                          {"train": {"ranking_loss": "infonce", "learn_temperature": True}}),
    "colour_mlp": ("an MLP (156-256-256) on the colour descriptor", {"model": {"colour_hidden": 256}}),
    "levers": ("the kept levers together: `extra_name_phrases` + `colour_mlp` (models/variants/eitree_levers.json)",
               {"model": {"colour_hidden": 256}, "train": {"positive_texts": ["text", "name", "phrases"]}}),
    "finetune": ("`levers` + backbone blocks 11-15 and head conv fine-tuned (lr x0.1, stochastic depth 0.2) on cached "
                 "block-10 maps (models/variants/eitree_finetune.json)",
                 {"model": {"colour_hidden": 256},
                  "train": {"positive_texts": ["text", "name", "phrases"], "finetune_blocks": 5}}),
}
DEFAULT_VARIANTS = [name for name, (_, overrides) in VARIANTS.items()
                    if not overrides.get("train", {}).get("finetune_blocks")]  # the cheap ones, on cached features


def variant_config(name: str, overrides: dict, base: str = "eitree", epochs: int | None = None) -> Config:
    """The base variant with ``overrides`` applied, named ``ablation_<name>``."""
    data = load_config(base).to_dict()
    for part in ("model", "train"):
        data[part].update(overrides.get(part, {}))
    data["name"] = f"ablation_{name}"
    config = Config.from_dict(data)
    return config.with_overrides(epochs=epochs) if epochs else config


def photo_accuracy(model, tree: EITree, products, features: FeatureSet) -> dict[str, float]:
    """Article-type and colour accuracy of the image view's concept probabilities on the test split."""
    test = products.split("test", features.ids)
    rows = features.subset([p.id for p in test])
    maps = torch.from_numpy(rows.image_maps.astype(np.float32).mean(axis=(2, 3), keepdims=True))  # (N, C, 1, 1)
    probs = model.represent(image_maps=maps, image_colour=rows.image_colour)["concept_probs"].numpy()
    out = {}
    for group in ("type", "colour"):
        dims = [i for i, nid in enumerate(tree.order) if tree.nodes[nid].group == group and tree.nodes[nid].kind != "facet"]
        known = [(i, next(iter(p.labels & {tree.order[d] for d in dims}), None)) for i, p in enumerate(test)]
        known = [(i, tree.order.index(label)) for i, label in known if label]
        picked = np.asarray(dims)[probs[np.ix_([i for i, _ in known], dims)].argmax(axis=1)]
        out[f"photo_{group}_acc"] = round(float(np.mean(picked == np.asarray([d for _, d in known]))), 4)
    return out


def kagl_joint(model, products, features: FeatureSet, cache_dir: Path) -> dict[str, float]:
    """KAGL R@10 of the joint space alone (query text tower vs every product's photo tower)."""
    truth = load_ground_truth()
    indexed = set(features.ids.tolist())
    queries = [(q["text"], set(q["relevant"]) & indexed) for q in truth["queries"]]
    queries = [(text, rel) for text, rel in queries if rel]
    bank = text_bank([t for t, _ in queries], cache_dir, progress=False)
    texts = torch.from_numpy(bank.emb[bank.rows([t for t, _ in queries])])
    text_emb = model.represent(text=texts)["emb"].numpy()
    maps = np.empty((len(features), features.image_maps.shape[1], 1, 1), dtype=np.float32)
    for start in range(0, len(features), 4096):
        maps[start:start + 4096] = features.image_maps[start:start + 4096].astype(np.float32).mean(axis=(2, 3), keepdims=True)
    photo_emb = model.represent(image_maps=maps, image_colour=features.image_colour)["emb"].numpy()
    scores = text_emb @ photo_emb.T  # (Q, N)
    top = np.argpartition(-scores, 10, axis=1)[:, :10]
    ranked = [features.ids[row[np.argsort(-scores[i, row])]].tolist() for i, row in enumerate(top)]
    relevant = [rel for _, rel in queries]
    test_ids = {p.id for p in products.products if p.split == "test"}
    held = [i for i, rel in enumerate(relevant) if rel <= test_ids]
    return {"kagl_r10": round(recall_at(ranked, relevant, 10), 4),
            "kagl_held_out_r10": round(recall_at([ranked[i] for i in held], [relevant[i] for i in held], 10), 4)}


def pooled(features: FeatureSet) -> FeatureSet:
    """The features with each map replaced by its mean over locations, (N, C, 1, 1) float32: exact
    for the linear image branch (``models/model.py``), and pooled once for every variant."""
    return FeatureSet(features.ids, pool_maps(features.image_maps).numpy(), features.image_colour, features.text,
                      features.key)


def ablate(products, tree: EITree, features: FeatureSet, cache_dir: Path, out_dir: Path, report_dir: Path,
           names: list[str] | None = None, epochs: int | None = None, extra: dict[str, dict] | None = None,
           log: Callable[[str], None] = print, blocks: Callable[[int], object] | None = None,
           threads: int = 0) -> dict:
    """Train and measure each named variant (``DEFAULT_VARIANTS`` by default; ``extra`` adds
    name -> overrides); results are merged into ``report_dir/ablation.json`` as they come. A
    variant that fine-tunes the backbone's upper blocks reads the cached maps of the block below
    them from ``blocks(block_index)`` (``models/block_cache.py``) and is measured on the maps of
    its fine-tuned backbone. ``threads``: torch threads of training (0: the variants' own)."""
    variants = {**VARIANTS, **{k: ("combination: " + json.dumps(v), v) for k, v in (extra or {}).items()}}
    t0 = time.perf_counter()
    features = pooled(features)
    log(f"ablation: feature maps pooled once in {time.perf_counter() - t0:.1f} s")
    path = Path(report_dir) / ABLATION_FILE
    results = json.loads(path.read_text()) if path.exists() else {"variants": {}}
    for name in names or DEFAULT_VARIANTS:
        started = time.perf_counter()
        description, overrides = variants[name]
        config = variant_config(name, overrides, epochs=epochs)
        config = config.with_overrides(threads=threads) if threads else config
        bank = None
        if set(config.train.positive_texts) != {"text"}:
            texts = bank_texts(products, config.train.positive_texts)
            t0 = time.perf_counter()
            bank = text_bank(texts, cache_dir)
            log(f"{name}: {len(texts):,} short texts encoded or loaded in {time.perf_counter() - t0:.1f} s")
        count, block_maps, measured = config.train.finetune_blocks, None, features
        if count:
            if blocks is None:
                raise ValueError(f"{name} fine-tunes the backbone: pass blocks, a source of cached block maps")
            t0 = time.perf_counter()
            block_maps = blocks(input_block(count))
            log(f"{name}: block {block_maps.block} maps {tuple(block_maps.maps.shape)} ready in {time.perf_counter() - t0:.1f} s")
        result = train(config, products, tree, features, out_dir, log=log, bank=bank, blocks=block_maps)
        model = load_checkpoint(result.checkpoint, tree)
        if count:
            t0 = time.perf_counter()
            measured = tuned_features(result.backbone, count, block_maps, features)
            log(f"{name}: the fine-tuned backbone's maps of {len(measured):,} products in {time.perf_counter() - t0:.1f} s")
        measures = {"val_" + k: round(v, 4) for k, v in result.val.items() if k.startswith(("concept_acc_", "r10_"))}
        measures.update(photo_accuracy(model, tree, products, measured))
        measures.update(kagl_joint(model, products, measured, cache_dir))
        results["variants"][name] = {"description": description, "overrides": overrides, "epochs": config.train.epochs,
                                     "best_epoch": result.best_epoch, "measures": measures,
                                     "seconds": round(time.perf_counter() - started, 1)}
        results["variants"][name]["temperature"] = result.history[result.best_epoch - 1].get("temperature")
        if count:
            results["variants"][name].update(
                backbone_bytes=result.backbone.stat().st_size,
                epoch_seconds=[record["seconds"] for record in result.history])
        path.write_text(json.dumps(results, indent=2) + "\n")
        splice_saved(report_dir, [ABLATION_FILE])
        log(f"ablation {name}: " + "  ".join(f"{k}={v}" for k, v in measures.items()))
    return results
