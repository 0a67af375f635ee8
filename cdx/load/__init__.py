"""Load a verified package into a statistics office's own database (`cdx load`).

One module per concern: the target protocol and its registry by URL scheme, the schema
names, the column types, the DDL from a Table Schema, the metadata tables and load log,
and one module per database (DuckDB, PostgreSQL).
"""
