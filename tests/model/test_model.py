"""The model heads, the EI-tree concept layer, label tensors, losses and checkpoints (no training)."""
from __future__ import annotations

import copy
from dataclasses import replace
from types import SimpleNamespace

import pytest
import torch

from models.config import Config, ModelConfig, load_config
from models.ei_tree import build_targets, concept_label_matrix
from models.factory import create_model, load_checkpoint, save_checkpoint
from models.losses import EIConceptLoss, FlatConceptLoss, InfoNCELoss, RankingLoss
from retrieval.settings import DATA_DIR
from models.tree import EITree

SMALL = ModelConfig(embed_dim=32, text_hidden=48, colour_dim=20, dropout=0.0)


@pytest.fixture(scope="module")
def tree() -> EITree:
    return EITree.load(DATA_DIR / "ei_tree.yaml")


def product(**fields):
    """A hand-made catalogue product (the fields ``tree.labels`` reads)."""
    base = dict(master_category="Apparel", sub_category="Topwear", article_type="Tshirts", base_colour="Black",
                gender="Men", usage="Casual", season="Summer", attribute_map={})
    return SimpleNamespace(**{**base, **fields})


def random_inputs(batch=6, hw=(4, 3), seed=0):
    gen = torch.Generator().manual_seed(seed)
    return {"image_maps": torch.rand(batch, 1280, *hw, generator=gen).half(),
            "image_colour": torch.rand(batch, 20, generator=gen),
            "text": torch.randn(batch, 384, generator=gen)}


def test_probabilities_follow_the_tree(tree):
    model = create_model(SMALL, tree).eval()
    with torch.no_grad():
        out = model(**random_inputs())
    for key in ("concept_probs", "image_concept_probs", "text_concept_probs"):
        probs = out[key].double()
        parent = torch.tensor(tree.parent_index)
        child = parent >= 0
        assert (probs[:, child] <= probs[:, parent[child]] + 1e-6).all(), key
        assert torch.allclose(probs[:, tree.index[tree.root.id]],
                              torch.ones(len(probs), dtype=torch.double))
        for members in tree.exclusive_groups:
            up = parent[members[0]]
            assert (probs[:, members].sum(1) <= probs[:, up] + 1e-5).all()
        for dim in tree.pass_through_nodes[1:]:
            assert torch.allclose(probs[:, dim], probs[:, parent[dim]])


def test_forward_works_from_either_modality(tree):
    model = create_model(SMALL, tree).eval()
    inputs = random_inputs()
    with torch.no_grad():
        both = model(**inputs)
        image = model(image_maps=inputs["image_maps"], image_colour=inputs["image_colour"])
        text = model(text=inputs["text"])
    k = len(tree.order)
    assert both["joint_emb"].shape == (6, 32) and both["concept_maps"].shape == (6, k, 4, 3)
    assert {"image_concept_log_probs", "text_concept_log_probs", "concept_log_probs"} <= set(both)
    assert torch.allclose(both["image_concept_probs"], image["concept_probs"], atol=1e-6)
    assert torch.allclose(both["text_concept_probs"], text["concept_probs"], atol=1e-6)
    assert "concept_maps" not in text and "image_emb" not in text
    for emb in (both["joint_emb"], image["joint_emb"], text["joint_emb"]):
        assert torch.allclose(emb.norm(dim=1), torch.ones(6), atol=1e-5)


def test_concept_maps_average_to_the_image_logits_and_pooling_is_exact(tree):
    model = create_model(SMALL, tree).eval()
    inputs = random_inputs()
    with torch.no_grad():
        full = model(image_maps=inputs["image_maps"], image_colour=inputs["image_colour"])
        pooled = model(image_maps=inputs["image_maps"].float().mean((2, 3), keepdim=True),
                       image_colour=inputs["image_colour"])
    assert torch.allclose(full["concept_maps"].mean((2, 3)), full["concept_logits"], atol=1e-4)
    assert torch.allclose(full["image_emb"], pooled["image_emb"], atol=1e-5)


def test_flat_head_has_no_tree(tree):
    model = create_model(ModelConfig(**{**SMALL.__dict__, "concept_head": "flat"}), tree).eval()
    with torch.no_grad():
        out = model(**random_inputs())
    assert torch.allclose(out["concept_probs"][:, tree.pass_through_nodes], torch.ones(6, len(tree.pass_through_nodes)))
    assert torch.allclose(out["concept_probs"], torch.sigmoid(out["concept_logits"]).masked_fill(
        model.concepts.pass_through, 1.0), atol=1e-6)


def test_label_matrix_marks_unlabelled_attributes_unknown(tree):
    labelled = tree.labels(product(attribute_map={"sleeve": "Short Sleeves", "print": "Graphic"}))
    bare = tree.labels(product())
    positive, negative = concept_label_matrix(tree, [labelled, bare])
    idx = tree.index
    long_sleeves, short = idx["sub.topwear.sleeve.long_sleeves"], idx["sub.topwear.sleeve.short_sleeves"]
    assert positive[0, short] and negative[0, long_sleeves]
    assert not positive[1, short] and not negative[1, short] and not negative[1, long_sleeves]  # unknown
    assert negative[0, idx["sub.topwear.print.floral"]] and not negative[1, idx["sub.topwear.print.floral"]]
    assert negative[1, idx["colour.red"]] and negative[1, idx["type.shirts"]]
    # a shoe attribute is a known negative for a T-shirt: its category is
    assert negative[1, idx["master.footwear"]] and negative[1, idx["sub.shoes.style.sneakers"]]
    assert not (positive | negative)[:, tree.pass_through_nodes].any()


def _loss_grad(loss_fn, tree, targets, dims):
    logits = torch.randn(len(targets), len(tree.order), requires_grad=True)
    structure = loss_fn.structure if hasattr(loss_fn, "structure") else None
    cond = structure.conditional_log_probs(logits) if structure is not None else logits
    out = {"concept_logits": logits, "concept_cond_log_probs": cond}
    loss_fn(**out, **targets[torch.arange(len(targets))]).backward()
    return logits.grad[:, dims]


def test_unlabelled_attributes_contribute_no_loss(tree):
    model = create_model(SMALL, tree)
    sleeve = [tree.index[c] for c in tree.nodes["sub.topwear.sleeve"].children]
    prints = [tree.index[c] for c in tree.nodes["sub.topwear.print"].children]
    targets = build_targets(tree, [tree.labels(product()),
                                   tree.labels(product(attribute_map={"sleeve": "Long Sleeves", "print": "Floral"}))])
    for loss_fn in (EIConceptLoss(model.concepts.structure, ("joint",)), FlatConceptLoss(("joint",))):
        grad = _loss_grad(loss_fn, tree, targets, sleeve + prints)
        assert torch.all(grad[0] == 0), type(loss_fn).__name__  # unlabelled: no signal at all
        assert torch.all(grad[1] != 0), type(loss_fn).__name__


def test_group_targets_index_the_labelled_child(tree):
    targets = build_targets(tree, [tree.labels(product(attribute_map={"sleeve": "Sleeveless"}))])
    for g, members in enumerate(tree.exclusive_groups):
        names = [tree.order[m] for m in members]
        target = int(targets.group_targets[0, g])
        if "sub.topwear.sleeve.sleeveless" in names:
            assert names[target] == "sub.topwear.sleeve.sleeveless"
        if "type.shirts" in names:
            assert names[target] == "type.tshirts"
        if "sub.shoes.style.sneakers" in names:
            assert target == -1


def test_ranking_loss_uses_the_hardest_negative():
    emb = torch.nn.functional.normalize(torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.8, 0.6]]), dim=1)
    # scores: 0-1 0.0, 0-2 0.8, 1-2 0.6; with margin 0.5 the hardest violations per row are 0.3, 0.1, 0.3
    assert float(RankingLoss(0.5)(emb, emb)) == pytest.approx(2 * 0.7 / 3, abs=1e-5)
    far = torch.eye(3)
    assert float(RankingLoss(0.2)(far, far)) == 0.0
    scores = emb @ emb.T
    expected = sum(max(0.0, 0.2 + float(scores[i, j]) - 1.0) for i in range(3) for j in range(3) if i != j)
    assert float(RankingLoss(0.2, hardest=False)(emb, emb)) == pytest.approx(2 * expected / 3 / 2, abs=1e-5)


def test_ranking_loss_masks_same_name_products():
    emb = torch.nn.functional.normalize(torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.8, 0.6]]), dim=1)
    names = torch.tensor([0, 1, 0])  # products 0 and 2 share a name
    # without the 0-2 pair the hardest violations are 0-1 (0), 1-2 (0.1) and 2-1 (0.1) with margin 0.5
    assert float(RankingLoss(0.5, same_name=True)(emb, emb, name_codes=names)) == pytest.approx(2 * 0.2 / 3, abs=1e-5)
    assert float(RankingLoss(0.5)(emb, emb, name_codes=names)) == pytest.approx(2 * 0.7 / 3, abs=1e-5)  # off: as before
    assert float(RankingLoss(0.5, same_name=True)(emb, emb, name_codes=torch.zeros(3, dtype=torch.long))) == 0.0
    summed = RankingLoss(0.5, hardest=False, same_name=True)(emb, emb, name_codes=names)
    assert float(summed) == pytest.approx(2 * (0.0 + 0.1 / 2 + 0.1) / 3, abs=1e-5)  # mean over each row's negatives


def test_infonce_treats_same_name_products_as_positives_and_learns_its_temperature():
    emb = torch.nn.functional.normalize(torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.8, 0.6]]), dim=1)
    names = torch.tensor([0, 1, 0])
    plain = InfoNCELoss(0.1)(emb, emb)
    logits = 10 * emb @ emb.T
    expected = -torch.log_softmax(logits, 1).diagonal().mean()
    assert float(plain) == pytest.approx(float(expected), abs=1e-5)
    multi = InfoNCELoss(0.1, same_name=True)(emb, emb, name_codes=names)
    log_p = torch.log_softmax(logits, 1)
    expected = -(log_p[0, [0, 2]].mean() + log_p[1, 1] + log_p[2, [0, 2]].mean()) / 3
    assert float(multi) == pytest.approx(float(expected), abs=1e-5)
    learned = InfoNCELoss(0.1, learn_temperature=True)
    assert [p.shape for p in learned.parameters()] == [torch.Size([])]
    learned(emb, emb).backward()
    assert learned.log_scale.grad is not None and float(learned.scale.detach()) == pytest.approx(10.0, rel=1e-5)
    assert list(InfoNCELoss(0.1).parameters()) == []  # a fixed temperature is no parameter


def test_colour_mlp_keeps_the_image_branch_linear_in_the_map(tree):
    model = create_model(Config(model=replace(SMALL, colour_hidden=16)), tree).eval()
    inputs = random_inputs()
    inputs["image_maps"] = inputs["image_maps"].float()
    with torch.no_grad():
        full = model(**inputs)
        pooled = model(image_maps=inputs["image_maps"].mean(dim=(2, 3), keepdim=True),
                       image_colour=inputs["image_colour"], text=inputs["text"])
    assert torch.allclose(full["image_emb"], pooled["image_emb"], atol=1e-5)


def test_checkpoint_round_trip(tree, tmp_path):
    config = Config(name="tiny", model=SMALL)
    model = create_model(config, tree).eval()
    path = save_checkpoint(model, tmp_path / "tiny.pt", config, tree, {"note": "test"})
    loaded = load_checkpoint(path, tree)
    inputs = random_inputs()
    with torch.no_grad():
        a, b = model(**inputs), loaded(**inputs)
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert loaded.meta == {"note": "test"} and loaded.config_full.model == SMALL
    other = copy.deepcopy(tree)
    other.nodes.pop(tree.order[-1])
    other = EITree(other.nodes.values())
    with pytest.raises(ValueError, match="different EI tree"):
        load_checkpoint(path, other)


def test_full_size_checkpoint_fits_the_budget(tree, tmp_path):
    config = load_config("eitree")
    path = save_checkpoint(create_model(config, tree), tmp_path / "full.pt", config, tree)
    assert path.stat().st_size <= 25 * 1024 * 1024


def test_variants_load():
    for name in ("eitree", "flat", "image_only", "embedding"):
        assert load_config(name).name == name
    with pytest.raises(FileNotFoundError, match="known"):
        load_config("nope")
    with pytest.raises(ValueError, match="unknown"):
        Config.from_dict({"model": {"embed_dims": 3}})


# ---------------------------------------------------------------------------- heatmaps
def test_a_trous_backbone_holds_the_served_map_exactly():
    from models.encoders import BackboneConfig, ImageBackbone, coarse_view

    images = torch.rand(2, 3, 128, 96, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        served = ImageBackbone().eval()(images)["feature_map"]
        for stride, grid in ((16, (8, 6)), (8, (16, 12))):
            fine = ImageBackbone(BackboneConfig(output_stride=stride)).eval()(images)["feature_map"]
            assert fine.shape[-2:] == grid
            assert torch.equal(coarse_view(fine, stride), served)


def test_evidence_contrast_mass_and_regions(tree):
    import numpy as np

    from models.evidence import (area_share, centroid, concept_evidence, contrast_matrix, evidence_mass,
                                 named_share, region_share, spread)

    contrast = contrast_matrix(tree)
    neck = [tree.index[c] for c in tree.nodes["sub.topwear.neck"].children]
    assert np.allclose(contrast[neck][:, neck].sum(1), 0, atol=1e-6)  # a value against its siblings
    graphic = tree.index["sub.topwear.print.graphic"]  # an independent tag keeps its own logit
    assert contrast[graphic, graphic] == 1 and np.count_nonzero(contrast[graphic]) == 1
    maps = np.random.default_rng(0).normal(size=(len(tree.order), 8, 6))
    assert np.allclose(concept_evidence(maps, tree, "sub.topwear.neck.v_neck"),
                       np.einsum("k,khw->hw", contrast[tree.index["sub.topwear.neck.v_neck"]], maps))
    point = np.full((8, 6), -50.0)
    point[0, 5] = 0.0  # all the mass in the top-right cell
    mass = evidence_mass(point)
    assert np.isclose(mass.sum(), 1) and np.allclose(centroid(mass), [11 / 12, 1 / 16])
    assert np.isclose(spread(mass), 0, atol=1e-6)
    flat = evidence_mass(np.zeros((4, 3)))
    assert np.isclose(spread(flat), spread(evidence_mass(np.zeros((16, 12)))), atol=0.03)
    for region in ("upper third", "side thirds", "centre", "lower third"):
        assert np.isclose(named_share(flat, region), area_share(region))  # a cell counts by its area inside
    assert np.isclose(region_share(flat, (0, 1), (0, 1 / 3)), 1 / 3)


def test_heatmap_head_maps_pool_to_its_logits_and_round_trip(tree, tmp_path):
    from models.heatmap_head import HeatmapHead, HeatmapHeadConfig, load_heatmap_head, save_heatmap_head

    head = HeatmapHead(HeatmapHeadConfig(hidden=16), tree).eval()
    block_maps = torch.randn(3, 112, 8, 6, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        out = head(block_maps)
    assert out["concept_maps"].shape == (3, len(tree.order), 8, 6)
    assert torch.allclose(out["concept_maps"].mean((2, 3)), out["concept_logits"], atol=1e-5)
    probs = out["concept_probs"].double()
    parent = torch.tensor(tree.parent_index)
    assert (probs[:, parent >= 0] <= probs[:, parent[parent >= 0]] + 1e-6).all()
    loaded = load_heatmap_head(save_heatmap_head(head, tmp_path / "head.pt", tree, {"train_photos": 3}), tree)
    assert loaded.meta == {"train_photos": 3}
    assert torch.allclose(loaded.concept_maps(block_maps), head.concept_maps(block_maps))


def test_distillation_loss_is_stationary_at_the_teacher(tree):
    from models.losses import EIDistillationLoss

    model = create_model(SMALL, tree)
    loss_fn = EIDistillationLoss(model.concepts.structure)
    teacher = torch.randn(4, len(tree.order), generator=torch.Generator().manual_seed(2))

    def grad_at(logits):
        logits = logits.clone().requires_grad_(True)
        cond = model.concepts.structure.conditional_log_probs(logits)
        loss_fn(concept_cond_log_probs=cond, concept_logits=logits, teacher_logits=teacher).backward()
        return logits.grad

    assert grad_at(teacher).abs().max() < 1e-6
    assert grad_at(teacher + torch.randn_like(teacher)).abs().max() > 1e-3
