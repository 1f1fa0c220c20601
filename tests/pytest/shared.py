"""What the workers of one test run share (`make test` runs pytest-xdist workers, each a pytest
session of its own): work done once, by the first worker that needs it, under a file lock in the
run's base temporary folder; the others wait for it, then use what it left there."""

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole run: each xdist worker's base is a folder inside it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if "PYTEST_XDIST_WORKER" in os.environ else base


def lock(root: Path, name: str) -> FileLock:
    """The run's lock called name (reentrant within a worker)."""
    return FileLock(root / f"{name}.lock")


def once(root: Path, name: str, make: Callable[[Path], None]) -> Path:
    """The folder root/name, filled by make(folder) by the first worker to ask. A failure is
    recorded: the workers asking after it fail with its message instead of trying again."""
    folder, done, failed = root / name, root / f"{name}.done", root / f"{name}.failed"
    with lock(root, name):
        if failed.exists():
            pytest.fail(f"{name} failed in another worker:\n{failed.read_text()}", pytrace=False)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            try:
                make(folder)
            except BaseException as error:
                failed.write_text(f"{type(error).__name__}: {error}"[-8000:])
                raise
            done.touch()
    return folder
