"""The README's code blocks as a newcomer meets them, and those of the docs/ pages it links: fenced
shell and Python blocks, each with the one-line note that may stand right above it.

A note `> Tested as `<command>`: <why>` names the bounded form the test runs instead of a block that
is long by nature; `> Run as written by <test module>: <why>` hands a block to another module of the
suite (test_readme.py runs the others); `> Not run by the tests: <why>` leaves a block out. All are
visible to readers.

Blocks run in a clean shell: no environment variable but PATH (without the suite's virtual env)
and what the block or the test sets."""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SHELLS = ("sh", "bash", "shell")
FENCE = re.compile(r"^```(\w*)\s*$")
DOCS_LINK = re.compile(r"\]\((docs/[\w-]+\.md)(?:#[\w-]*)?\)")
TESTED_AS = re.compile(r"^> Tested as `([^`]+)`")
NOT_RUN = re.compile(r"^> Not run by the tests: (.+)")
RUN_BY = re.compile(r"^> Run as written by `?(tests/pytest/\w+\.py)`?:")
MAKE_TARGET = re.compile(r"\bmake (?:-\S+ )*([a-z][a-z-]*)")


@dataclass(frozen=True)
class Block:
    page: str  # README.md or docs/<page>.md
    line: int  # of the opening fence, 1-based
    language: str
    code: str
    tested_as: str | None = None  # the bounded command run instead
    not_run: str | None = None  # why it is left out
    runner: str | None = None  # the test module that runs it, when not test_readme.py

    @property
    def runs(self) -> str | None:
        """What the test runs for this block: its code, its bounded form, or nothing."""
        if self.not_run:
            return None
        return self.tested_as or self.code

    @property
    def name(self) -> str:
        lines = [line for line in self.code.splitlines() if line.strip()]
        # Named after what it does, not the venv activation or exports that open most blocks.
        first = next(
            (line for line in lines if not line.startswith(("source ", "export "))), lines[0]
        )
        words = re.sub(r"[^A-Za-z0-9_.+-]+", "-", first.split("#")[0]).strip("-")
        page = "" if self.page == "README.md" else Path(self.page).stem + "-"
        return f"{page}L{self.line}-{words[:40]}"

    def make_targets(self) -> set[str]:
        return set(MAKE_TARGET.findall(self.runs or ""))


def pages(readme: Path) -> list[Path]:
    """The README, then each docs/ page it links, in the order of the first link."""
    linked = dict.fromkeys(DOCS_LINK.findall(readme.read_text()))
    return [readme, *(readme.parent / page for page in linked)]


def all_blocks(readme: Path) -> list[Block]:
    """The blocks of the README, then those of each page it links."""
    return [block for page in pages(readme) for block in blocks(page, readme.parent)]


def coverage(readme: Path) -> str:
    """How many blocks the suite runs verbatim, in a bounded form, or not at all, and why."""
    every = all_blocks(readme)
    bounded = [block for block in every if block.runs and block.tested_as]
    left_out = [block for block in every if not block.runs]
    verbatim = len(every) - len(bounded) - len(left_out)
    elsewhere = [block.runner for block in every if block.runner]
    by_others = f" ({len(elsewhere)} by {', '.join(sorted(set(elsewhere)))})" if elsewhere else ""
    return (
        f"README: {len(every)} blocks, {verbatim} run verbatim{by_others}, "
        f"{len(bounded)} in a bounded form, {len(left_out)} not run"
        + "".join(
            f"\n  {block.page} line {block.line} not run: {block.not_run}" for block in left_out
        )
    )


def blocks(page: Path, root: Path) -> list[Block]:
    """Every fenced shell or Python block of a page (named relative to `root`), in reading order."""
    found: list[Block] = []
    lines = page.read_text().splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        language = opening.group(1)
        if language in (*SHELLS, "python"):
            note = lines[index - 1] if index else ""
            tested_as = TESTED_AS.match(note)
            not_run = NOT_RUN.match(note)
            run_by = RUN_BY.match(note)
            found.append(
                Block(
                    page=str(page.relative_to(root)),
                    line=index + 1,
                    language="sh" if language in SHELLS else language,
                    code="\n".join(lines[index + 1 : end]) + "\n",
                    tested_as=tested_as.group(1) if tested_as else None,
                    not_run=not_run.group(1) if not_run else None,
                    runner=run_by.group(1) if run_by else None,
                )
            )
        index = end + 1
    return found


def table(output: str) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of the tables dbt show and beeline print (`| a | b |`), rules left out."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in output.splitlines()
        if line.strip().startswith("|")
    ]
    rows = [row for row in rows if not all(re.fullmatch(r":?-+:?", cell) for cell in row)]
    return (rows[0], rows[1:]) if rows else ([], [])


def clean_path() -> str:
    """PATH without the test suite's own virtual env, as in a newcomer's terminal."""
    suite_bin = Path(sys.executable).parent.resolve()
    entries = os.environ["PATH"].split(os.pathsep)
    return os.pathsep.join(entry for entry in entries if Path(entry).resolve() != suite_bin)


def clean_shell(
    repo: Path,
    code: str,
    language: str = "sh",
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 1800,
) -> subprocess.CompletedProcess[str]:
    """`code` in a new shell (or the copy's Python) with nothing in its environment but PATH and
    `env`."""
    command = (
        ["bash", "-e", "-o", "pipefail", "-c", code]
        if language == "sh"
        else [str(repo / ".venv" / "bin" / "python"), "-c", code]
    )
    return subprocess.run(
        command,
        cwd=cwd or repo,
        env={"PATH": clean_path(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    return (
        f"exit {result.returncode}\n--- stdout\n{result.stdout[-6000:]}"
        f"\n--- stderr\n{result.stderr[-4000:]}"
    )
