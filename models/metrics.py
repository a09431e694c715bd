"""Metrics shared by training (validation, early stopping) and the evaluation."""
from __future__ import annotations

import numpy as np
import torch


def recall_at_k(scores: torch.Tensor | np.ndarray, k: int) -> float:
    """Share of queries (rows) whose match (the same index, the diagonal) ranks in the top k."""
    scores = torch.as_tensor(scores)
    positive = scores.diagonal()[:, None]
    rank = (scores > positive).sum(dim=1)  # (Q,) items strictly better than the match
    return float((rank < k).float().mean())


def group_predictions(probs: torch.Tensor, group_index: torch.Tensor, group_valid: torch.Tensor) -> torch.Tensor:
    """(N, K) probabilities -> (N, G) position of the most probable member of each exclusive group."""
    grouped = probs[:, group_index].masked_fill(~group_valid, float("-inf"))  # (N, G, L)
    return grouped.argmax(dim=-1)


def group_accuracy(probs, group_index, group_valid, group_targets) -> float:
    """Micro accuracy of the argmax within each exclusive group, over labelled (product, group) pairs."""
    known = group_targets >= 0
    correct = (group_predictions(probs, group_index, group_valid) == group_targets) & known
    return float(correct.sum() / known.sum().clamp_min(1))


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """Average precision of one binary ranking (ties broken by order); nan without positives."""
    if labels.sum() == 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    hits = labels[order].astype(np.float64)
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / hits.sum())
