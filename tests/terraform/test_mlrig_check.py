"""mlrig's own rules accept the generated Terraform and catch a CUDA that drifts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunMlrig
from tests.terraform.conftest import CLOUDS, render


@pytest.mark.parametrize("cloud", CLOUDS)
def test_mlrig_check_finds_nothing_in_a_generated_repository(
    cloud: str, tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = render(tmp_path, cloud=cloud)
    result = run_mlrig("check", repo)
    assert result.code == 0, result.out + result.err


def test_a_terraform_cuda_that_differs_from_the_training_image_is_a_finding(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = render(tmp_path, cloud="gcp", cuda_version="12.8")
    variables = repo / "terraform" / "variables.tf"
    text = variables.read_text(encoding="utf-8")
    assert "common-cu128-" in text
    variables.write_text(
        text.replace("common-cu128-ubuntu-2204-nvidia-570-v20251216", "common-cu124-v20241224")
    )
    result = run_mlrig("check", repo)
    assert result.code == 1
    assert "X002" in result.out and "terraform/variables.tf" in result.out


def test_a_terraform_cuda_that_differs_from_the_torch_wheel_is_a_finding(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = render(tmp_path, cloud="aws", ml_framework="pytorch", cuda_version="12.8")
    variables = repo / "terraform" / "variables.tf"
    text = variables.read_text(encoding="utf-8")
    variables.write_text(text.replace('default     = "12.8"', 'default     = "12.4"'))
    result = run_mlrig("check", repo)
    assert result.code == 1
    assert "X002" in result.out and "terraform/variables.tf" in result.out
