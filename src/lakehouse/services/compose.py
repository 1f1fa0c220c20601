"""The docker-compose cluster: its images, built without a container registry when there is none,
and bringing it up until every service is healthy.

Images are tagged with the content hash of what goes into them (their Dockerfile and the files of
their build context) besides `latest`: a build whose inputs did not change reuses the image.

The Dockerfiles start from the public `debian:bookworm-slim`. When the engine lacks it and
cannot pull it, it is built here from Debian's packages (debootstrap into a folder, then `docker
import` under that name). The Python packages are downloaded on this machine into docker/wheels (the
pins of constraints.txt) and installed offline in the image, so a build needs nothing but Debian's
archive and PyPI, reached by their ordinary clients."""

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from lakehouse import paths

BASE_IMAGE = "debian:bookworm-slim"
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


def download_wheels(project_dir: Path) -> None:
    """This project and its dependencies as wheels in docker/wheels, pinned by constraints.txt, plus
    setuptools, which installing the project needs (the image's interpreter is Debian's 3.11, like
    the host's this runs on)."""
    wheels = project_dir / "docker" / "wheels"
    wheels.mkdir(exist_ok=True)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(wheels),
         "--constraint", str(project_dir / "constraints.txt"), str(project_dir), "setuptools"],
    )  # fmt: skip


@dataclass(frozen=True)
class Image:
    """An image docker-compose.yml builds: its name (as compose tags it), a service that builds
    it, the content hash of its inputs, and whether it installs the wheels of docker/wheels."""

    name: str
    service: str
    content_hash: str
    needs_wheels: bool

    @property
    def hash_tag(self) -> str:
        return f"{self.name.rsplit(':', 1)[0]}:{self.content_hash}"


def images(project_dir: Path) -> list[Image]:
    """Each image the project's compose file builds, once (several services may share one)."""
    compose_file = project_dir / "docker-compose.yml"
    services = yaml.safe_load(compose_file.read_text())["services"]
    found: dict[str, Image] = {}
    for service, spec in services.items():
        if "build" in spec and spec["image"] not in found:
            build = spec["build"] if isinstance(spec["build"], dict) else {"context": spec["build"]}
            context = compose_file.parent / build["context"]
            dockerfile = context / build.get("dockerfile", "Dockerfile")
            found[spec["image"]] = Image(
                spec["image"],
                service,
                _content_hash(context, dockerfile),
                needs_wheels="docker/wheels" in dockerfile.read_text(),
            )
    return list(found.values())


# Never inputs of an image: caches, and the wheels, which are made from constraints.txt and src/.
_NOT_INPUTS = ("__pycache__", ".egg-info", ".pyc", "docker/wheels")


def _content_hash(context: Path, dockerfile: Path) -> str:
    """sha256 (12 hex digits) of the Dockerfile and of the build context's files that
    .dockerignore lets in (its `!` lines, when it starts by leaving everything out)."""
    ignore = context / ".dockerignore"
    lines = ignore.read_text().splitlines() if ignore.exists() else []
    admitted = [line[1:].rstrip("/") for line in lines if line.startswith("!")]
    roots = [context / name for name in admitted] if "*" in lines else [context]
    files = {dockerfile}
    for root in roots:
        files.update(root.rglob("*") if root.is_dir() else [root])
    digest = hashlib.sha256()
    for file in sorted(files):
        relative = file.relative_to(context).as_posix()
        if file.is_file() and not any(part in relative for part in _NOT_INPUTS):
            digest.update(relative.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _compose_build(project_dir: Path, services: list[str]) -> str:
    """`compose build` of the services, its long output in a log file, whose tail a failure
    shows."""
    log = project_dir / ".lakehouse" / "compose-build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        result = subprocess.run(
            [*compose_command(), "build", *services], cwd=project_dir, stdout=output,
            stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise ComposeError(f"building the images failed (whole output in {log}):\n{tail}")
    return f"output in {log}"


def build_images(project_dir: Path = paths.PROJECT_DIR) -> dict[str, float]:
    """Every image of docker-compose.yml whose content hash has no image yet: base image, wheels,
    then `compose build`; an image built before from the same inputs is tagged `latest` again.
    Returns the seconds per step."""
    check_engine()
    timings: dict[str, float] = {}

    def step(name: str, action) -> None:
        started = time.monotonic()
        outcome = action()
        timings[name] = time.monotonic() - started
        detail = f" ({outcome})" if isinstance(outcome, str) else ""
        print(f"{name}: {timings[name]:.0f} s{detail}", flush=True)

    stale = []
    for image in images(project_dir):
        if _succeeds(["docker", "image", "inspect", image.hash_tag]):
            _run(["docker", "tag", image.hash_tag, image.name])
            print(f"{image.name}: up to date ({image.hash_tag})", flush=True)
        else:
            stale.append(image)
    if not stale:
        return timings
    step("base image", base_image)
    if any(image.needs_wheels for image in stale):
        step("wheels", lambda: download_wheels(project_dir))
    step("images", lambda: _compose_build(project_dir, [image.service for image in stale]))
    for image in stale:
        _run(["docker", "tag", image.name, image.hash_tag])
        print(f"{image.name}: built ({image.hash_tag})", flush=True)
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


def _published(project: list[str], service: str, port: int, project_dir: Path) -> str:
    """Where the host reaches a service's port, as docker-compose.yml publishes it (host:port)."""
    result = subprocess.run(
        [*project, "port", service, str(port)],
        cwd=project_dir, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0 or not result.stdout.strip():
        raise ComposeError(f"{service} publishes no port {port}: {result.stderr.strip()}")
    return result.stdout.strip().splitlines()[0]


def up(workers: int, timeout: float, project_dir: Path = paths.PROJECT_DIR) -> str:
    """Build the images, start the cluster with `workers` workers, wait until it is healthy."""
    build_images(project_dir)
    project = compose_command()
    started = time.monotonic()
    _run([*project, "up", "-d", "--scale", f"spark-worker={workers}"], cwd=project_dir)
    wait_healthy(project, workers, timeout, project_dir)
    address = {
        name: _published(project, service, port, project_dir)
        for name, (service, port) in {
            "thrift": ("spark-thrift", 10000), "connect": ("spark-thrift", 15002),
            "master_ui": ("spark-master", 8080), "thrift_ui": ("spark-thrift", 4040),
        }.items()
    }  # fmt: skip
    return (
        f"cluster healthy in {time.monotonic() - started:.0f} s with {workers} worker(s): "
        f"jdbc:hive2://{address['thrift']}, sc://{address['connect']}; master UI "
        f"http://{address['master_ui']}, Thrift server UI http://{address['thrift_ui']}"
    )
