"""Unit tests of the lakehouse_spark adapter plugin: how Python models are submitted and how its
failures read. No Spark needed."""

import time

import pytest
from dbt_common.exceptions import DbtRuntimeError
from services import free_port

from dbt.adapters.lakehouse_spark.connections import (
    LakehouseSparkCredentials,
    connection_failure_message,
)
from dbt.adapters.lakehouse_spark.impl import LakehouseSparkAdapter, default_submission_method
from dbt.adapters.lakehouse_spark.python_submissions import (
    ConnectPythonJobHelper,
    SessionPythonJobHelper,
    connect_url,
    run_model_code,
)


def credentials(**overrides: object) -> LakehouseSparkCredentials:
    return LakehouseSparkCredentials(
        **{
            "method": "thrift",
            "host": "spark.example",
            "port": 10000,
            "schema": "analytics",
            **overrides,
        }
    )


@pytest.mark.parametrize(
    ("connection_method", "expected"),
    [("session", "session"), ("thrift", "connect"), ("http", "connect"), ("odbc", "connect")],
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


def test_model_exception_names_the_model_and_shows_its_lines() -> None:
    compiled = "def model(dbt, session):\n    return 1 / 0\n\nmodel(None, spark)\n"
    with pytest.raises(DbtRuntimeError) as raised:
        run_model_code(compiled, spark=object(), model_name="customer_rfm_segments")
    message = str(raised.value)
    assert "Python model customer_rfm_segments failed: ZeroDivisionError" in message
    assert 'File "<python model customer_rfm_segments>", line 2, in model' in message
    assert "return 1 / 0" in message


def test_unreachable_connect_fails_fast_naming_the_url() -> None:
    url = f"sc://127.0.0.1:{free_port()}"
    helper = ConnectPythonJobHelper({"alias": "m"}, credentials(connect_url=url))
    started = time.monotonic()
    with pytest.raises(DbtRuntimeError, match=f"Cannot reach Spark Connect at {url}"):
        helper.spark_session()
    assert time.monotonic() - started < 15


def test_unreachable_server_message_says_what_to_do() -> None:
    message = connection_failure_message(
        credentials(connect_retries=2, connect_timeout=5), OSError("refused")
    )
    assert "spark.example:10000" in message
    assert "lakehouse server start" in message
    assert "3 attempt(s), 5 s apart" in message
