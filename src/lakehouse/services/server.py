"""The Spark Thrift server: one Spark application answering HiveServer2 (Thrift, port 10000) and
Spark Connect (port 15002) against one Hive catalog, started from the pinned pyspark."""

import os
from dataclasses import dataclass
from pathlib import Path

from lakehouse import paths, settings
from lakehouse.services.processes import Daemon, port_open, wait_until
from lakehouse.spark import hive_compat, spark_tuning
from lakehouse.spark.spark_home import spark_env, spark_script

THRIFT_SERVER_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"
POSTGRES_JDBC_JAR = "/usr/share/java/postgresql.jar"
AUTH_MODES = ("NONE", "LDAP")
BASE_PROPERTIES = paths.PROJECT_DIR / "conf" / "thrift-server.conf"
# Given to spark-submit in a file only the server's user can read, never on its command line, which
# every local user can read (`ps`).
SECRET_PROPERTIES = ("spark.hadoop.javax.jdo.option.ConnectionPassword",)


class ServerError(RuntimeError):
    """The server could not be started or reached; the message says why and what to do."""


@dataclass(frozen=True)
class ServerSettings:
    """Where the server listens, what it runs on and where it keeps its catalog and tables."""

    host: str
    driver_host: str
    thrift_port: int
    connect_port: int
    master: str
    warehouse_dir: Path
    metastore_url: str | None
    metastore_user: str
    metastore_password: str
    driver_memory: str
    # HiveServer2 authentication: NONE (loopback default) or LDAP (bind as uid=<user>,<base DN>).
    thrift_auth: str = "NONE"
    ldap_url: str | None = None
    ldap_base_dn: str | None = None
    # Bearer token Spark Connect clients must present (sc://localhost:<port>/;token=...).
    connect_token: str | None = None
    # Account the launcher checks the server with (`select 1`); dbt's thrift target uses the same.
    client_user: str = "dbt"
    client_password: str | None = None
    # Port of the application's web UI; None keeps it off (conf/thrift-server.conf).
    ui_port: int | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> "ServerSettings":
        env, setting = os.environ.get, settings.get
        found = {
            "host": setting("LAKEHOUSE_THRIFT_HOST"),
            # Address executors reach the driver at; differs from the bind address in containers.
            "driver_host": env("LAKEHOUSE_DRIVER_HOST", setting("LAKEHOUSE_THRIFT_HOST")),
            "thrift_port": int(setting("LAKEHOUSE_THRIFT_PORT")),
            "connect_port": int(setting("LAKEHOUSE_CONNECT_PORT")),
            "master": setting("SPARK_MASTER"),
            "warehouse_dir": settings.path("LAKEHOUSE_SERVER_WAREHOUSE_DIR"),
            "metastore_url": env("LAKEHOUSE_METASTORE_URL") or None,
            "metastore_user": setting("LAKEHOUSE_METASTORE_USER"),
            "metastore_password": env("LAKEHOUSE_METASTORE_PASSWORD", ""),
            "driver_memory": setting("SPARK_DRIVER_MEMORY"),
            "thrift_auth": setting("LAKEHOUSE_THRIFT_AUTH").upper(),
            "ldap_url": env("LAKEHOUSE_LDAP_URL") or None,
            "ldap_base_dn": env("LAKEHOUSE_LDAP_BASE_DN") or None,
            "connect_token": env("LAKEHOUSE_CONNECT_TOKEN") or None,
            "client_user": setting("LAKEHOUSE_THRIFT_USER"),
            "client_password": env("LAKEHOUSE_THRIFT_PASSWORD") or None,
            "ui_port": int(env("LAKEHOUSE_THRIFT_UI_PORT") or 0) or None,
        }
        found.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**found)

    def check(self) -> None:
        """ServerError naming the setting when the authentication settings do not fit together."""
        if self.thrift_auth not in AUTH_MODES:
            raise ServerError(
                f"LAKEHOUSE_THRIFT_AUTH={self.thrift_auth!r} is not supported: use "
                + " or ".join(AUTH_MODES)
            )
        if self.thrift_auth == "LDAP" and not (
            self.ldap_url and self.ldap_base_dn and self.client_password
        ):
            raise ServerError(
                "LAKEHOUSE_THRIFT_AUTH=LDAP needs LAKEHOUSE_LDAP_URL (ldap://host:port), "
                "LAKEHOUSE_LDAP_BASE_DN (users are bound as uid=<user>,<base DN>) and an account "
                "to check the server with: LAKEHOUSE_THRIFT_USER, LAKEHOUSE_THRIFT_PASSWORD"
            )

    def hive_conf(self) -> dict[str, str]:
        """HiveServer2 settings: where it listens and how clients authenticate."""
        conf = {
            "hive.server2.thrift.bind.host": self.host,
            "hive.server2.thrift.port": str(self.thrift_port),
            "hive.server2.authentication": self.thrift_auth,
        }
        if self.thrift_auth == "LDAP":
            conf["hive.server2.authentication.ldap.url"] = str(self.ldap_url)
            conf["hive.server2.authentication.ldap.baseDN"] = str(self.ldap_base_dn)
        return conf

    def spark_conf(self) -> dict[str, str]:
        """Spark properties that depend on this environment (the rest is conf/thrift-server.conf)."""
        java_options = [
            f"-Dlog4j2.configurationFile={paths.PROJECT_DIR / 'conf' / 'log4j2.properties'}"
        ]
        conf = {
            "spark.driver.memory": self.driver_memory,
            "spark.driver.host": self.driver_host,
            "spark.driver.bindAddress": self.host,
            "spark.connect.grpc.binding.address": self.host,
            "spark.connect.grpc.binding.port": str(self.connect_port),
            "spark.sql.warehouse.dir": str(paths.tables_dir(self.warehouse_dir)),
            **spark_tuning.conf(),
        }
        if self.ui_port:
            conf.update({"spark.ui.enabled": "true", "spark.ui.port": str(self.ui_port)})
        # The driver's own jars: Hive's missing interface (written by write_properties), the JDBC driver.
        class_path = [str(paths.run_dir() / hive_compat.JAR_NAME)]
        if self.metastore_url:
            conf.update(
                {
                    "spark.hadoop.javax.jdo.option.ConnectionURL": self.metastore_url,
                    "spark.hadoop.javax.jdo.option.ConnectionDriverName": "org.postgresql.Driver",
                    "spark.hadoop.javax.jdo.option.ConnectionUserName": self.metastore_user,
                    "spark.hadoop.javax.jdo.option.ConnectionPassword": self.metastore_password,
                }
            )
            class_path.append(os.environ.get("LAKEHOUSE_JDBC_JAR", POSTGRES_JDBC_JAR))
        else:
            conf["spark.hadoop.javax.jdo.option.ConnectionURL"] = (
                f"jdbc:derby:;databaseName={self.warehouse_dir / 'metastore_db'};create=true"
            )
            java_options.append(f"-Dderby.system.home={self.warehouse_dir}")
        jit = spark_tuning.jit_options()
        if jit:  # the driver's and, on a cluster, the executors' compilers
            java_options.append(jit)
            conf["spark.executor.extraJavaOptions"] = jit
        conf["spark.driver.extraJavaOptions"] = " ".join(java_options)
        conf["spark.driver.extraClassPath"] = os.pathsep.join(class_path)
        return conf

    def env(self) -> dict[str, str]:
        """Environment of the server process; the Connect token goes here, not on its command
        line, where any local user could read it."""
        env = spark_env()
        if self.connect_token:
            env["SPARK_CONNECT_AUTHENTICATE_TOKEN"] = self.connect_token
        return env

    def write_properties(self) -> Path:
        """conf/thrift-server.conf plus the secret properties, as the server's properties file in
        the run folder, readable by this user only; beside it the jar of hive_compat."""
        run_dir = paths.run_dir()
        hive_compat.write_jar(run_dir)
        secrets = {
            key: value for key, value in self.spark_conf().items() if key in SECRET_PROPERTIES
        }
        lines = [f"{key}={_escape_property(value)}" for key, value in secrets.items()]
        path = run_dir / "thrift-server.properties"
        path.unlink(missing_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as properties:
            properties.write(BASE_PROPERTIES.read_text() + "\n".join(["", *lines, ""]))
        return path

    def command(self, properties_file: Path) -> list[str]:
        command = [
            spark_script("spark-submit"),
            "--class",
            THRIFT_SERVER_CLASS,
            "--master",
            self.master,
            "--properties-file",
            str(properties_file),
        ]
        for key, value in self.spark_conf().items():
            if key not in SECRET_PROPERTIES:
                command += ["--conf", f"{key}={value}"]
        command.append("spark-internal")
        for key, value in self.hive_conf().items():
            command += ["--hiveconf", f"{key}={value}"]
        return command


def _escape_property(value: str) -> str:
    """A value as java.util.Properties reads it back (Spark then trims surrounding blanks)."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def daemon() -> Daemon:
    return Daemon("thrift-server", paths.run_dir())


def answers_select_one(settings: ServerSettings) -> bool:
    """True when a real HiveServer2 session, authenticated as the settings say, answers `select 1`."""
    if not port_open(settings.host, settings.thrift_port):
        return False
    from pyhive import hive

    try:
        connection = hive.connect(
            host=settings.host,
            port=settings.thrift_port,
            username=settings.client_user,
            password=settings.client_password,
            auth=settings.thrift_auth,
        )
        try:
            cursor = connection.cursor()
            cursor.execute("select 1")
            return cursor.fetchall() == [(1,)]
        finally:
            connection.close()
    except Exception:  # noqa: BLE001 - any failure to answer means "not ready yet"
        return False


def start(settings: ServerSettings, timeout: float = 240) -> str:
    """Start the server in the background and wait until it answers; idempotent."""
    settings.check()
    server = daemon()
    if server.pid() is not None:
        return f"Thrift server already running (pid {server.pid()}) on {settings.host}:{settings.thrift_port}"
    if port_open(settings.host, settings.thrift_port):
        raise ServerError(
            f"port {settings.thrift_port} on {settings.host} is taken by another process: stop it or "
            "set LAKEHOUSE_THRIFT_PORT"
        )
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    command = settings.command(settings.write_properties())
    pid = server.start(command, env=settings.env(), cwd=settings.warehouse_dir)

    def ready() -> bool:
        if server.pid() is None:
            raise ServerError(f"the Thrift server exited while starting:\n{server.log_tail()}")
        return answers_select_one(settings)

    if not wait_until(ready, timeout, interval=2):
        server.stop()
        raise ServerError(
            f"the Thrift server did not answer on {settings.host}:{settings.thrift_port} within "
            f"{timeout:.0f} s; it was stopped. Last log lines:\n{server.log_tail()}"
        )
    return (
        f"Thrift server running (pid {pid}): jdbc:hive2://{settings.host}:{settings.thrift_port}, "
        f"Spark Connect sc://{settings.host}:{settings.connect_port}, master {settings.master}"
    )


def stop() -> str:
    return "Thrift server stopped" if daemon().stop() else "Thrift server was not running"


def status(settings: ServerSettings) -> tuple[bool, str]:
    pid = daemon().pid()
    answering = answers_select_one(settings)
    if answering:
        where = f"pid {pid}" if pid else "not started by this launcher"
        return True, f"Thrift server answering on {settings.host}:{settings.thrift_port} ({where})"
    if pid:
        return False, f"Thrift server process {pid} is running but not answering yet"
    return False, f"no Thrift server on {settings.host}:{settings.thrift_port}"


def run_foreground(settings: ServerSettings) -> None:
    """Replace this process with the server (a container's main process)."""
    settings.check()
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    os.chdir(settings.warehouse_dir)
    command = settings.command(settings.write_properties())
    os.execvpe(command[0], command, settings.env())
