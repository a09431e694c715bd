"""The catalogue: reading the Kaggle layout (``ingest``), the SQL store (``store``), the EI tree
built from it (``tree_build``), brands, sizes, money, the split, the demo cut and the in-memory
product table (``products``). The bottom room of the engine: it imports no other room."""
