# Entry points of the project. `make build` and `make test` are all a fresh machine needs
# (Python 3.11, Java 17 or 21, make).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
SCALE ?= 0.01

export TPCH_SCALE := $(SCALE)
export TPCH_DATA_DIR ?= $(CURDIR)/data/tpch
export LAKEHOUSE_WAREHOUSE_DIR ?= $(CURDIR)/warehouse
export DBT_PROFILES_DIR := $(CURDIR)/profiles
export LAKEHOUSE_CONF_DIR := $(CURDIR)/conf
export SPARK_LOCAL_IP ?= 127.0.0.1
export PATH := $(BIN):$(PATH)

.PHONY: help venv data build test clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

venv: $(VENV)/.installed ## virtual env with the pinned dependencies

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $@

data: venv ## raw TPC-H Parquet at SCALE (default 0.01) under data/tpch
	lakehouse data --scale $(SCALE)

build: data ## seeds, models and tests on the embedded Spark (dbt build)
	dbt build

test: venv ## the whole test suite (pytest drives dbt, Spark and DuckDB)
	pytest

clean: ## remove the warehouse and dbt output (keeps raw data)
	rm -rf warehouse target logs
