"""Evaluation: attribute manipulation scored by the served ranking (``amr``), the whole
evaluation run (``evaluate``) and what ``fashionbot train``/``eval`` hand to ``models/``
(``training``). Imports ranking, query and catalogue; never serving."""
