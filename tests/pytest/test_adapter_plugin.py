"""Unit tests of the lakehouse_spark adapter plugin: how Python models are submitted and how its
failures read, on every connection method. No Spark needed."""

import time

import pytest
from dbt_common.exceptions import DbtRuntimeError
from services import free_port

from dbt.adapters.lakehouse_spark.connect import connect_url
from dbt.adapters.lakehouse_spark.connections import (
    LakehouseSparkCredentials,
    connection_failure_message,
    lost_server_hint,
)
from dbt.adapters.lakehouse_spark.impl import LakehouseSparkAdapter, default_submission_method
from dbt.adapters.lakehouse_spark.python_submissions import (
    ConnectPythonJobHelper,
    SessionPythonJobHelper,
    run_model_code,
)

VALID_PROFILE = {"method": "thrift", "host": "spark.example", "port": 10000, "schema": "analytics"}


def credentials(**overrides: object) -> LakehouseSparkCredentials:
    return LakehouseSparkCredentials(**{**VALID_PROFILE, **overrides})


@pytest.mark.parametrize(
    ("connection_method", "expected"),
    [
        ("session", "session"),
        ("thrift", "connect"),
        ("connect", "connect"),
        ("http", "connect"),
        ("odbc", "connect"),
    ],
)
def test_python_models_run_where_the_sql_runs(connection_method: str, expected: str) -> None:
    assert default_submission_method(connection_method) == expected


def test_both_methods_are_offered_beside_dbt_sparks_own() -> None:
    helpers = LakehouseSparkAdapter.python_submission_helpers.fget(
        LakehouseSparkAdapter.__new__(LakehouseSparkAdapter)
    )
    assert helpers["session"] is SessionPythonJobHelper
    assert helpers["connect"] is ConnectPythonJobHelper
    assert {"job_cluster", "all_purpose_cluster"} <= set(helpers)


def test_connect_url_defaults_to_the_thrift_host() -> None:
    assert connect_url(credentials()) == "sc://spark.example:15002"
    assert connect_url(credentials(connect_url="sc://other:1234")) == "sc://other:1234"


def test_the_connect_target_connects_to_its_host_and_port() -> None:
    connect = credentials(method="connect", port=16002, connect_url="")
    assert connect_url(connect) == "sc://spark.example:16002"
    token = "sc://localhost:15003/;token=secret"
    assert connect_url(credentials(method="connect", connect_url=token)) == token


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(Exception, match="grpc"):
        LakehouseSparkCredentials.validate({**VALID_PROFILE, "method": "grpc"})
    LakehouseSparkCredentials.validate({**VALID_PROFILE, "method": "connect"})


THRIFT_LOST = "TTransportException: Connection lost"
CONNECT_LOST = "<_MultiThreadedRendezvous: status = StatusCode.UNAVAILABLE, Socket closed>"
# What a query in flight meets while the server shuts down.
CONTEXT_STOPPED = "(java.lang.IllegalStateException) Cannot call methods on a stopped SparkContext."


@pytest.mark.parametrize(
    ("overrides", "error", "named"),
    [
        ({}, THRIFT_LOST, "Lost the Spark Thrift server at spark.example:10000 "),
        (
            {"method": "connect", "port": 16002},
            CONNECT_LOST,
            "Lost Spark Connect at spark.example:16002 ",
        ),
        (
            {"method": "connect", "connect_url": "sc://localhost:15003/;token=secret"},
            CONNECT_LOST,
            "Lost Spark Connect at localhost:15003 ",
        ),
        ({"method": "connect"}, CONTEXT_STOPPED, "Lost Spark Connect at spark.example:10000 "),
    ],
)
def test_a_lost_server_is_named_with_host_and_port(overrides: dict, error: str, named: str) -> None:
    hint = lost_server_hint(credentials(**overrides), error)
    assert hint is not None and hint.startswith(named), hint
    assert "secret" not in hint and "dbt retry" in hint


def test_model_exception_names_the_model_and_shows_its_lines() -> None:
    compiled = "def model(dbt, session):\n    return 1 / 0\n\nmodel(None, spark)\n"
    with pytest.raises(DbtRuntimeError) as raised:
        run_model_code(compiled, spark=object(), model_name="customer_rfm_segments")
    message = str(raised.value)
    assert "Python model customer_rfm_segments failed: ZeroDivisionError" in message
    assert 'File "<python model customer_rfm_segments>", line 2, in model' in message
    assert "return 1 / 0" in message


def test_unreachable_connect_fails_fast_naming_host_and_port() -> None:
    port = free_port()
    helper = ConnectPythonJobHelper(
        {"alias": "m"}, credentials(connect_url=f"sc://127.0.0.1:{port}")
    )
    started = time.monotonic()
    with pytest.raises(DbtRuntimeError, match=f"Cannot reach Spark Connect at 127.0.0.1:{port} "):
        helper.spark_session()
    assert time.monotonic() - started < 15


def test_unreachable_server_message_says_what_to_do() -> None:
    message = connection_failure_message(
        credentials(connect_retries=2, connect_timeout=5), OSError("refused")
    )
    assert "spark.example:10000" in message
    assert "lakehouse server start" in message
    assert "3 attempt(s), 5 s apart" in message
