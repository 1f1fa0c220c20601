"""Tooling for the TPC-H lakehouse dbt project: the `lakehouse` command and the rooms it is made
of (spark, services, data, checks, bench); see cli.py."""
