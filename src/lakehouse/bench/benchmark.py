"""`lakehouse bench`: what building this project costs on this machine, beside what Spark alone and
DuckDB take for the same work. Every step is a fresh process timed by wall clock, as a user runs it:

- generate: tpchgen-cli writes the raw tables at the scale, then the daily feed lays out every day
  but the last two;
- embedded: `dbt build` (seeds, models, data tests; the 22 TPC-H query models are not in a plain
  build, see selectors.yml) on an empty warehouse, embedded Spark;
- raw_spark: the statements of that build back to back in one plain SparkSession (raw_spark.py);
- noop: the same `dbt build` again, nothing new;
- new_day: the next day lands, then the daily command (`make next-day`'s): `dbt build` with the
  day's event times (what the day reaches);
- thrift: `dbt build --target thrift` on an empty warehouse of a Thrift server started here, again
  with nothing new (thrift_noop), then the last day lands and the daily command runs on the server
  (thrift_new_day);
- tpch: the 22 official TPC-H queries in one SparkSession and in DuckDB over the same files.

Figures go to BENCH_DIR/bench-sf<scale>.json and a chart beside it. "The day's own work" is a
daily build less a nothing-new build of the same run (what any dbt process costs before it can
tell what changed); the ten costliest nodes of each daily build are kept with the figures.
"""

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path

from lakehouse import profile
from lakehouse.data import daily_feed, tpch_data
from lakehouse.dbt_env import dbt_environment

STEPS = ("generate", "embedded", "raw_spark", "noop", "new_day", "thrift", "tpch")
DBT_BUILD = ("build", "--exclude-resource-type", "unit_test")


class BenchmarkError(RuntimeError):
    """A step failed; the message names it and where its output is."""


class Benchmark:
    def __init__(self, scale: float, bench_dir: Path) -> None:
        self.scale = scale
        self.dir = bench_dir / f"sf{tpch_data.scale_label(scale)}"
        self.source_root = self.dir / "data"
        self.feed_root = self.dir / "feed"
        self.seconds: dict[str, float] = {}
        self.details: dict[str, object] = {}

    @property
    def dataset(self) -> Path:
        return tpch_data.dataset_dir(self.feed_root, self.scale)

    def env(self, name: str) -> dict[str, str]:
        return dbt_environment(
            self.scale, self.feed_root, self.dir / name / "warehouse", self.dir / name
        )

    def timed(self, step: str, action: Callable[[], object]) -> object:
        started = time.perf_counter()
        outcome = action()
        self.seconds[step] = time.perf_counter() - started
        print(f"{step:>12}: {self.seconds[step]:8.1f} s", flush=True)
        return outcome

    def run(self, command: list[str], env: dict[str, str], log: Path) -> str:
        """Run a command, its output kept in `log`; BenchmarkError if it fails."""
        log.parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        log.write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            raise BenchmarkError(f"`{' '.join(command[:3])} ...` failed; output in {log}")
        return result.stdout

    def dbt(self, step: str, name: str, *args: str, env: dict[str, str] | None = None) -> None:
        """Time a dbt command as `step`, and record how long its phases took (`dbt_phases`)."""
        bin_dir = Path(sys.executable).parent
        command = [str(bin_dir / "dbt"), *args]
        self.timed(
            step, lambda: self.run(command, env or self.env(name), self.dir / name / "dbt.log")
        )
        run_results = self.dir / name / "target" / "run_results.json"
        self.details[f"{step}_phases"] = dbt_phases(run_results)
        if step.endswith("new_day"):
            self.details[f"{step}_costliest_nodes"] = costliest_nodes(run_results)

    # --- steps ---------------------------------------------------------------------------------

    def generate(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        self.timed("generate", lambda: tpch_data.generate(self.source_root, self.scale))
        source = tpch_data.dataset_dir(self.source_root, self.scale)
        _, last = daily_feed.order_dates(source)
        until = last - timedelta(days=2)  # a day each for the embedded and the Thrift new day
        self.timed(
            "feed", lambda: daily_feed.start(self.source_root, self.feed_root, self.scale, until)
        )

    def embedded(self) -> None:
        self.dbt("embedded", "embedded", *DBT_BUILD)

    def raw_spark(self) -> None:
        output = self.timed("raw_spark", lambda: self.raw_spark_process("build"))
        self.details["raw_spark_phases"] = json.loads(output.splitlines()[-1])

    def raw_spark_process(self, mode: str) -> str:
        warehouse = self.dir / f"raw_spark_{mode}"
        shutil.rmtree(warehouse, ignore_errors=True)
        command = [sys.executable, "-m", "lakehouse.bench.raw_spark", mode]
        command += ["--dataset", str(self.dataset), "--warehouse", str(warehouse)]
        command += ["--target", str(self.dir / "embedded" / "target")]
        return self.run(command, self.env("embedded"), warehouse / "run.log")

    def noop(self) -> None:
        self.dbt("noop", "embedded", *DBT_BUILD)

    def land_day(self) -> None:
        self.timed(
            "land_day",
            lambda: daily_feed.land_next_days(self.source_root, self.feed_root, self.scale, 1),
        )

    def new_day(self) -> None:
        self.land_day()
        self.dbt("new_day", "embedded", *self.daily_build())

    def daily_build(self) -> tuple[str, ...]:
        """`make next-day`'s build: with the event times of the day that landed."""
        start, end = daily_feed.event_time_bounds(self.feed_root, self.scale)
        return (*DBT_BUILD, "--event-time-start", str(start), "--event-time-end", str(end))

    def thrift(self) -> None:
        env = {**self.env("thrift"), "DBT_TARGET": "thrift"}
        env["LAKEHOUSE_SERVER_WAREHOUSE_DIR"] = str(self.dir / "thrift" / "warehouse")
        env["LAKEHOUSE_RUN_DIR"] = str(self.dir / "thrift" / "run")
        launcher = [str(Path(sys.executable).parent / "lakehouse"), "server"]
        logs = self.dir / "thrift"
        self.timed("server_start", lambda: self.run([*launcher, "start"], env, logs / "start.log"))
        try:
            self.dbt("thrift", "thrift", *DBT_BUILD, env=env)
            self.dbt("thrift_noop", "thrift", *DBT_BUILD, env=env)
            self.land_day()
            self.dbt("thrift_new_day", "thrift", *self.daily_build(), env=env)
        finally:
            self.run([*launcher, "stop"], env, logs / "stop.log")

    def tpch(self) -> None:
        spark = self.timed("tpch_spark_process", lambda: self.raw_spark_process("queries"))
        self.details["tpch_spark"] = json.loads(spark.splitlines()[-1])
        self.details["tpch_duckdb"] = duckdb_queries(self.dataset)
        for engine in ("spark", "duckdb"):
            runs = self.details[f"tpch_{engine}"].values()
            self.seconds[f"tpch_{engine}"] = sum(run["warm"] for run in runs)
            print(f"{'tpch_' + engine:>12}: {self.seconds[f'tpch_{engine}']:8.1f} s (22, warm)")

    # --- report --------------------------------------------------------------------------------

    def report(self) -> dict:
        seconds = self.seconds
        ratios = {}
        if {"embedded", "raw_spark"} <= seconds.keys():
            ratios["embedded_over_raw_spark"] = seconds["embedded"] / seconds["raw_spark"]
        if {"noop", "embedded"} <= seconds.keys():
            ratios["noop_over_full_build"] = seconds["noop"] / seconds["embedded"]
        if {"new_day", "embedded"} <= seconds.keys():
            ratios["new_day_over_full_build"] = seconds["new_day"] / seconds["embedded"]
        if {"new_day", "noop", "embedded"} <= seconds.keys():
            ratios["day_own_work_over_full_build"] = (
                seconds["new_day"] - seconds["noop"]
            ) / seconds["embedded"]
        if {"thrift_new_day", "thrift"} <= seconds.keys():
            ratios["thrift_new_day_over_full_build"] = seconds["thrift_new_day"] / seconds["thrift"]
            ratios["thrift_day_own_work_over_full_build"] = (
                seconds["thrift_new_day"] - seconds["thrift_noop"]
            ) / seconds["thrift"]
        if {"thrift", "embedded"} <= seconds.keys():
            ratios["thrift_over_embedded"] = seconds["thrift"] / seconds["embedded"]
        if {"tpch_spark", "tpch_duckdb"} <= seconds.keys():
            ratios["tpch_spark_over_duckdb"] = seconds["tpch_spark"] / seconds["tpch_duckdb"]
        return {
            "scale": self.scale,
            "seconds": seconds,
            "ratios": ratios,
            "details": self.details,
            "machine": machine(),
            "versions": versions(),
            "spark_settings": profile.embedded_spark_conf(self.env("embedded")),
        }


def dbt_phases(run_results: Path) -> dict[str, float]:
    """Where a dbt command's time went, from its run_results.json: start-up (Spark session, catalog
    cache) until the first node, the on-run-start hook (source registration), the nodes from the
    first start to the last end, the on-run-end hook (test outcomes recorded), and node-seconds per
    kind (threads overlap, so these add up to more than the wall time)."""
    run = json.loads(run_results.read_text())
    spans: dict[str, list[datetime]] = {}
    phases = {"startup": 0.0}
    for result in run["results"]:
        kind = result["unique_id"].split(".")[0]
        times = [
            datetime.fromisoformat(timing[edge])
            for timing in result["timing"]
            for edge in ("started_at", "completed_at")
            if timing.get(edge)
        ]
        span = "nodes"
        if kind == "operation":
            span = "on_run_end" if "on-run-end" in result["unique_id"] else "on_run_start"
        spans.setdefault(span, []).extend(times)
        phases[f"{kind}_seconds"] = phases.get(f"{kind}_seconds", 0.0) + result["execution_time"]
    started = datetime.fromisoformat(run["metadata"]["invocation_started_at"])
    phases["startup"] = (min(min(times) for times in spans.values()) - started).total_seconds()
    phases.update({name: (max(t) - min(t)).total_seconds() for name, t in spans.items()})
    return phases


def costliest_nodes(run_results: Path, count: int = 10) -> list[dict[str, object]]:
    """The `count` nodes that took longest in a dbt command: name, kind, status and seconds."""
    results = json.loads(run_results.read_text())["results"]
    return [
        {
            "node": result["unique_id"].split(".", 2)[-1],
            "kind": result["unique_id"].split(".")[0],
            "status": result["status"],
            "seconds": round(result["execution_time"], 1),
        }
        for result in sorted(results, key=lambda r: r["execution_time"], reverse=True)[:count]
    ]


def duckdb_queries(dataset: Path) -> dict[str, dict[str, float]]:
    """Seconds per official TPC-H query in DuckDB over the raw files: cold and warm run."""
    from lakehouse.checks import tpch_answers

    connection = tpch_answers.duckdb_over(dataset)
    return tpch_answers.time_official_queries(lambda query: connection.execute(query).fetchall())


def machine() -> dict:
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024**2, 1),
        "cpu": _cpu_model(),
        "system": f"{platform.system()} {platform.release()}",
    }


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def versions() -> dict:
    java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    packages = ("pyspark", "dbt-core", "dbt-spark", "duckdb", "tpchgen-cli")
    return {
        "python": platform.python_version(),
        "java": java.stderr.splitlines()[0] if java.stderr else "unknown",
        **{package: metadata.version(package) for package in packages},
    }


def run(scale: float, bench_dir: Path, steps: list[str]) -> dict:
    """Run the steps in STEPS order (see `lakehouse bench --help` for what each needs); write JSON
    and the chart."""
    bench = Benchmark(scale, bench_dir)
    for step in STEPS:
        if step in steps:
            getattr(bench, step)()
    report = bench.report()
    output = bench_dir / f"bench-sf{tpch_data.scale_label(scale)}.json"
    output.write_text(json.dumps(report, indent=2, default=str))
    from lakehouse.bench import bench_chart

    chart = bench_chart.draw(report, output.with_suffix(".png"))
    print(bench_chart.markdown_table(report))
    print(f"figures: {output}\nchart:   {chart}")
    return report
