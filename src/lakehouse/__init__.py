"""Tooling for the TPC-H lakehouse dbt project: raw data generation and the command line."""
