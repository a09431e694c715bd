"""The EI-tree concept layer and the label tensors it is trained on.

One logit per concept (in ``tree.order``). Conditional log-probabilities: a log-softmax within
each exclusive sibling group, a log-sigmoid for each independent node, 0 for pass-through nodes
(root and facets). The probability of a concept is the product of the conditionals on its root
path, so P(child) <= P(parent) and exclusive siblings sum to at most their parent.

``FlatConceptLayer`` is the baseline without the tree: one independent sigmoid per concept.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .tree import EITree


class ConceptStructure(nn.Module):
    """The tree's layer masks as buffers: exclusive groups (padded), independent and pass-through
    dimensions, and the ancestor matrix that sums conditionals along root paths."""

    def __init__(self, tree: EITree):
        super().__init__()
        groups = tree.exclusive_groups
        num = len(tree.order)
        width = max(len(g) for g in groups)
        group_index = torch.zeros(len(groups), width, dtype=torch.long)
        group_valid = torch.zeros(len(groups), width, dtype=torch.bool)
        group_of = torch.full((num,), len(groups), dtype=torch.long)  # G: "no group" (a zero column)
        for row, members in enumerate(groups):
            group_index[row, :len(members)] = torch.tensor(members)
            group_valid[row, :len(members)] = True
            group_of[members] = row
        independent = torch.zeros(num, dtype=torch.bool)
        independent[tree.independent_nodes] = True
        ancestors = torch.zeros(num, num)  # [j, i] = 1 when j is on the root path of i (i included)
        for dim in range(num):
            node = dim
            while node != -1:
                ancestors[node, dim] = 1.0
                node = tree.parent_index[node]
        self.num_concepts = num
        self.register_buffer("group_index", group_index, persistent=False)  # (G, L)
        self.register_buffer("group_valid", group_valid, persistent=False)  # (G, L)
        self.register_buffer("group_of", group_of, persistent=False)  # (K,)
        self.register_buffer("in_group", group_of < len(groups), persistent=False)  # (K,)
        self.register_buffer("is_independent", independent, persistent=False)  # (K,)
        self.register_buffer("independent", torch.tensor(tree.independent_nodes, dtype=torch.long),
                             persistent=False)  # (I,)
        self.register_buffer("ancestors", ancestors, persistent=False)  # (K, K)

    def conditional_log_probs(self, logits: torch.Tensor) -> torch.Tensor:
        """(B, K) logits -> (B, K) log P(concept | parent): logit minus its group's log-sum-exp,
        log-sigmoid for independent nodes, 0 for pass-through nodes."""
        segments = self.group_of.expand(len(logits), -1)  # (B, K); ungrouped dims share the extra column
        columns = len(self.group_index) + 1
        shift = logits.detach().new_full((len(logits), columns), float("-inf"))
        shift = shift.scatter_reduce(1, segments, logits.detach(), "amax")  # (B, G + 1) max per group
        shifted = (logits - shift.gather(1, segments)).exp()  # (B, K)
        lse = logits.new_zeros(len(logits), columns).scatter_add(1, segments, shifted).log() + shift
        cond = torch.where(self.in_group, logits - lse.gather(1, segments), torch.zeros_like(logits))
        return torch.where(self.is_independent, F.logsigmoid(logits), cond)

    def path_log_probs(self, cond_log_probs: torch.Tensor) -> torch.Tensor:
        """(B, K) conditional log-probs -> (B, K) log P(concept), the sum along the root path (the
        root's is 0). Use a large finite negative, not -inf, for impossible values."""
        return cond_log_probs @ self.ancestors


class EIConceptLayer(nn.Module):
    """The EI-tree head: a linear map D -> K, then tree-structured probabilities."""

    kind = "ei_tree"

    def __init__(self, tree: EITree, dim: int):
        super().__init__()
        self.structure = ConceptStructure(tree)
        self.linear = nn.Linear(dim, self.structure.num_concepts)

    def forward(self, emb: torch.Tensor) -> dict[str, torch.Tensor]:
        """(B, D) -> ``concept_logits``, ``concept_cond_log_probs``, ``concept_log_probs``,
        ``concept_probs``, each (B, K)."""
        logits = self.linear(emb)
        cond = self.structure.conditional_log_probs(logits)
        log_probs = self.structure.path_log_probs(cond)
        return {"concept_logits": logits, "concept_cond_log_probs": cond,
                "concept_log_probs": log_probs, "concept_probs": log_probs.exp()}

    def concept_maps(self, feature_map: torch.Tensor) -> torch.Tensor:
        """The same linear map at each location (1x1 conv, CAM-style): (B, D, H, W) -> (B, K, H, W) logits."""
        weight = self.linear.weight[:, :, None, None]  # (K, D, 1, 1)
        return F.conv2d(feature_map, weight, self.linear.bias)


class FlatConceptLayer(EIConceptLayer):
    """Baseline: one sigmoid per concept, no groups, no path product (pass-through nodes get 1)."""

    kind = "flat"

    def __init__(self, tree: EITree, dim: int):
        super().__init__(tree, dim)
        passing = torch.zeros(self.structure.num_concepts, dtype=torch.bool)
        passing[tree.pass_through_nodes] = True
        self.register_buffer("pass_through", passing, persistent=False)

    def forward(self, emb: torch.Tensor) -> dict[str, torch.Tensor]:
        logits = self.linear(emb)
        log_probs = F.logsigmoid(logits).masked_fill(self.pass_through, 0.0)
        return {"concept_logits": logits, "concept_cond_log_probs": log_probs,
                "concept_log_probs": log_probs, "concept_probs": log_probs.exp()}


def create_concept_layer(kind: str, tree: EITree, dim: int) -> nn.Module | None:
    """The concept head named by ``ModelConfig.concept_head`` (None for "none")."""
    layers = {"ei_tree": EIConceptLayer, "flat": FlatConceptLayer}
    if kind == "none":
        return None
    if kind not in layers:
        raise ValueError(f"unknown concept head {kind!r}; known: {', '.join([*layers, 'none'])}")
    return layers[kind](tree, dim)


# ---------------------------------------------------------------------------- labels
@dataclass
class ConceptTargets:
    """Products' labels as tensors, row-aligned with a product list.

    ``group_targets[n, g]``: position of the labelled child within exclusive group g, or -1 when
    the product has no labelled child there (unknown, masked). ``indep_targets``/``indep_mask``:
    independent nodes, known only where the product's attribute of that facet is labelled.
    ``concept_targets``/``concept_mask``: every concept as a known positive (1), known negative (0),
    or unknown (mask False); pass-through nodes are always masked. Used by the flat head and by
    the per-concept evaluation."""

    group_targets: torch.Tensor  # (N, G) long
    indep_targets: torch.Tensor  # (N, I) float
    indep_mask: torch.Tensor  # (N, I) bool
    concept_targets: torch.Tensor  # (N, K) float
    concept_mask: torch.Tensor  # (N, K) bool

    def __len__(self) -> int:
        return len(self.group_targets)

    def __getitem__(self, rows) -> dict[str, torch.Tensor]:
        return {"group_targets": self.group_targets[rows], "indep_targets": self.indep_targets[rows],
                "indep_mask": self.indep_mask[rows], "concept_targets": self.concept_targets[rows],
                "concept_mask": self.concept_mask[rows]}


def concept_label_matrix(tree: EITree, label_sets: list[set[str]]) -> tuple[np.ndarray, np.ndarray]:
    """(N, K) known-positive and known-negative masks from label sets.

    A concept is a known positive when labelled. It is a known negative when a member of its
    exclusive group (or of its independent facet) is labelled instead, or when its nearest
    non-facet ancestor is a known negative. Everything else is unknown: a product whose sleeve
    length is not labelled says nothing about sleeve lengths."""
    index, order = tree.index, tree.order
    positive = np.zeros((len(label_sets), len(order)), dtype=bool)
    for row, labels in enumerate(label_sets):
        positive[row, [index[c] for c in labels]] = True
    negative = np.zeros_like(positive)
    families = [np.asarray(g) for g in tree.exclusive_groups]
    for nid in order:
        node = tree.nodes[nid]
        if node.kind == "facet" and node.mode == "I":
            families.append(np.asarray([index[c] for c in node.children]))
    for dims in families:
        any_labelled = positive[:, dims].any(axis=1, keepdims=True)
        negative[:, dims] |= any_labelled & ~positive[:, dims]
    passing = set(tree.pass_through_nodes)
    anchor = []  # nearest ancestor that is not a pass-through node
    for dim, parent in enumerate(tree.parent_index):
        while parent in passing and parent != -1:
            parent = tree.parent_index[parent]
        anchor.append(parent)
    for dim in range(len(order)):  # breadth-first: parents are final before their children
        if dim not in passing and anchor[dim] != -1:
            negative[:, dim] |= negative[:, anchor[dim]]
    negative[:, list(passing)] = False
    positive[:, list(passing)] = False
    return positive, negative


def build_targets(tree: EITree, label_sets: list[set[str]]) -> ConceptTargets:
    """Label tensors for the concept losses, built once per split from ``tree.labels``."""
    positive, negative = concept_label_matrix(tree, label_sets)
    groups = tree.exclusive_groups
    group_targets = np.full((len(label_sets), len(groups)), -1, dtype=np.int64)
    for g, members in enumerate(groups):
        hit = positive[:, members]  # (N, L)
        rows = np.flatnonzero(hit.any(axis=1))
        group_targets[rows, g] = hit[rows].argmax(axis=1)
    indep = tree.independent_nodes
    return ConceptTargets(
        group_targets=torch.from_numpy(group_targets),
        indep_targets=torch.from_numpy(positive[:, indep].astype(np.float32)),
        indep_mask=torch.from_numpy(positive[:, indep] | negative[:, indep]),
        concept_targets=torch.from_numpy(positive.astype(np.float32)),
        concept_mask=torch.from_numpy(positive | negative),
    )
