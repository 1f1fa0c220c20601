"""The batches of a microbatch model, planned from what its view serves and what it reads.

dbt-core plans them in its runner, from two facts that do not hold here: a model is incremental
when its relation is a table (here every model is a view over its generations, so every run would
start again at `begin`), and without --event-time-end the last batch is the current one (for
history replayed from the 1990s, thirty years of empty batches). For models on this adapter:
- a run is incremental when the model's view serves partition generations and it is not a full
  refresh (the materialization's own is_incremental);
- without --event-time-end, the batches end with the one holding the latest event time in the
  inputs that declare `event_time` (those dbt filters to each batch); with none, now, as dbt does;
- a first build or a --full-refresh without bounds is one batch from `begin`, as a table is built:
  seventy monthly batches of history would cost seventy publications for the same rows.
Explicit --event-time-start/--event-time-end (batched as dbt does) and `dbt retry` (the failed
batches) are dbt's own. A run whose batches all kept what they serve reports the model unchanged.

Which batches the served generation already holds built from the model's current inputs: the
ranges of event time run since its inputs last changed (table property BATCHES on the view, beside
its inputs), so that a batch already built from the same inputs is kept, as any model is.
"""

from datetime import date, datetime, timedelta
from typing import Any

import pytz
from dbt.artifacts.schemas.batch_results import BatchType
from dbt.contracts.graph.nodes import ModelNode
from dbt.task.run import MicrobatchModelRunner

BATCHES = "lakehouse.batches"  # microbatch model view: "start..end ..." built from its inputs
# The adapter response of a node that wrote nothing (lakehouse_store_unchanged_result).
UNCHANGED = "UNCHANGED"


def install(adapter_class: type) -> None:
    """Plans the batches of microbatch models run on adapter_class; others as dbt does."""
    dbt_is_incremental = MicrobatchModelRunner._is_incremental
    dbt_get_batches = MicrobatchModelRunner.get_batches
    dbt_merge_batch_results = MicrobatchModelRunner.merge_batch_results

    def _is_incremental(self: MicrobatchModelRunner, model: ModelNode) -> bool:
        if not isinstance(self.adapter, adapter_class):
            return dbt_is_incremental(self, model)
        full_refresh = model.config.full_refresh
        if full_refresh is None:
            full_refresh = getattr(self.config.args, "FULL_REFRESH", False)
        served = self.adapter.served_generation(
            self.adapter.Relation.create_from(self.config, model)
        )
        return not full_refresh and served is not None and served["partitioned"]

    def get_batches(self: MicrobatchModelRunner, model: ModelNode) -> dict[int, BatchType]:
        if model.previous_batch_results is not None or not isinstance(self.adapter, adapter_class):
            return dbt_get_batches(self, model)
        builder = self.get_microbatch_builder(model)
        latest = latest_event_time(self, model) if builder.event_time_end is None else None
        if latest is not None:
            # The end is exclusive, and a batch's start is its own ceiling: just past the latest.
            builder.default_end_time = latest + timedelta(microseconds=1)
        end = builder.build_end_time()
        start = builder.build_start_time(end)
        if builder.is_incremental or builder.event_time_start is not None:
            batches = builder.build_batches(start, end)
        else:
            batches = [(start, end)]
        return dict(enumerate(batches))

    def merge_batch_results(self: MicrobatchModelRunner, result, batch_results: list) -> None:
        # The model's result says it wrote nothing when no batch did, as a kept model's does.
        dbt_merge_batch_results(self, result, batch_results)
        codes = {(batch.adapter_response or {}).get("code") for batch in batch_results}
        if isinstance(self.adapter, adapter_class) and codes == {UNCHANGED}:
            result.adapter_response = {
                "_message": "unchanged: keeps every batch",
                "code": UNCHANGED,
            }

    MicrobatchModelRunner._is_incremental = _is_incremental
    MicrobatchModelRunner.get_batches = get_batches
    MicrobatchModelRunner.merge_batch_results = merge_batch_results


def latest_event_time(runner: MicrobatchModelRunner, model: ModelNode) -> datetime | None:
    """The latest event time in the model's inputs that declare `event_time`, None if none does
    or they hold no rows."""
    manifest = runner.parent_task.manifest
    latest = []
    for unique_id in model.depends_on.nodes:
        node = manifest.nodes.get(unique_id) or manifest.sources.get(unique_id)
        event_time = node and node.config.event_time
        if not event_time:
            continue
        relation = runner.adapter.Relation.create_from(runner.config, node)
        _, table = runner.adapter.execute(f"select max({event_time}) from {relation}", fetch=True)
        value = table.rows[0][0]
        if value is not None:
            latest.append(as_utc(value))
    return max(latest, default=None)


def as_utc(value: date | datetime | str) -> datetime:
    """A date or timestamp (as Spark returns it, or its ISO text, as the Thrift server returns
    it) as dbt's batches are bounded: a UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=pytz.UTC) if value.tzinfo is None else value


def batch_range(batch: dict[str, Any]) -> str:
    """A batch of dbt's (`model.batch`) as the range it covers, `start..end`."""
    return "..".join(
        as_utc(str(batch[bound])).strftime("%Y-%m-%dT%H:%M:%S")
        for bound in ("event_time_start", "event_time_end")
    )


def covers(ranges: str | None, batch: dict[str, Any]) -> bool:
    """Whether one of the ranges (BATCHES) holds the whole batch."""
    start, end = batch_range(batch).split("..")
    return any(
        first <= start and end <= last
        for first, last in (text.split("..") for text in (ranges or "").split())
    )


def with_batch(ranges: str | None, batch: dict[str, Any]) -> str:
    """The ranges (BATCHES), and this batch."""
    return " ".join([*(ranges or "").split(), batch_range(batch)])
