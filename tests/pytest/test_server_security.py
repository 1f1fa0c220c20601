"""Closed by default, open on purpose: the server listens on loopback only, HiveServer2 can require
an LDAP login (a real OpenLDAP here) and Spark Connect a bearer token."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Lakehouse
from pyhive import hive
from services import (
    LDAP_PEOPLE,
    ldap_server,
    listening_addresses,
    server_env,
    thrift_lakehouse,
    thrift_server,
)

PASSWORD = os.urandom(8).hex()
TOKEN = os.urandom(16).hex()


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("secured")
    with ldap_server({"analyst": PASSWORD}) as ldap_url:
        env = server_env(
            root,
            SPARK_MASTER="local[1]",
            LAKEHOUSE_THRIFT_AUTH="LDAP",
            LAKEHOUSE_LDAP_URL=ldap_url,
            LAKEHOUSE_LDAP_BASE_DN=LDAP_PEOPLE,
            LAKEHOUSE_THRIFT_USER="analyst",
            LAKEHOUSE_THRIFT_PASSWORD=PASSWORD,
            LAKEHOUSE_CONNECT_TOKEN=TOKEN,
        )
        # `server start` itself logs in as analyst to see the server answer.
        with thrift_server(env):
            yield env


def _select_one(env: dict[str, str], **login: str | None) -> list[tuple]:
    connection = hive.connect(host="127.0.0.1", port=int(env["LAKEHOUSE_THRIFT_PORT"]), **login)
    try:
        cursor = connection.cursor()
        cursor.execute("select 1")
        return cursor.fetchall()
    finally:
        connection.close()


def test_server_listens_on_loopback_only(secured: dict[str, str]) -> None:
    for port in ("LAKEHOUSE_THRIFT_PORT", "LAKEHOUSE_CONNECT_PORT"):
        assert listening_addresses(int(secured[port])) == {"127.0.0.1"}, port


def test_thrift_requires_a_valid_ldap_login(secured: dict[str, str]) -> None:
    assert _select_one(secured, username="analyst", password=PASSWORD, auth="LDAP") == [(1,)]
    with pytest.raises(Exception, match="Error validating"):
        _select_one(secured, username="analyst", password="not-the-password", auth="LDAP")
    with pytest.raises(Exception, match="Error validating"):
        _select_one(secured, username="intruder", password=PASSWORD, auth="LDAP")
    with pytest.raises(Exception, match="Error validating"):
        _select_one(secured, username="analyst")  # no password


def test_dbt_logs_in_with_the_profile_account_and_names_a_refused_one(
    secured: dict[str, str], tmp_path: Path, raw_data: Path
) -> None:
    lh = thrift_lakehouse(tmp_path, raw_data, secured)
    lh.extra_env.update(
        LAKEHOUSE_THRIFT_AUTH="LDAP", LAKEHOUSE_THRIFT_USER="analyst", DBT_CONNECT_RETRIES="0"
    )
    lh.extra_env["LAKEHOUSE_THRIFT_PASSWORD"] = PASSWORD
    lh.dbt("run", "--select", "stg_tpch__regions")

    refused = Lakehouse(root=tmp_path / "refused", data_dir=raw_data, extra_env=lh.extra_env.copy())
    refused.extra_env["LAKEHOUSE_THRIFT_PASSWORD"] = "not-the-password"
    result = refused.dbt("run", "--select", "stg_tpch__regions", expect_success=False)
    assert "refused the login of user 'analyst'" in result.stdout
    assert "LAKEHOUSE_THRIFT_PASSWORD" in result.stdout


def _connect_select_one(url: str) -> subprocess.CompletedProcess[str]:
    """`select 1` over Spark Connect, in a process of its own: pyspark's Connect client sets
    environment variables that would turn later embedded sessions into Connect clients."""
    probe = (
        "import sys; from pyspark.sql import SparkSession; "
        "print(SparkSession.builder.remote(sys.argv[1]).create().sql('select 1 as one').first().one)"
    )
    return subprocess.run(
        [sys.executable, "-c", probe, url], capture_output=True, text=True, timeout=120, check=False
    )


def test_spark_connect_requires_the_token(secured: dict[str, str]) -> None:
    endpoint = f"sc://localhost:{secured['LAKEHOUSE_CONNECT_PORT']}"
    with_token = _connect_select_one(f"{endpoint}/;token={TOKEN}")
    assert with_token.returncode == 0 and with_token.stdout.strip() == "1", with_token.stderr
    without = _connect_select_one(endpoint)
    assert without.returncode != 0
    assert "UNAUTHENTICATED" in without.stderr, without.stderr[-2000:]
