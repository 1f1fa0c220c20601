"""The docker-compose cluster: its images, built without a container registry when there is none,
and bringing it up until every service is healthy.

Images: the Dockerfiles start from the public `debian:bookworm-slim`. When the engine lacks it and
cannot pull it, it is built here from Debian's packages (debootstrap into a folder, then `docker
import` under that name). The Python packages are downloaded on this machine into docker/wheels (the
pins of constraints.txt) and installed offline in the image, so a build needs nothing but Debian's
archive and PyPI, reached by their ordinary clients."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lakehouse import paths

BASE_IMAGE = "debian:bookworm-slim"
WHEELS_DIR = paths.PROJECT_DIR / "docker" / "wheels"
# Services that run until stopped; each has a healthcheck (tpch-data runs once and exits).
LONG_RUNNING = ("metastore-db", "spark-master", "spark-worker", "spark-thrift")


class ComposeError(RuntimeError):
    """The cluster could not be built or brought up; the message says why and what to do."""


def compose_command() -> list[str]:
    """`docker compose` (the plugin) where the client has it, else the standalone docker-compose."""
    plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    if plugin.returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    raise ComposeError("neither `docker compose` nor `docker-compose` is installed")


def check_engine() -> None:
    """ComposeError unless a Docker engine answers."""
    if not shutil.which("docker"):
        raise ComposeError("the docker client is not installed: install Docker Engine")
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, check=False)
    if info.returncode != 0:
        raise ComposeError(
            f"no Docker engine answers (`docker info`: {info.stderr.strip()[-300:]}): start it, "
            "or check that this user may use it"
        )


def _run(command: list[str], **kwargs: object) -> None:
    result = subprocess.run(command, check=False, **kwargs)
    if result.returncode != 0:
        raise ComposeError(f"`{' '.join(command)}` exited {result.returncode}")


def _succeeds(command: list[str]) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def base_image(name: str = BASE_IMAGE) -> str:
    """Make `name` (debian:<suite>-slim) available: already there, pulled, or built from Debian's
    packages. Returns how it was obtained."""
    if _succeeds(["docker", "image", "inspect", name]):
        return "present"
    if _succeeds(["docker", "pull", name]):
        return "pulled"
    if not shutil.which("debootstrap"):
        raise ComposeError(
            f"{name} is neither present nor pullable, and debootstrap (to build it from Debian's "
            "packages) is missing: apt-get install debootstrap, and run this as root"
        )
    suite = name.split(":")[1].removesuffix("-slim")
    with tempfile.TemporaryDirectory(prefix="rootfs-") as rootfs:
        _run(["debootstrap", "--variant=minbase", suite, rootfs], stdout=subprocess.DEVNULL)
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for item in Path(rootfs, cache).glob("*"):
                if item.is_file():
                    item.unlink()
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        _run(["docker", "import", "--change", 'CMD ["bash"]', "-", name], stdin=tar.stdout)
        tar.wait()
    return "built from Debian's packages"


def download_wheels() -> None:
    """This project and its dependencies as wheels in docker/wheels, pinned by constraints.txt, plus
    setuptools, which installing the project needs (the image's interpreter is Debian's 3.11, like
    the host's this runs on)."""
    WHEELS_DIR.mkdir(exist_ok=True)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(WHEELS_DIR),
         "--constraint", str(paths.PROJECT_DIR / "constraints.txt"),
         str(paths.PROJECT_DIR), "setuptools"],
    )  # fmt: skip


def _compose_build() -> str:
    """`compose build`, its long output in a log file, whose tail a failure shows."""
    log = paths.run_dir() / "compose-build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        result = subprocess.run(
            [*compose_command(), "build"], cwd=paths.PROJECT_DIR, stdout=output,
            stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise ComposeError(f"building the images failed (whole output in {log}):\n{tail}")
    return f"output in {log}"


def build_images() -> dict[str, float]:
    """Base image, wheels, then every image of docker-compose.yml; seconds per step."""
    check_engine()
    timings: dict[str, float] = {}
    for step, action in (
        ("base image", base_image),
        ("wheels", download_wheels),
        ("images", _compose_build),
    ):
        started = time.monotonic()
        outcome = action()
        timings[step] = time.monotonic() - started
        detail = f" ({outcome})" if isinstance(outcome, str) else ""
        print(f"{step}: {timings[step]:.0f} s{detail}", flush=True)
    return timings


def health(project: list[str], project_dir: Path = paths.PROJECT_DIR) -> dict[str, str]:
    """Health of each long-running service's containers: container name -> status."""
    ids = subprocess.run(
        [*project, "ps", "-q"], capture_output=True, text=True, check=True, cwd=project_dir
    ).stdout.split()
    if not ids:
        return {}
    states = json.loads(
        subprocess.run(
            ["docker", "inspect", *ids], capture_output=True, text=True, check=True
        ).stdout
    )
    return {
        state["Name"].lstrip("/"): state["State"].get("Health", {}).get("Status", "none")
        for state in states
        if state["Config"]["Labels"].get("com.docker.compose.service") in LONG_RUNNING
    }


def wait_healthy(
    project: list[str], workers: int, timeout: float, project_dir: Path = paths.PROJECT_DIR
) -> dict[str, str]:
    """Wait until every long-running container (with `workers` workers) is healthy; ComposeError
    naming the laggards and the last lines of their logs after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        states = health(project, project_dir)
        worker_count = sum("spark-worker" in name for name in states)
        if worker_count == workers and states and set(states.values()) == {"healthy"}:
            return states
        if time.monotonic() > deadline:
            break
        time.sleep(3)
    laggards = {name: status for name, status in states.items() if status != "healthy"}
    logs = "\n".join(
        subprocess.run(  # a container's stdout and stderr, as it wrote them
            ["docker", "logs", "--tail", "15", name], stderr=subprocess.STDOUT,
            stdout=subprocess.PIPE, text=True, check=False,
        ).stdout
        for name in laggards
    )  # fmt: skip
    raise ComposeError(
        f"not healthy after {timeout:.0f} s: {laggards or states} ({worker_count} of {workers} "
        f"workers). `docker compose ps` and `docker compose logs` show why. Last lines:\n{logs}"
    )


def up(workers: int, timeout: float) -> str:
    """Build the images, start the cluster with `workers` workers, wait until it is healthy."""
    build_images()
    project = compose_command()
    started = time.monotonic()
    _run([*project, "up", "-d", "--scale", f"spark-worker={workers}"], cwd=paths.PROJECT_DIR)
    wait_healthy(project, workers, timeout)
    port = {  # as docker-compose.yml publishes them
        name: os.environ.get(f"LAKEHOUSE_{name}_PORT", default)
        for name, default in (("THRIFT", "10000"), ("CONNECT", "15002"),
                              ("MASTER_UI", "8090"), ("THRIFT_UI", "4040"))
    }  # fmt: skip
    return (
        f"cluster healthy in {time.monotonic() - started:.0f} s with {workers} worker(s): "
        f"jdbc:hive2://127.0.0.1:{port['THRIFT']}, sc://127.0.0.1:{port['CONNECT']}; master UI "
        f"http://127.0.0.1:{port['MASTER_UI']}, Thrift server UI http://127.0.0.1:{port['THRIFT_UI']}"
    )
