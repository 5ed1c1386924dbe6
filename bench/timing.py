"""Wall time of whole processes, two tools side by side, alternating order.

Each round runs every tool once on the same input; the order flips every
round so that neither tool always profits from a warm cache or suffers from
the other's leftovers. A round's times go into per-tool lists; the figures
reported are medians, because this machine is noisy. CPU time (user + system
of the child process) is kept beside wall time: it moves less when other work
shares the two cores.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sysconfig
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

NO_CACHE = "--no-cache"


@dataclass(frozen=True)
class Tool:
    """A command line, run from the repository root, as its pre-commit hook runs it.

    ``pass_filenames`` follows the hook: zizmor's hook is given the files, mlrig's
    hooks (``.pre-commit-hooks.yaml``, ``pass_filenames: false``) check the
    repository that contains the current folder.
    """

    name: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str | None], ...] = ()  # overrides; None removes the variable
    pass_filenames: bool = True
    before: Callable[[], None] | None = field(default=None, compare=False)  # untimed, each run

    def command(self, paths: list[str]) -> list[str]:
        return [*self.argv, *paths] if self.pass_filenames else list(self.argv)

    def environ(self) -> dict[str, str] | None:
        if not self.env:
            return None
        environ = dict(os.environ)
        for key, value in self.env:
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        return environ


@dataclass
class Sample:
    """Every timed run of one tool on one input."""

    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)  # user + system of the child
    exit_codes: list[int] = field(default_factory=list)
    stderr_tail: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def as_dict(self) -> dict[str, object]:
        return {
            "median_s": self.median,
            "min_s": min(self.seconds),
            "max_s": max(self.seconds),
            "seconds": self.seconds,
            "cpu_median_s": statistics.median(self.cpu_seconds) if self.cpu_seconds else None,
            "exit_codes": sorted(set(self.exit_codes)),
            "stderr_tail": self.stderr_tail,
        }


def find_executable(name: str) -> str | None:
    """The console script beside this interpreter first (no pyenv shim), then PATH."""
    beside = Path(sysconfig.get_path("scripts")) / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def default_tools(
    mlrig_script: Path | None = None, mlrig_env: tuple[tuple[str, str | None], ...] = ()
) -> tuple[Tool, Tool]:
    """``mlrig check`` and ``zizmor --offline`` as pre-commit would start them."""
    mlrig = str(mlrig_script) if mlrig_script else find_executable("mlrig")
    zizmor = find_executable("zizmor")
    if mlrig is None or zizmor is None:
        missing = " and ".join(n for n, p in (("mlrig", mlrig), ("zizmor", zizmor)) if p is None)
        raise SystemExit(f"bench: {missing} not found; install them (pip install -e '.[bench]')")
    return (
        Tool("mlrig", (mlrig, "check", NO_CACHE), mlrig_env, pass_filenames=False),
        Tool("zizmor", (zizmor, "--offline")),
    )


def cached(tool: Tool, name: str, before: Callable[[], None] | None = None) -> Tool:
    """``tool`` with mlrig's results cache on (it is measured cold, with ``--no-cache``)."""
    argv = tuple(arg for arg in tool.argv if arg != NO_CACHE)
    return replace(tool, name=name, argv=argv, before=before)


class Edits:
    """Before each run, add or take away a comment line at the end of one file.

    A cached run then sees that file changed, as on a commit that edits it; the
    file gets its original bytes back when the block ends.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_bytes()
        self.edited = False

    def __call__(self) -> None:
        self.edited = not self.edited
        marker = b"\n# edited by the benchmark\n" if self.edited else b""
        self.path.write_bytes(self.original + marker)

    def __enter__(self) -> Edits:
        return self

    def __exit__(self, *exc: object) -> None:
        self.path.write_bytes(self.original)


def run_once(tool: Tool, paths: list[str], cwd: Path | None) -> tuple[float, float, int, str]:
    """Run the tool once; return (wall seconds, CPU seconds, exit code, end of stderr)."""
    command, environ = tool.command(paths), tool.environ()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=environ, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tail = "\n".join(proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:])
    return seconds, cpu, proc.returncode, tail


def compare(
    tools: tuple[Tool, ...], paths: list[str], rounds: int, warmup: int = 1, cwd: Path | None = None
) -> dict[str, Sample]:
    """Time each tool ``rounds`` times on ``paths``, flipping the order each round."""
    samples = {tool.name: Sample() for tool in tools}
    for _ in range(warmup):
        for tool in tools:
            if tool.before is not None:
                tool.before()
            run_once(tool, paths, cwd)
    for round_no in range(rounds):
        order = tools if round_no % 2 == 0 else tuple(reversed(tools))
        for tool in order:
            if tool.before is not None:
                tool.before()
            seconds, cpu, code, tail = run_once(tool, paths, cwd)
            sample = samples[tool.name]
            sample.seconds.append(seconds)
            sample.cpu_seconds.append(cpu)
            sample.exit_codes.append(code)
            sample.stderr_tail = tail
    return samples
