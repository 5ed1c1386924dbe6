"""Region and GPU machine type are checked against the chosen cloud's naming, as each
answer is given and from ``--set`` or an answers file; plain cookiecutter checks the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from tests.conftest import REPO_ROOT, RunMlrig, Terminal
from toolkit.errors import AnswerError
from toolkit.generate.answers import validate_answers
from toolkit.generate.render import resolve_answers

TEMPLATE = REPO_ROOT / "templates" / "ml-repo"

# Names each cloud documents, including recent ones: a pattern, not a list, takes them.
VALID = {
    "aws": (
        ["us-east-1", "ap-southeast-7", "mx-central-1", "us-gov-west-1", "eusc-de-east-1"],
        ["g5.xlarge", "p4d.24xlarge", "p5en.48xlarge", "g6e.2xlarge", "p6-b200.48xlarge"],
    ),
    "gcp": (
        ["europe-west4", "us-central1", "northamerica-northeast2", "africa-south1"],
        ["g2-standard-4", "a2-highgpu-1g", "a3-megagpu-8g", "a4x-highgpu-4g", "n1-standard-8"],
    ),
    "azure": (
        ["westeurope", "eastus2", "germanywestcentral", "swedencentral"],
        ["Standard_NC4as_T4_v3", "Standard_ND96isr_H100_v5", "Standard_NV36ads_A10_v5"],
    ),
}
OTHERS = {cloud: [c for c in VALID if c != cloud] for cloud in VALID}


def _answers(cloud: str, region: str, gpu: str) -> dict[str, object]:
    return resolve_answers(TEMPLATE, {"cloud": cloud, "region": region, "gpu_instance_type": gpu})


@pytest.mark.parametrize("cloud", sorted(VALID))
def test_each_cloud_takes_its_own_names(cloud: str) -> None:
    regions, gpus = VALID[cloud]
    for region in regions:
        for gpu in gpus:
            validate_answers(TEMPLATE, _answers(cloud, region, gpu))


@pytest.mark.parametrize("cloud", sorted(VALID))
def test_each_cloud_refuses_the_other_clouds_names(cloud: str) -> None:
    example = {"aws": ("us-east-1", "g5.xlarge"), "gcp": ("europe-west4", "g2-standard-4")}
    example["azure"] = ("westeurope", "Standard_NC4as_T4_v3")
    for other in OTHERS[cloud]:
        for region in VALID[other][0]:
            with pytest.raises(AnswerError) as refused:
                validate_answers(TEMPLATE, _answers(cloud, region, example[cloud][1]))
            assert str(refused.value) == (
                f"invalid answers: region {region!r} is not a region of {cloud} "
                f"(for example {example[cloud][0]})"
            )
        for gpu in [*VALID[other][1], "m5.xlarge", "e2-standard-4", "Standard_D4s_v5"]:
            with pytest.raises(AnswerError) as refused:
                validate_answers(TEMPLATE, _answers(cloud, example[cloud][0], gpu))
            assert str(refused.value) == (
                f"invalid answers: gpu_instance_type {gpu!r} is not a GPU machine type of "
                f"{cloud} (for example {example[cloud][1]})"
            )


def test_set_refuses_a_region_of_another_cloud(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    result = run_mlrig(
        "new", "--no-input", "-o", tmp_path, "--set", "cloud=gcp", "--set", "region=us-east-1"
    )
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "mlrig: error: invalid answers: region 'us-east-1' is not a region of gcp "
        "(for example europe-west4)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_answers_file_is_refused_at_the_line(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("cloud: azure\nregion: westeurope\ngpu_instance_type: g5.xlarge\n")
    result = run_mlrig("new", "--no-input", "-o", tmp_path / "out", "--answers", answers)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"mlrig: error: {answers}:3: gpu_instance_type 'g5.xlarge' is not a GPU machine type "
        "of azure (for example Standard_NC4as_T4_v3)\n"
    )


def test_a_region_of_another_cloud_is_asked_again_at_once(
    tmp_path: Path, run_mlrig: RunMlrig, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = [
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "europe-west4",
        "eu-west-3",
        "Standard_NC6s_v3",
        "g6.xlarge",
    ]
    monkeypatch.setattr("sys.stdin", Terminal("\n".join(typed) + "\n" * 20))
    result = run_mlrig("new", "-o", tmp_path)
    assert result.code == 0, result.err
    region = "Cloud region [us-east-1]: "
    gpu = "GPU instance type for continuous training [g5.xlarge]: "
    assert (
        region
        + "  error: region 'europe-west4' is not a region of aws (for example us-east-1)\n"
        + region
    ) in result.out
    assert (
        gpu + "  error: gpu_instance_type 'Standard_NC6s_v3' is not a GPU machine type of aws "
        "(for example g5.xlarge)\n" + gpu
    ) in result.out
    record = (tmp_path / "my-ml-project" / ".mlrig-answers.yml").read_text(encoding="utf-8")
    assert "  region: eu-west-3\n" in record
    assert "  gpu_instance_type: g6.xlarge\n" in record


def test_plain_cookiecutter_refuses_the_same(tmp_path: Path) -> None:
    context = {"cloud": "azure", "region": "us-east-1"}
    with pytest.raises(FailedHookException):
        cookiecutter(str(TEMPLATE), no_input=True, extra_context=context, output_dir=str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    good = {"cloud": "azure", "region": "swedencentral"}
    made = cookiecutter(str(TEMPLATE), no_input=True, extra_context=good, output_dir=str(tmp_path))
    assert (
        'default     = "swedencentral"' in (Path(made) / "terraform" / "variables.tf").read_text()
    )
