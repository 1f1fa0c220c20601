"""docker-compose.yml's structure, checked without an engine (test_compose.py runs it): services,
their order and healthchecks, loopback-only ports, one image for Spark and dbt, and every command a
Spark service runs is a valid command of the CLI the native path runs."""

import pytest
import yaml
from conftest import PROJECT_DIR

from lakehouse.cli import build_parser

COMPOSE = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SPARK_SERVICES = ["tpch-data", "spark-master", "spark-worker", "spark-thrift"]
LONG_RUNNING = ["metastore-db", "spark-master", "spark-worker", "spark-thrift"]


def test_services_and_their_order() -> None:
    assert set(SERVICES) == {"metastore-db", "dbt", *SPARK_SERVICES}
    thrift_needs = SERVICES["spark-thrift"]["depends_on"]
    assert thrift_needs["metastore-db"]["condition"] == "service_healthy"
    assert thrift_needs["spark-master"]["condition"] == "service_healthy"
    assert thrift_needs["tpch-data"]["condition"] == "service_completed_successfully"
    assert SERVICES["spark-worker"]["depends_on"]["spark-master"]["condition"] == "service_healthy"
    assert SERVICES["dbt"]["depends_on"]["spark-thrift"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_services_have_healthchecks(name: str) -> None:
    assert SERVICES[name]["healthcheck"]["test"][0] == "CMD"


def test_ports_published_on_loopback_only() -> None:
    ports = [port for service in SERVICES.values() for port in service.get("ports", [])]
    assert len(ports) == 4  # Thrift, Connect, the Thrift server's UI, the master's UI
    assert all(port.startswith("127.0.0.1:") for port in ports), ports


def test_spark_and_dbt_share_one_image() -> None:
    images = {SERVICES[name]["image"] for name in [*SPARK_SERVICES, "dbt"]}
    assert images == {"tpch-lakehouse-spark:latest"}
    for name in SPARK_SERVICES:
        assert "lakehouse:/var/lakehouse" in SERVICES[name]["volumes"]
    assert set(COMPOSE["volumes"]) == {"lakehouse", "metastore"}


@pytest.mark.parametrize("name", SPARK_SERVICES)
def test_spark_services_run_valid_lakehouse_commands(name: str) -> None:
    command = SERVICES[name]["command"]
    assert command[0] == "lakehouse"
    arguments = [arg.replace("${TPCH_SCALE:-0.01}", "0.01") for arg in command[1:]]
    build_parser().parse_args(arguments)  # exits (fails the test) on an unknown command or option
