"""The model-only measures of ``fashionbot eval``, by concern, and the report they go into.

- ``measures``: the models under test (the checkpoint and its baselines) and their measures;
- ``concepts``: concept prediction per level, per-concept AP and the image+text gains;
- ``cross_modal``: image-text retrieval recall;
- ``report``, ``plots``, ``card``: ``reports/eval.md`` and ``eval.json``, its PNG plots, and the
  evaluation section of the model card.

Attribute-manipulation retrieval is scored by the engine's own ranking, so it lives on the
engine side (``retrieval/evaluation/amr.py``), and ``retrieval/evaluation/evaluate.py`` runs the whole evaluation.
"""
