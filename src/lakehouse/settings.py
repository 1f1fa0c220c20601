"""The settings users change: environment variables whose defaults are defined once, in the
project's .env (the Makefile and docker-compose read the same file). Settings without a default
(passwords, the metastore URL, LDAP, tokens) are read where they are used.

Variables the launchers and images set for their own processes are internal (INTERNAL): users
need not set them, and the README's settings table leaves them out.
"""

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULTS_FILE = PROJECT_DIR / ".env"

INTERNAL = {
    "LAKEHOUSE_CONF_DIR": "the conf/ folder, for a Spark started outside the project folder",
    "LAKEHOUSE_RUN_DIR": "pid files and logs of the servers the launcher starts (.lakehouse/)",
    "LAKEHOUSE_LOOPBACK": "0 in the images: Spark binds to the container's address",
    "LAKEHOUSE_DRIVER_HOST": "the address executors reach the driver at, in containers",
    "LAKEHOUSE_JDBC_JAR": "the PostgreSQL JDBC driver, where Debian's package does not put it",
    "LAKEHOUSE_WORKER_HOST": "a worker's address, in containers",
    "LAKEHOUSE_WORKER_DIR": "a worker's scratch folder, in containers",
    "LAKEHOUSE_MASTER_UI_PORT": "the master's web UI port (0: any free one; compose publishes 8090)",
    "LAKEHOUSE_WORKER_UI_PORT": "a worker's web UI port (0: any free one)",
}


@cache
def defaults() -> dict[str, str]:
    """NAME -> default, as .env defines them."""
    found = {}
    for line in DEFAULTS_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            found[name.strip()] = value.strip()
    return found


def get(name: str, environ: Mapping[str, str] = os.environ) -> str:
    """The setting: its environment variable if set, else its default."""
    return environ.get(name, defaults()[name])


def path(name: str, environ: Mapping[str, str] = os.environ) -> Path:
    """A folder setting, absolute: as set (relative to the working folder), or its default
    (relative to the project)."""
    return Path(environ[name] if name in environ else PROJECT_DIR / defaults()[name]).resolve()
