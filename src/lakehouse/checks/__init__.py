"""Checks of what the project built: the TPC-H query models against the official answers and
DuckDB, and the documentation coverage gate."""
