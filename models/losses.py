"""Training losses. Each is an ``nn.Module`` called as ``loss(**model_out, **batch)`` and returns a
scalar; the keys of the model's output dict and of the batch are the contract."""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from .model import _prefix


class RankingLoss(nn.Module):
    """Bidirectional hinge triplet loss over in-batch negatives (VSE++).

    For each matching (image, text) pair, every other text in the batch is a negative for the
    image and vice versa. ``hardest=True`` keeps only the hardest negative per query (VSE++'s max
    violation); ``False`` sums over all negatives (used for a warm-up epoch). With
    ``same_name=True`` and ``name_codes`` in the batch, products of the same name are no
    negatives of each other (their pairs are masked like the diagonal)."""

    def __init__(self, margin: float = 0.2, hardest: bool = True, same_name: bool = False):
        super().__init__()
        self.margin = margin
        self.hardest = hardest
        self.same_name = same_name

    def forward(self, image_emb: torch.Tensor, text_emb: torch.Tensor, name_codes: torch.Tensor | None = None,
                text_codes: torch.Tensor | None = None, **_) -> torch.Tensor:
        scores = image_emb @ text_emb.T  # (B, B): rows images, columns texts
        positive = scores.diag()
        masked = positive_pairs(len(scores), name_codes if self.same_name else None, scores.device)
        if text_codes is not None:  # the same text drawn for two products is no negative for either
            masked = masked | (text_codes[:, None] == text_codes[None, :])
        cost_text = (self.margin + scores - positive[:, None]).clamp_min(0).masked_fill(masked, 0)  # image -> text
        cost_image = (self.margin + scores - positive[None, :]).clamp_min(0).masked_fill(masked, 0)  # text -> image
        if self.hardest:
            return cost_text.max(dim=1).values.mean() + cost_image.max(dim=0).values.mean()
        negatives = (~masked).sum(dim=1).clamp_min(1)  # (B,) per query; symmetric
        return (cost_text.sum(dim=1) / negatives).mean() + (cost_image.sum(dim=0) / negatives).mean()


class ExtraTextLoss(nn.Module):
    """The ranking loss ``ranking`` (a ``RankingLoss`` or ``InfoNCELoss``, shared with the main
    term, temperature included) between each photo and one more of its positive texts (its name
    or a label phrase, drawn per step: ``extra_text_emb``), beside the main term on the full text.
    Two products that drew the same text (``extra_text_codes``, e.g. "black tshirts") are no
    negatives of each other."""

    def __init__(self, ranking: nn.Module):
        super().__init__()
        self.ranking = ranking

    def forward(self, image_emb: torch.Tensor, extra_text_emb: torch.Tensor, extra_text_codes: torch.Tensor,
                name_codes: torch.Tensor | None = None, **_) -> torch.Tensor:
        return self.ranking(image_emb, extra_text_emb, name_codes=name_codes, text_codes=extra_text_codes)


class InfoNCELoss(nn.Module):
    """Symmetric InfoNCE over the batch (CLIP's loss): softmax of the scaled similarities of each
    image over the batch's texts and of each text over its images. The temperature starts at
    ``temperature`` and is learned (as CLIP's log scale, clamped to at most 100) when
    ``learn_temperature``; then the optimiser must include this module's parameters. With
    ``same_name=True`` and ``name_codes`` in the batch, every same-name pair is a positive (the
    target spreads evenly over them, as in supervised contrastive learning); so is every pair of
    equal ``text_codes``."""

    def __init__(self, temperature: float = 0.05, learn_temperature: bool = False, same_name: bool = False,
                 hardest: bool = True):
        super().__init__()
        scale = torch.tensor(1.0 / temperature).log()
        self.log_scale = nn.Parameter(scale) if learn_temperature else None
        self.register_buffer("fixed_log_scale", scale)
        self.same_name = same_name
        self.hardest = hardest  # unused: the softmax weighs negatives by hardness itself

    @property
    def scale(self) -> torch.Tensor:
        log_scale = self.fixed_log_scale if self.log_scale is None else self.log_scale
        return log_scale.clamp(max=math.log(100.0)).exp()

    def forward(self, image_emb: torch.Tensor, text_emb: torch.Tensor, name_codes: torch.Tensor | None = None,
                text_codes: torch.Tensor | None = None, **_) -> torch.Tensor:
        logits = self.scale * image_emb @ text_emb.T  # (B, B): rows images, columns texts
        targets = positive_pairs(len(logits), name_codes if self.same_name else None, logits.device)
        if text_codes is not None:  # the same text drawn for two products is a positive of both
            targets = targets | (text_codes[:, None] == text_codes[None, :])
        targets = targets.float()
        targets = targets / targets.sum(dim=1, keepdim=True)  # (B, B), rows sum to 1; symmetric
        image_to_text = -(targets * F.log_softmax(logits, dim=1)).sum(dim=1).mean()
        text_to_image = -(targets * F.log_softmax(logits, dim=0)).sum(dim=0).mean()
        return (image_to_text + text_to_image) / 2


def positive_pairs(size: int, name_codes: torch.Tensor | None, device) -> torch.Tensor:
    """(size, size) bool: the diagonal, plus every pair of the same name code when given."""
    if name_codes is None:
        return torch.eye(size, dtype=torch.bool, device=device)
    return name_codes[:, None] == name_codes[None, :]


class EIConceptLoss(nn.Module):
    """Cross-entropy over each exclusive group where the product has a labelled child, plus binary
    cross-entropy on independent nodes where the product's attribute is labelled; unknown labels
    contribute nothing. Applied to the concept outputs of each view in ``views``
    ("joint", "image", "text") that the model produced, and averaged over them."""

    def __init__(self, structure, views: tuple[str, ...] = ("joint", "image", "text")):
        super().__init__()
        self.structure = structure
        self.views = views

    def forward(self, group_targets: torch.Tensor, indep_targets: torch.Tensor, indep_mask: torch.Tensor,
                **outputs) -> torch.Tensor:
        terms = [self.view_loss(outputs[key + "concept_cond_log_probs"], outputs[key + "concept_logits"],
                                group_targets, indep_targets, indep_mask)
                 for key in _view_keys(outputs, self.views)]
        return torch.stack(terms).mean()

    def view_loss(self, cond_log_probs, logits, group_targets, indep_targets, indep_mask) -> torch.Tensor:
        """Mean exclusive-group CE per labelled group, plus mean BCE per labelled independent node."""
        known = group_targets >= 0  # (B, G)
        members = self.structure.group_index[None].expand(len(group_targets), -1, -1)  # (B, G, L)
        target_dim = members.gather(2, group_targets.clamp_min(0)[..., None]).squeeze(2)  # (B, G)
        group_nll = -cond_log_probs.gather(1, target_dim)  # (B, G)
        exclusive = (group_nll * known).sum() / known.sum().clamp_min(1)
        indep_logits = logits[:, self.structure.independent]  # (B, I)
        bce = F.binary_cross_entropy_with_logits(indep_logits, indep_targets, reduction="none")
        independent = (bce * indep_mask).sum() / indep_mask.sum().clamp_min(1)
        return exclusive + independent


class EIDistillationLoss(nn.Module):
    """The EI-tree loss against a teacher's predictions instead of labels: for every exclusive group,
    the KL divergence from the teacher's conditional distribution to the student's, and for every
    independent node, binary cross-entropy against the teacher's probability; each averaged over
    groups (nodes) and products. Called as ``loss(concept_cond_log_probs=..., concept_logits=...,
    teacher_logits=...)``."""

    def __init__(self, structure):
        super().__init__()
        self.structure = structure

    def forward(self, concept_cond_log_probs: torch.Tensor, concept_logits: torch.Tensor,
                teacher_logits: torch.Tensor, **_) -> torch.Tensor:
        structure = self.structure
        teacher = structure.conditional_log_probs(teacher_logits)
        grouped = structure.in_group & ~structure.is_independent  # (K,)
        kl = (teacher.exp() * (teacher - concept_cond_log_probs))[:, grouped].sum(1).mean()
        exclusive = kl / max(len(structure.group_index), 1)
        indep = structure.independent
        independent = F.binary_cross_entropy_with_logits(concept_logits[:, indep], torch.sigmoid(teacher_logits[:, indep]))
        return exclusive + independent


class FlatConceptLoss(nn.Module):
    """Baseline: binary cross-entropy on every concept that is a known positive or negative,
    averaged over those (product, concept) entries, as a standard multi-label head is trained."""

    def __init__(self, views: tuple[str, ...] = ("joint", "image", "text")):
        super().__init__()
        self.views = views

    def forward(self, concept_targets: torch.Tensor, concept_mask: torch.Tensor, **outputs) -> torch.Tensor:
        terms = []
        for key in _view_keys(outputs, self.views):
            bce = F.binary_cross_entropy_with_logits(outputs[key + "concept_logits"], concept_targets,
                                                     reduction="none")
            terms.append((bce * concept_mask).sum() / concept_mask.sum().clamp_min(1))
        return torch.stack(terms).mean()


def _view_keys(outputs: dict, views: tuple[str, ...]) -> list[str]:
    """Output-key prefixes of the requested views that are present (joint is always present)."""
    keys = [_prefix(v) for v in views if _prefix(v) + "concept_logits" in outputs]
    return keys or [""]


class TotalLoss(nn.Module):
    """Weighted sum of the configured losses; returns the total and each term (detached)."""

    def __init__(self, losses: dict[str, tuple[float, nn.Module]]):
        super().__init__()
        self.weights = {name: weight for name, (weight, _) in losses.items()}
        self.terms = nn.ModuleDict({name: module for name, (_, module) in losses.items()})

    def forward(self, **inputs) -> tuple[torch.Tensor, dict[str, float]]:
        values = {name: module(**inputs) for name, module in self.terms.items()}
        total = sum(self.weights[name] * value for name, value in values.items())
        return total, {name: float(value.detach()) for name, value in values.items()}
