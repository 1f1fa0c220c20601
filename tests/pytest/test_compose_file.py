"""docker-compose.yml cannot run here (no Docker engine), so its structure is checked instead, and
every command it gives a Spark service must be a valid command of the CLI that CI runs natively."""

from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_DIR

from lakehouse.cli import build_parser

COMPOSE = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SPARK_SERVICES = ["tpch-data", "spark-master", "spark-worker", "spark-thrift"]


def test_services_and_their_order() -> None:
    assert set(SERVICES) == {"metastore-db", *SPARK_SERVICES}
    thrift_needs = SERVICES["spark-thrift"]["depends_on"]
    assert thrift_needs["metastore-db"]["condition"] == "service_healthy"
    assert thrift_needs["spark-master"]["condition"] == "service_healthy"
    assert thrift_needs["tpch-data"]["condition"] == "service_completed_successfully"
    assert SERVICES["spark-worker"]["depends_on"]["spark-master"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ["metastore-db", "spark-master", "spark-worker", "spark-thrift"])
def test_long_running_services_have_healthchecks(name: str) -> None:
    assert SERVICES[name]["healthcheck"]["test"][0] == "CMD"


def test_ports_published_on_loopback_only() -> None:
    published = {name: s.get("ports", []) for name, s in SERVICES.items()}
    assert published.pop("spark-thrift") == ["127.0.0.1:10000:10000"]
    assert all(not ports for ports in published.values()), published


def test_spark_services_share_the_image_and_the_warehouse_volume() -> None:
    for name in SPARK_SERVICES:
        service = SERVICES[name]
        assert service["build"]["dockerfile"] == "docker/Dockerfile"
        assert "lakehouse:/var/lakehouse" in service["volumes"]
    assert set(COMPOSE["volumes"]) == {"lakehouse", "metastore"}


@pytest.mark.parametrize("name", SPARK_SERVICES)
def test_spark_services_run_valid_lakehouse_commands(name: str) -> None:
    command = SERVICES[name]["command"]
    assert command[0] == "lakehouse"
    arguments = [arg.replace("${TPCH_SCALE:-0.01}", "0.01") for arg in command[1:]]
    build_parser().parse_args(arguments)  # exits (fails the test) on an unknown command or option


def test_image_installs_the_same_pins_and_config() -> None:
    dockerfile = (PROJECT_DIR / "docker" / "Dockerfile").read_text()
    assert "--constraint constraints.txt" in dockerfile
    assert "COPY conf ./conf" in dockerfile
    assert Path(PROJECT_DIR / "conf" / "thrift-server.conf").exists()
