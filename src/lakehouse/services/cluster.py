"""A Spark standalone cluster from the pinned pyspark: one master and N workers, on loopback by
default. The Thrift server submits to it with SPARK_MASTER=spark://<host>:<port>."""

import json
import os
import socket
import urllib.request
from dataclasses import dataclass

from lakehouse import paths, settings
from lakehouse.services.processes import Daemon, port_open, wait_until
from lakehouse.spark.spark_home import spark_env, spark_script

MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"


@dataclass(frozen=True)
class ClusterSettings:
    host: str
    port: int
    worker_cores: int
    worker_memory: str
    # Web UI ports: 0 picks a free one (natively); containers publish fixed ones.
    master_ui_port: int = 0
    worker_ui_port: int = 0

    @classmethod
    def from_env(cls) -> "ClusterSettings":
        env, setting = os.environ.get, settings.get
        return cls(
            host=setting("LAKEHOUSE_MASTER_HOST"),
            port=int(setting("LAKEHOUSE_MASTER_PORT")),
            worker_cores=int(setting("LAKEHOUSE_WORKER_CORES")),
            worker_memory=setting("LAKEHOUSE_WORKER_MEMORY"),
            master_ui_port=int(env("LAKEHOUSE_MASTER_UI_PORT", "0")),
            worker_ui_port=int(env("LAKEHOUSE_WORKER_UI_PORT", "0")),
        )

    @property
    def master_url(self) -> str:
        return f"spark://{self.host}:{self.port}"

    def master_command(self) -> list[str]:
        return [
            spark_script("spark-class"), MASTER_CLASS,
            "--host", self.host, "--port", str(self.port),
            "--webui-port", str(self.master_ui_port),
        ]  # fmt: skip

    def worker_command(self, master_url: str, host: str, work_dir: str) -> list[str]:
        return [
            spark_script("spark-class"), WORKER_CLASS,
            "--host", host, "--webui-port", str(self.worker_ui_port),
            "--cores", str(self.worker_cores), "--memory", self.worker_memory,
            "--work-dir", work_dir,
            master_url,
        ]  # fmt: skip


def run_master_foreground(settings: ClusterSettings) -> None:
    """Replace this process with the master (a container's main process)."""
    command = settings.master_command()
    os.execvpe(command[0], command, spark_env())


def _worker_host() -> str:
    return os.environ.get("LAKEHOUSE_WORKER_HOST", socket.gethostname())


def run_worker_foreground(settings: ClusterSettings, master_url: str) -> None:
    """Replace this process with a worker of master_url (a container's main process)."""
    host = _worker_host()
    work_dir = os.environ.get("LAKEHOUSE_WORKER_DIR", str(paths.run_dir() / "worker-work"))
    command = settings.worker_command(master_url, host, work_dir)
    os.execvpe(command[0], command, spark_env())


def _master() -> Daemon:
    return Daemon("spark-master", paths.run_dir())


def _workers() -> list[Daemon]:
    names = sorted(p.stem for p in paths.run_dir().glob("spark-worker-*.pid"))
    return [Daemon(name, paths.run_dir()) for name in names]


def start(settings: ClusterSettings, workers: int, timeout: float = 90) -> str:
    """Start the master and workers in the background; already running daemons are kept."""
    run_dir = paths.run_dir()
    master = _master()
    if master.pid() is None:
        master.start(settings.master_command(), env=spark_env(), cwd=run_dir)
    if not wait_until(lambda: port_open(settings.host, settings.port), timeout):
        raise RuntimeError(f"Spark master did not open {settings.master_url}:\n{master.log_tail()}")
    for index in range(1, workers + 1):
        worker = Daemon(f"spark-worker-{index}", run_dir)
        if worker.pid() is None:
            work_dir = str(run_dir / f"spark-worker-{index}-work")
            command = settings.worker_command(settings.master_url, settings.host, work_dir)
            worker.start(command, env=spark_env(), cwd=run_dir)
    if not wait_until(lambda: registered_workers(workers), timeout):
        raise RuntimeError(f"workers did not register with the master:\n{master.log_tail()}")
    return f"Spark master {settings.master_url} with {workers} worker(s)"


def registered_workers(expected: int) -> bool:
    """True once the running master's log (Spark's default INFO level) records that many worker
    registrations. The log is appended across restarts: count only since the master last started."""
    log = _master().log_file.read_text(errors="replace") if _master().log_file.exists() else ""
    current_run = log.rsplit("Starting Spark master", 1)[-1]
    return current_run.count("Registering worker") >= expected


def stop() -> str:
    stopped = [worker.stop() for worker in _workers()]
    master_stopped = _master().stop()
    state = "was running" if master_stopped else "was not running"
    return f"stopped the master ({state}) and {sum(stopped)} worker(s)"


def status(settings: ClusterSettings) -> tuple[bool, str]:
    up = port_open(settings.host, settings.port)
    alive = [w.name for w in _workers() if w.pid() is not None]
    return (
        up,
        f"master {settings.master_url} {'up' if up else 'down'}; workers running: {alive or 'none'}",
    )


def health(settings: ClusterSettings, worker: bool) -> tuple[bool, str]:
    """The master's own view (the JSON of its web UI on the master host, port
    LAKEHOUSE_MASTER_UI_PORT or Spark's 8080): ALIVE, and with worker, this host among its ALIVE
    workers. A container's healthcheck."""
    url = f"http://{settings.host}:{settings.master_ui_port or 8080}/json/"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            state = json.load(response)
    except OSError as error:
        return False, f"the master's web UI {url} does not answer: {error}"
    if state.get("status") != "ALIVE":
        return False, f"master {state.get('url')} is {state.get('status')}"
    alive = [w["host"] for w in state.get("workers", []) if w.get("state") == "ALIVE"]
    if worker and _worker_host() not in alive:
        return False, f"worker {_worker_host()} is not among the master's alive workers {alive}"
    return True, f"master {state.get('url')} ALIVE with workers {alive}"
