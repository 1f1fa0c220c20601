"""The tuning knobs mean the same everywhere: the embedded profile, the Thrift server launcher and
the compose file read the same environment variables with the same defaults. (The running servers
report them: test_thrift_server.py and test_compose.py ask them over Thrift.)"""

import re

import pytest
import yaml
from conftest import PROJECT_DIR

from lakehouse import server, spark_tuning
from lakehouse.profile import embedded_spark_conf

KNOB_IDS = [knob.env for knob in spark_tuning.KNOBS]


@pytest.mark.parametrize("knob", spark_tuning.KNOBS, ids=KNOB_IDS)
def test_profile_and_server_share_the_default(
    knob: spark_tuning.Knob, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(knob.env, raising=False)
    assert embedded_spark_conf({})[knob.spark_property] == knob.default
    assert server.ServerSettings.from_env().spark_conf()[knob.spark_property] == knob.default


@pytest.mark.parametrize("knob", spark_tuning.KNOBS, ids=KNOB_IDS)
def test_profile_and_server_follow_the_environment(
    knob: spark_tuning.Knob, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(knob.env, "42")
    assert embedded_spark_conf({knob.env: "42"})[knob.spark_property] == "42"
    assert server.ServerSettings.from_env().spark_conf()[knob.spark_property] == "42"


@pytest.mark.parametrize("knob", spark_tuning.KNOBS, ids=KNOB_IDS)
def test_compose_passes_the_knob_with_its_default(knob: spark_tuning.Knob) -> None:
    compose = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
    value = compose["services"]["spark-thrift"]["environment"][knob.env]
    assert re.fullmatch(rf"\$\{{{knob.env}:-{re.escape(knob.default)}\}}", value)
