"""The tuning knobs mean the same everywhere: the embedded profile, the Thrift server launcher and
the compose file read the same environment variables with the same defaults. (The running servers
report them: test_thrift_server.py and test_compose.py ask them over Thrift.)"""

import pytest
import yaml
from conftest import PROJECT_DIR

from lakehouse.profile import embedded_spark_conf
from lakehouse.services import server
from lakehouse.spark import spark_tuning

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
def test_compose_passes_the_knob_through(knob: spark_tuning.Knob) -> None:
    """The Thrift server's container gets the knob as the host sets it, else .env's default
    (test_settings.py: compose reads .env)."""
    compose = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
    value = compose["services"]["spark-thrift"]["environment"][knob.env]
    assert value == f"${{{knob.env}}}"


@pytest.mark.parametrize(
    "environ",
    [{}, {"TPCH_SCALE": "0.1"}, {"TPCH_SCALE": "1"}, {"SPARK_JIT_OPTIONS": ""},
     {"TPCH_SCALE": "10", "SPARK_JIT_OPTIONS": "-XX:+UseSerialGC"}],
    ids=["default", "sf-0.1", "sf-1", "override-empty", "override"],
)  # fmt: skip
def test_profile_and_server_pick_the_same_compilers(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below SF 1 C1 alone, from SF 1 the JVM's default, SPARK_JIT_OPTIONS over both: the embedded
    profile's rendering and the launcher's rule agree."""
    for name in ("TPCH_SCALE", "SPARK_JIT_OPTIONS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    expected = spark_tuning.jit_options(environ)
    assert expected == (spark_tuning.QUICK_JIT if environ in ({}, {"TPCH_SCALE": "0.1"}) else
                        environ.get("SPARK_JIT_OPTIONS", ""))  # fmt: skip
    profile = embedded_spark_conf(environ)["spark.driver.extraJavaOptions"]
    launcher = server.ServerSettings.from_env().spark_conf()["spark.driver.extraJavaOptions"]
    for options in (profile, launcher):
        if expected:
            assert options.strip().endswith(expected), options
        else:
            assert "-XX:TieredStopAtLevel" not in options, options
