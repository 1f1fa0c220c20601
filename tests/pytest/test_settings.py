"""One place for settings: every default is defined in .env, and each place that must repeat one
(dbt renders its profile before any project code runs) repeats it exactly; docker-compose and
the tooling take theirs from .env; every variable the project reads is a setting of the README's
one table or an internal one (lakehouse.settings.INTERNAL), never both."""

import re
import subprocess

import pytest
from conftest import PROJECT_DIR

from lakehouse import settings
from lakehouse.spark import spark_tuning

DEFAULTS = settings.defaults()
PROFILE = (PROJECT_DIR / "profiles" / "profiles.yml").read_text()
COMPOSE = (PROJECT_DIR / "docker-compose.yml").read_text()
README = (PROJECT_DIR / "README.md").read_text()
# Variables of the tools the project runs on, not the project's own settings.
FOREIGN = {"SPARK_HOME", "JAVA_HOME", "SPARK_CONNECT_MODE_ENABLED", "PATH"}


def readme_settings() -> dict[str, str]:
    """The README's Settings table: variable -> its default cell."""
    section = README[README.index("## Settings") :]
    section = section[: section.index("\n## ", 1)]
    return dict(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \| ([^|]+) \|", section, re.MULTILINE))


def read_variables() -> set[str]:
    """Every project variable the code, the profile and compose read."""
    sources = [PROFILE, COMPOSE]
    sources += [path.read_text() for path in (PROJECT_DIR / "src").rglob("*.py")]
    patterns = [
        r"env_var\('([A-Z][A-Z0-9_]+)'",
        r"\$\{([A-Z][A-Z0-9_]+)",
        r"""(?:environ|env|setting|settings\.get|settings\.path)\(["']([A-Z][A-Z0-9_]+)["']""",
        r"""environ\.get\(["']([A-Z][A-Z0-9_]+)["']""",
        r"""environ\[["']([A-Z][A-Z0-9_]+)["']\]""",
    ]
    found = {name for text in sources for pattern in patterns for name in re.findall(pattern, text)}
    return {name for name in found if re.match(r"(LAKEHOUSE|TPCH|SPARK|DBT)_", name)} - FOREIGN


def test_the_profile_repeats_each_default_of_dotenv_exactly() -> None:
    repeated = dict(re.findall(r"env_var\('([A-Z0-9_]+)', '([^']*)'\)", PROFILE))
    read = set(re.findall(r"env_var\('([A-Z0-9_]+)'", PROFILE))
    assert repeated, "the profile's defaults were found"
    for name in read & DEFAULTS.keys():
        assert repeated.get(name) == DEFAULTS[name], f"profiles.yml's default of {name}"


def test_compose_takes_its_defaults_from_dotenv() -> None:
    for name in re.findall(r"\$\{([A-Z0-9_]+):-[^}]*\}", COMPOSE):
        assert name not in DEFAULTS, f"docker-compose.yml repeats the default of {name}"
    for name in re.findall(r"\$\{([A-Z0-9_]+)\}", COMPOSE):
        assert name in DEFAULTS, f"docker-compose.yml reads {name}, which .env does not define"


def test_the_tooling_takes_its_defaults_from_dotenv() -> None:
    """No module under src/lakehouse spells a default of its own for a setting of .env."""
    literal = re.compile(r"""(?:environ\.get|env|getenv)\(["']([A-Z0-9_]+)["'],""")
    for path in (PROJECT_DIR / "src" / "lakehouse").rglob("*.py"):
        for name in literal.findall(path.read_text()):
            assert name not in DEFAULTS, f"{path.name} gives {name} a default of its own"
    for knob in spark_tuning.KNOBS:
        assert knob.default == DEFAULTS[knob.env]


def test_the_readme_documents_every_setting_once_and_no_internal_one() -> None:
    table = readme_settings()
    for name, default in DEFAULTS.items():
        assert name in table, f"{name} is not in the README's Settings table"
        assert table[name].strip() == f"`{default}`", f"the README's default of {name}"
    for name in read_variables():
        assert (name in table) != (name in settings.INTERNAL), (
            f"{name} must be in the README's Settings table or in settings.INTERNAL (not both)"
        )


@pytest.mark.parametrize("variable", ["SCALE", "TPCH_DATA_DIR", "FEED_DIR"])
def test_make_reads_its_defaults_from_dotenv(variable: str) -> None:
    """make's defaults are .env's, made absolute for the folder paths."""
    printed = subprocess.run(
        ["make", "--no-print-directory", "-s", "-f", "Makefile", "-f", "-", "print"],
        input=f"print:\n\t@echo $({variable})\n",
        cwd=PROJECT_DIR,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    expected = {
        "SCALE": DEFAULTS["TPCH_SCALE"],
        "TPCH_DATA_DIR": str(PROJECT_DIR / DEFAULTS["TPCH_DATA_DIR"]),
        "FEED_DIR": str(PROJECT_DIR / DEFAULTS["LAKEHOUSE_FEED_DIR"]),
    }
    assert printed == expected[variable]
