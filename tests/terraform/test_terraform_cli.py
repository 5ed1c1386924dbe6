"""python-terraform drives the terraform binary, and says so when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.infra.terraform_cli import (
    NOT_INSTALLED,
    Status,
    check_directory,
    find_terraform,
    fmt_check,
    plan,
    validate,
)

PROVIDERLESS = 'variable "name" {\n  type    = string\n  default = "mlrig"\n}\n\noutput "greeting" {\n  value = "hello ${var.name}"\n}\n'
NEEDS_A_PROVIDER = 'resource "null_resource" "x" {}\n'


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_fmt_passes_on_formatted_terraform(tmp_path: Path, terraform_bin: str) -> None:
    result = fmt_check(tree(tmp_path, {"main.tf": PROVIDERLESS}), terraform_bin)
    assert (result.status, result.message) == (
        Status.PASSED,
        "terraform fmt: every file is formatted",
    )


def test_fmt_names_the_files_it_would_rewrite(tmp_path: Path, terraform_bin: str) -> None:
    (tmp_path / "sub").mkdir()
    tree(tmp_path, {"main.tf": PROVIDERLESS, "sub/ugly.tf": 'variable "x" {\ntype=string\n}\n'})
    result = fmt_check(tmp_path, terraform_bin)
    assert result.status is Status.FAILED
    assert result.message == "terraform fmt would rewrite: sub/ugly.tf"
    assert not result.ok


def test_validate_passes_where_init_needs_no_provider(tmp_path: Path, terraform_bin: str) -> None:
    result = validate(tree(tmp_path, {"main.tf": PROVIDERLESS}), terraform_bin)
    assert (result.status, result.message) == (
        Status.PASSED,
        "terraform validate: the configuration is valid",
    )


def test_validate_is_skipped_with_the_reason_when_init_cannot_get_providers(
    tmp_path: Path, terraform_bin: str
) -> None:
    tree(
        tmp_path,
        {
            "main.tf": NEEDS_A_PROVIDER,
            "versions.tf": 'terraform {\n  required_version = ">= 99.0.0"\n}\n',
        },
    )
    result = validate(tmp_path, terraform_bin)
    assert result.status is Status.SKIPPED and result.ok
    assert result.message.startswith("terraform init failed, so this step was skipped: ")
    assert "Unsupported Terraform Core version" in result.message


def test_a_warning_before_the_error_does_not_hide_the_reason(
    tmp_path: Path, terraform_bin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Terraform warns about a missing CLI configuration file before the error itself."""
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(tmp_path / "absent.tfrc"))
    (tmp_path / "root").mkdir()
    tree(tmp_path / "root", {"versions.tf": 'terraform {\n  required_version = ">= 99.0.0"\n}\n'})
    result = validate(tmp_path / "root", terraform_bin)
    assert result.message == (
        "terraform init failed, so this step was skipped: Error: Unsupported Terraform Core version"
    )


def test_plan_runs_on_a_local_providerless_configuration(
    tmp_path: Path, terraform_bin: str
) -> None:
    result = plan(tree(tmp_path, {"main.tf": PROVIDERLESS}), terraform_bin)
    assert result.status is Status.PASSED
    assert result.message in {"terraform plan: no changes", "terraform plan: changes pending"}


@pytest.mark.parametrize("step", [fmt_check, validate, plan])
def test_without_terraform_on_path_every_step_says_it_skipped(
    step: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_terraform() is None
    result = step(tree(tmp_path, {"main.tf": PROVIDERLESS}))  # type: ignore[operator]
    assert (result.status, result.message) == (Status.SKIPPED, NOT_INSTALLED)
    assert NOT_INSTALLED == "terraform not installed: skipped"


def test_check_directory_runs_fmt_and_validate_and_plan_on_request(
    tmp_path: Path, terraform_bin: str
) -> None:
    results = check_directory(
        tree(tmp_path, {"main.tf": PROVIDERLESS}), terraform_bin, with_plan=True
    )
    assert [(r.step, r.status) for r in results] == [
        ("fmt", Status.PASSED),
        ("validate", Status.PASSED),
        ("plan", Status.PASSED),
    ]
