"""Java options of the embedded Spark's JVM: the class archive `lakehouse jvm-archive` writes into
the virtual env (HotSpot's Class Data Sharing), mapped when it is there. The adapter adds them to
the session it starts; the project's tooling makes the archive and starts sessions with them."""

import sys
from pathlib import Path

ARCHIVE = Path(sys.prefix) / "spark-classes.jsa"
# HotSpot reports every class it cannot archive, and an archive it cannot use: not the user's concern.
QUIET = "-Xlog:cds=off -Xlog:cds+dynamic=off"
# Checks the archive's checksum before mapping it, and leaves a damaged one aside. (A truncated one
# crashes the JVM whatever the options: `lakehouse jvm-archive` only ever puts a complete, checked
# one in place.)
_VERIFIED = "-XX:+VerifySharedSpaces"


def java_options(archive: Path = ARCHIVE) -> str:
    """Java options that map the archive into a JVM, if there is one."""
    return f"-XX:SharedArchiveFile={archive} {_VERIFIED} {QUIET}" if archive.exists() else ""


def add_java_options(conf: dict[str, str], options: str) -> None:
    """Append Java options to the driver's, in Spark properties."""
    key = "spark.driver.extraJavaOptions"
    conf[key] = f"{conf.get(key, '')} {options}".strip()
