"""Ranking: the paper's hierarchical similarity and explanations (``search``, the one ranking),
a page of results (``results``, ``diversity``), the one vector index class (``index``, with the
exact scan in ``exact``), the product vectors (``vectors``) and index builds (``indexing``).
Imports the query and the catalogue."""
