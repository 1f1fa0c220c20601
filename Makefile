# Entry points of the project. `make build` and `make test` are all a fresh machine needs
# (Python 3.11, Java 17 or 21, make).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# The settings' defaults, defined once in .env (docker-compose and the `lakehouse` command read it
# too), as DEFAULT_<NAME>; what the environment or the command line sets wins.
$(foreach setting,$(shell grep -E '^[A-Z][A-Z0-9_]*=' .env),$(eval DEFAULT_$(setting)))
SCALE ?= $(DEFAULT_TPCH_SCALE)
DOCS_PORT ?= 8080
# Pull-request builds: main's published manifest (and warehouse) for state:modified+ with --defer.
STATE_DIR ?= state
# Base of the diff whose SQL files `make lint-changed` lints; output format for sqlfluff there.
BASE ?= origin/main
SQLFLUFF_FORMAT ?= human
REPEATS ?= 3
# make test: pytest workers, each taking whole test modules (0: one process).
TEST_WORKERS ?= 2
# docker-compose: Spark workers, and the client (the compose plugin where there is one).
WORKERS ?= 2
COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
# Daily feed: where it lives and the last day its first (backfill) batch holds.
FEED_DIR ?= $(abspath $(or $(LAKEHOUSE_FEED_DIR),$(DEFAULT_LAKEHOUSE_FEED_DIR)))
UNTIL ?= 1998-07-31

export TPCH_SCALE := $(SCALE)
export TPCH_DATA_DIR ?= $(abspath $(DEFAULT_TPCH_DATA_DIR))
export LAKEHOUSE_WAREHOUSE_DIR ?= $(abspath $(DEFAULT_LAKEHOUSE_WAREHOUSE_DIR))
export DBT_PROFILES_DIR := $(CURDIR)/profiles
export LAKEHOUSE_CONF_DIR := $(CURDIR)/conf
export SPARK_LOCAL_IP ?= 127.0.0.1
export PATH := $(BIN):$(PATH)

.PHONY: help venv data build up down feed feed-build next-day test tpch-check bench lint lint-changed lint-bench hooks docs docs-site pr-build state clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

venv: $(VENV)/.installed ## virtual env with the pinned dependencies, and the JVM's class archive

# The class archive (lakehouse jvm-archive) makes every embedded Spark start faster.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint constraints.txt --editable '.[dev]'
	$(BIN)/lakehouse jvm-archive
	touch $@

data: venv ## raw TPC-H Parquet at SCALE (default 0.01) under data/tpch
	lakehouse data --scale $(SCALE)

# A plain dbt build leaves out the 22 TPC-H query models (selectors.yml); tpch-check builds them.
build: data ## seeds, models and tests on the embedded Spark (dbt build)
	dbt build

up: venv ## docker-compose cluster: images (built without a registry if need be), up, healthy; WORKERS (2)
	lakehouse compose up --workers $(WORKERS) --project-dir $(CURDIR)

down: ## stop the docker-compose cluster, keeping its tables (docker compose down -v drops them)
	$(COMPOSE) down

feed: data ## daily feed in FEED_DIR: orders and line items up to UNTIL (a batch per month), that day's customer and part-supplier extracts
	lakehouse feed start --scale $(SCALE) --until $(UNTIL) --data-dir $(TPCH_DATA_DIR) --feed-dir $(FEED_DIR)

feed-build: venv ## seeds, models and tests on the daily feed (dbt build --full-refresh)
	TPCH_DATA_DIR=$(FEED_DIR) dbt build --full-refresh

next-day: venv ## land the next day of the feed, then dbt build with its event times: what the day reaches, and its tests
	lakehouse feed next --scale $(SCALE) --data-dir $(TPCH_DATA_DIR) --feed-dir $(FEED_DIR)
	bounds=$$(lakehouse feed event-times --scale $(SCALE) --feed-dir $(FEED_DIR)) && \
		TPCH_DATA_DIR=$(FEED_DIR) dbt build $$bounds

test: venv ## the whole test suite (pytest drives dbt, Spark, DuckDB and Chromium)
	pytest --numprocesses $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

tpch-check: data ## build the 22 TPC-H query models at SCALE and check their answers
	dbt build --select +tag:tpch --indirect-selection cautious
	lakehouse tpch-check --scale $(SCALE)

bench: venv ## benchmark at SCALE (STEPS: a subset): builds, raw Spark, one new day, Thrift, TPC-H vs DuckDB
	lakehouse bench --scale $(SCALE) $(if $(STEPS),--steps $(STEPS))

lint: venv ## sqlfluff, ruff, YAML and dbt parse on the whole tree (the pre-commit checks)
	pre-commit run --all-files --hook-stage manual

lint-changed: venv ## sqlfluff on the SQL files changed since BASE (pull requests)
	git diff --name-only --diff-filter=d $(BASE)...HEAD -- '*.sql' \
		| xargs --no-run-if-empty sqlfluff lint --format $(SQLFLUFF_FORMAT)

lint-bench: venv ## time sqlfluff per templater on one file and on the project (REPEATS runs each)
	lakehouse lint-bench --repeats $(REPEATS)

hooks: venv ## install the git pre-commit hook (fixes, then lints, what you commit)
	pre-commit install

docs-site: data ## lineage docs site in target/site: index.html as one file, column lineage pages
	dbt docs generate
	lakehouse docs-coverage
	lakehouse column-lineage

docs: docs-site ## generate the lineage docs site and serve it on http://127.0.0.1:$(DOCS_PORT)
	python -m http.server $(DOCS_PORT) --bind 127.0.0.1 --directory target/site

pr-build: data ## changed models and children, deferring to $(STATE_DIR) if there; else all
	if [ -f $(STATE_DIR)/manifest.json ]; then \
		dbt build --select state:modified+ --defer --state $(STATE_DIR); \
	else \
		dbt build; \
	fi

state: ## main's state for pull-request builds: manifest + warehouse into target/site/state
	mkdir -p target/site/state
	cp target/manifest.json target/site/state/manifest.json
	tar -czf target/site/state/warehouse.tar.gz warehouse

clean: ## remove the warehouse and dbt output (keeps raw data)
	rm -rf warehouse target logs
