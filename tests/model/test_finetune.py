"""Fine-tuning the backbone's upper blocks on cached block maps (``train.finetune_blocks``), end
to end on a slice of the demo catalogue: the block cache, training, the saved backbone, and the
maps the evaluation measures. The fine-tuned blocks change; the blocks below them stay frozen."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from models.backbone_top import BackboneTop, input_block, tuned_features
from models.block_cache import block_key, extract_block_maps
from models.encoders import BackboneConfig, ImageBackbone, load_image
from models.factory import load_checkpoint
from models.train import pool_maps, train
from retrieval.evaluation.ablation import VARIANTS, photo_accuracy, variant_config
from retrieval.evaluation.training import training_inputs
from retrieval.serving.engine import Engine

pytestmark = pytest.mark.slow

SLICE = 240  # products of the demo catalogue (every 12th)


@pytest.fixture(scope="module")
def demo(demo_settings, tmp_path_factory):
    """(tree, products, features of the slice, block-10 maps of the slice, cache folder)."""
    engine = Engine(demo_settings)
    products, features = training_inputs(engine)
    features = features.subset(features.ids[::len(features) // SLICE][:SLICE])
    cache = tmp_path_factory.mktemp("blocks")
    chosen = [p for p in products.products if p.id in set(features.ids.tolist())]
    blocks = extract_block_maps(chosen, engine.catalog.source, cache, block=10, batch_size=48, progress=False)
    return engine.tree, products, features, blocks, cache, chosen, engine.catalog.source


def test_block_cache_is_keyed_and_reused_and_feeds_the_frozen_top(demo):
    tree, products, features, blocks, cache, chosen, source = demo
    assert blocks.maps.shape == (SLICE, 112, 8, 6) and blocks.maps.dtype == np.float16
    assert blocks.key == block_key(chosen, BackboneConfig(), 10) and blocks.key.endswith("-b10")  # the slice's own data key
    again = extract_block_maps(chosen, source, cache, block=10)
    assert again.key == blocks.key and np.array_equal(again.maps, blocks.maps)
    # the pretrained top on the cached maps gives the cached feature maps (up to float16)
    top = BackboneTop(ImageBackbone(), 5).eval()
    assert input_block(5) == 10 == top.input_block
    pooled = top.pooled_maps(blocks.maps)
    assert torch.allclose(pooled, pool_maps(features.image_maps), atol=2e-2)


def test_finetune_trains_the_upper_blocks_and_keeps_the_lower_ones(demo, tmp_path):
    tree, products, features, blocks, cache, chosen, source = demo
    overrides = {"model": VARIANTS["finetune"][1]["model"],
                 "train": {**VARIANTS["finetune"][1]["train"], "positive_texts": ["text"]}}  # no text bank needed
    config = variant_config("finetune", overrides, epochs=2).with_overrides(batch_size=48, threads=1, patience=5)
    assert config.train.finetune_blocks == 5
    result = train(config, products, tree, features, tmp_path, log=lambda _: None, blocks=blocks)

    assert result.backbone is not None and result.backbone.exists() and len(result.history) == 2
    tuned = torch.load(result.backbone, weights_only=True)
    original = ImageBackbone().net.state_dict()
    assert set(tuned) == set(original)
    upper = tuple(f"_blocks.{i}." for i in range(11, 16)) + ("_conv_head.", "_bn1.")
    for key, value in tuned.items():  # frozen: exactly the packaged weights; fine-tuned: float16
        if key.startswith(upper):
            assert value.dtype == (torch.float16 if value.is_floating_point() else original[key].dtype), key
        else:
            assert value.dtype == original[key].dtype and torch.equal(value, original[key]), key
    changed = {k for k, v in tuned.items() if k.startswith(upper) and v.is_floating_point()
               and not torch.equal(v, original[k].half())}
    assert any(k.startswith("_blocks.11.") for k in changed) and any(k.startswith("_conv_head.") for k in changed)
    assert not any(k.endswith(("running_mean", "running_var")) for k in changed)  # ImageNet statistics kept

    # the engine's loader reads the weights; the measured maps are the fine-tuned backbone's
    measured = tuned_features(result.backbone, 5, blocks, features)
    assert measured.image_maps.shape == (SLICE, 1280, 1, 1) and measured.key != features.key
    assert not np.allclose(measured.image_maps, pool_maps(features.image_maps).numpy(), atol=1e-3)
    model = load_checkpoint(result.checkpoint, tree)
    accuracy = photo_accuracy(model, tree, products, measured)
    assert 0.0 <= accuracy["photo_type_acc"] <= 1.0

    # what the engine would compute from the photos with these weights is what was measured
    photos = torch.stack([load_image(source / p.image_path) for p in chosen[:16]])
    with torch.no_grad():
        served, frozen = ImageBackbone(BackboneConfig(image_weights=str(result.backbone)))(photos), ImageBackbone()(photos)
    assert torch.allclose(served["feature_map"].mean(dim=(2, 3)), torch.from_numpy(measured.image_maps[:16, :, 0, 0]),
                          atol=1e-2)
    assert torch.equal(served["colour"], frozen["colour"])  # below the fine-tuned blocks nothing changed


def test_finetune_without_block_maps_is_refused(demo, tmp_path):
    tree, products, features, *_ = demo
    config = variant_config("finetune", {"train": {"finetune_blocks": 5}}, epochs=1)
    with pytest.raises(ValueError, match="block maps"):
        train(config, products, tree, features, tmp_path, log=lambda _: None)
