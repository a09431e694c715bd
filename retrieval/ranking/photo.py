"""A shopper's photo as the query: ranked softly, by what the photo is likely to show.

The concept layer reads a photo with a probability per concept, and it is often unsure of the
category (a navy skirt: 0.45 handbags, 0.30 skirts). Ranking it like a catalogue product, whose
labels are certain, commits to the likeliest category: on a large catalogue that category alone
has five products that look close enough, so all five results come from it. Two rules keep the
ranking soft (both are ``SearchConfig`` values):

1. **Certainty-weighted agreement.** The hierarchical similarity's agreement at each category
   level (master, sub, type) and at colour counts in proportion to the photo's certainty there
   (its largest probability in that level): a sure photo ranks by category as a reference
   product does; an unsure one leaves more of the order to its look (the joint embedding).
2. **The likely categories share the first results.** Every article type the photo may show
   (probability at least ``photo_likely_min`` and at least ``photo_likely_ratio`` times the
   likeliest type's) has its best-ranked product among the first ``photo_likely_within``
   results. It takes the place of the lowest-ranked product there whose type is listed more than
   once or is no likely type, so an unsure photo shows its likely readings side by side.
"""
from __future__ import annotations

import numpy as np

CERTAINTY_LEVELS = ("master", "sub", "type")  # levels whose agreement a photo's certainty scales


def certainty_weighted(query: np.ndarray, q: np.ndarray, levels: dict[str, np.ndarray]) -> np.ndarray:
    """The query vector (2K + D,) with each certainty level's block (in the first K dimensions)
    scaled by the largest probability of the edited concept vector ``q`` (K,) in that level."""
    out = query.copy()
    for level in CERTAINTY_LEVELS:
        dims = levels.get(level)
        if dims is not None and len(dims):
            out[dims] *= float(q[dims].max())
    return out


def likely_types(probs: np.ndarray, type_dims: np.ndarray, min_prob: float, ratio: float,
                 limit: int = 3) -> list[int]:
    """Dimensions (indices into the concept vector) of the article types a photo may show, likeliest
    first: at most ``limit``, each with a probability of at least ``min_prob`` and at least
    ``ratio`` times the likeliest type's."""
    if not len(type_dims):
        return []
    type_probs = probs[type_dims]  # (T,)
    best = float(type_probs.max())
    order = np.argsort(-type_probs, kind="stable")[:limit]
    return [int(type_dims[i]) for i in order if type_probs[i] >= min_prob and type_probs[i] >= ratio * best]


def share_first_results(categories: np.ndarray, likely: list[int], within: int) -> np.ndarray:
    """A permutation of a ranked list's positions (L,) in which every likely category that the
    list holds has a product among the first ``within`` (``categories``: (L,) each listed
    product's category). A missing category's best-ranked product takes the place of the
    lowest-ranked product of the first ``within`` whose category is listed there more than once
    or is not likely; the first ``within`` stay in rank order, the rest follow in theirs."""
    n = len(categories)
    chosen = list(range(min(within, n)))
    for category in likely[1:] if likely else []:
        if any(categories[p] == category for p in chosen):
            continue
        later = next((p for p in range(len(chosen), n) if categories[p] == category and p not in chosen), None)
        if later is None:
            continue
        counts: dict[int, int] = {}
        for p in chosen:
            counts[int(categories[p])] = counts.get(int(categories[p]), 0) + 1
        spare = [p for p in sorted(chosen, reverse=True)
                 if counts[int(categories[p])] > 1 or int(categories[p]) not in likely]
        if not spare:
            continue
        chosen.remove(spare[0])
        chosen.append(later)
    first = sorted(chosen)
    taken = set(first)
    return np.asarray(first + [p for p in range(n) if p not in taken], dtype=np.int64)
