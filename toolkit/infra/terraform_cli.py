"""Run the terraform binary through python-terraform, or say that it was skipped.

``fmt`` needs nothing but the binary. ``validate`` and ``plan`` need provider
plugins (and ``plan`` a backend and credentials); when ``terraform init`` cannot
get them, the step is skipped with the reason rather than failed, because a
machine without a registry cannot tell whether the configuration is wrong.
"""

from __future__ import annotations

import shutil
import warnings
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

NOT_INSTALLED = "terraform not installed: skipped"
FMT_NEEDS_CHANGES = 3
PLAN_HAS_CHANGES = 2


class Status(str, Enum):
    """How one terraform step ended."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class StepResult:
    """One terraform step: what ran, how it ended, and what to tell the user."""

    step: str
    status: Status
    message: str
    output: str = ""

    @property
    def ok(self) -> bool:
        """True unless the step ran and found a problem."""
        return self.status is not Status.FAILED


def find_terraform(path: str | None = None) -> str | None:
    """The terraform executable on ``path`` (default: ``$PATH``), or None."""
    return shutil.which("terraform", path=path)


def _run(
    binary: str, directory: Path, command: str, *args: str, **options: Any
) -> tuple[int, str, str]:
    from python_terraform import Terraform

    terraform = Terraform(working_dir=str(directory), terraform_bin_path=binary)
    with warnings.catch_warnings():
        # python-terraform logs failures with the deprecated Logger.warn.
        warnings.filterwarnings(
            "ignore", message="The 'warn' method is deprecated", category=DeprecationWarning
        )
        code, out, err = terraform.cmd(command, *args, capture_output=True, **options)
    return int(code), out or "", err or ""


def _first_line(text: str) -> str:
    """The line that says what went wrong: the first ``Error:`` line, since terraform
    may print warnings (a missing CLI configuration file, say) before it."""
    lines = [line.strip(" │╷╵") for line in text.splitlines()]
    errors = (line for line in lines if line.startswith("Error:"))
    return next(errors, next((line for line in lines if line), "no output"))


def fmt_check(directory: Path, binary: str | None = None) -> StepResult:
    """``terraform fmt -check -recursive``: passes when nothing would be rewritten."""
    binary = binary or find_terraform()
    if binary is None:
        return StepResult("fmt", Status.SKIPPED, NOT_INSTALLED)
    from python_terraform import IsFlagged

    code, out, err = _run(
        binary, directory, "fmt", check=IsFlagged, recursive=IsFlagged, no_color=IsFlagged
    )
    files = [line for line in out.splitlines() if line.strip()]
    if code == 0:
        return StepResult("fmt", Status.PASSED, "terraform fmt: every file is formatted", out)
    if code == FMT_NEEDS_CHANGES:
        return StepResult(
            "fmt", Status.FAILED, f"terraform fmt would rewrite: {', '.join(files)}", out
        )
    return StepResult("fmt", Status.FAILED, f"terraform fmt failed: {_first_line(err)}", err)


def _init(binary: str, directory: Path, backend: bool) -> StepResult | None:
    """``terraform init``; a skip result when it cannot get the plugins, else None."""
    from python_terraform import IsFlagged

    code, _out, err = _run(
        binary, directory, "init", backend=backend, input=False, no_color=IsFlagged
    )
    if code == 0:
        return None
    return StepResult(
        "init",
        Status.SKIPPED,
        f"terraform init failed, so this step was skipped: {_first_line(err)}",
        err,
    )


def validate(directory: Path, binary: str | None = None) -> StepResult:
    """``terraform init -backend=false`` then ``terraform validate``."""
    binary = binary or find_terraform()
    if binary is None:
        return StepResult("validate", Status.SKIPPED, NOT_INSTALLED)
    skipped = _init(binary, directory, backend=False)
    if skipped is not None:
        return StepResult("validate", skipped.status, skipped.message, skipped.output)
    from python_terraform import IsFlagged

    code, out, err = _run(binary, directory, "validate", no_color=IsFlagged)
    if code == 0:
        return StepResult(
            "validate", Status.PASSED, "terraform validate: the configuration is valid", out
        )
    return StepResult("validate", Status.FAILED, f"terraform validate: {_first_line(err)}", err)


def plan(directory: Path, binary: str | None = None) -> StepResult:
    """``terraform init`` then ``terraform plan -detailed-exitcode``, taking no state lock."""
    binary = binary or find_terraform()
    if binary is None:
        return StepResult("plan", Status.SKIPPED, NOT_INSTALLED)
    skipped = _init(binary, directory, backend=True)
    if skipped is not None:
        return StepResult("plan", skipped.status, skipped.message, skipped.output)
    from python_terraform import IsFlagged

    code, out, err = _run(
        binary,
        directory,
        "plan",
        detailed_exitcode=IsFlagged,
        lock=False,
        input=False,
        no_color=IsFlagged,
    )
    if code == 0:
        return StepResult("plan", Status.PASSED, "terraform plan: no changes", out)
    if code == PLAN_HAS_CHANGES:
        return StepResult("plan", Status.PASSED, "terraform plan: changes pending", out)
    return StepResult("plan", Status.FAILED, f"terraform plan: {_first_line(err)}", err)


def check_directory(
    directory: Path, binary: str | None = None, *, with_plan: bool = False
) -> list[StepResult]:
    """fmt, then validate, then (when asked) plan, for one Terraform folder."""
    binary = binary or find_terraform()
    results = [fmt_check(directory, binary), validate(directory, binary)]
    if with_plan:
        results.append(plan(directory, binary))
    return results
