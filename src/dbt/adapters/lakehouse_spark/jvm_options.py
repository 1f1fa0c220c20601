"""Java options of the embedded Spark's JVM: the class archive `lakehouse jvm-archive` writes into
the virtual env (HotSpot's Class Data Sharing), mapped when it is there, and the compilers. The
adapter adds them to the session it starts; the project's tooling makes the archive and starts
sessions with them."""

import re
import sys
from collections.abc import Mapping
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


# The quick compiler (C1) alone, with room for its code. A command of many short queries spends more
# CPU in the optimising compiler (C2) than the code it compiles saves: any build below SF 1, and at
# any scale one that keeps most of a warehouse built before (a new day, nothing new). A first build
# or a full refresh from SF 1 up scans long enough to repay C2 (docs/benchmark.md).
QUICK_JIT = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m"
_METASTORE_HOME = re.compile(r"-Dderby\.system\.home=(\S+)")


def everyday_jit_options(
    conf: Mapping[str, str], environ: Mapping[str, str], full_refresh: bool
) -> str:
    """QUICK_JIT for a command that is no full refresh on a warehouse built before (its metastore
    is there), unless SPARK_JIT_OPTIONS or the profile (below SF 1) chose the compilers already."""
    options = conf.get("spark.driver.extraJavaOptions", "")
    home = _METASTORE_HOME.search(options)
    built = home is not None and (Path(home.group(1)) / "metastore_db").is_dir()
    chosen = "SPARK_JIT_OPTIONS" in environ or "-XX:TieredStopAtLevel" in options
    return QUICK_JIT if built and not chosen and not full_refresh else ""


def add_java_options(conf: dict[str, str], options: str) -> None:
    """Append Java options to the driver's, in Spark properties."""
    if options:
        key = "spark.driver.extraJavaOptions"
        conf[key] = f"{conf.get(key, '')} {options}".strip()
