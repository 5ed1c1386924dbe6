"""``mlrig new``: answers, refusals and what lands on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from tests.conftest import RunMlrig
from toolkit import __version__

ANSWERS = ".mlrig-answers.yml"


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_defaults_generate_a_repository_with_an_answers_file(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    result = run_mlrig("new", "--no-input", "-o", tmp_path)
    assert result.code == 0, result.err
    repo = tmp_path / "my-ml-project"
    record = yaml.safe_load((repo / ANSWERS).read_text(encoding="utf-8"))
    assert record["template"] == "ml-repo"
    assert record["template_version"] == __version__
    assert len(record["template_commit"]) == 40 or record["template_commit"] == "unknown"
    assert record["answers"]["cloud"] == "aws"
    assert record["answers"]["project_slug"] == "my-ml-project"
    files = tree(repo)
    del files[ANSWERS]
    assert set(record["files"]) == set(files)
    for path, digest in record["files"].items():
        assert digest == "sha256:" + hashlib.sha256(files[path]).hexdigest()


def test_generation_is_deterministic(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    for out in ("a", "b"):
        assert run_mlrig("new", "--no-input", "-o", tmp_path / out, "--set", "cloud=gcp").code == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_answers_file_and_set_combine_and_set_wins(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("project_name: Fraud Model\ncloud: azure\n", encoding="utf-8")
    result = run_mlrig(
        "new", "--no-input", "-o", tmp_path, "--answers", answers, "--set", "cloud=none"
    )
    assert result.code == 0, result.err
    record = yaml.safe_load((tmp_path / "fraud-model" / ANSWERS).read_text(encoding="utf-8"))
    assert record["answers"]["cloud"] == "none"
    assert record["answers"]["dvc_remote_url"] == "../fraud-model-dvc-remote"


def test_a_previous_answers_file_regenerates_the_same_tree(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    assert (
        run_mlrig("new", "--no-input", "-o", tmp_path / "a", "--set", "project_name=Churn").code
        == 0
    )
    previous = tmp_path / "a" / "churn" / ANSWERS
    assert run_mlrig("new", "--no-input", "-o", tmp_path / "b", "--answers", previous).code == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_existing_target_is_refused_without_force(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    (tmp_path / "my-ml-project").mkdir()
    result = run_mlrig("new", "--no-input", "-o", tmp_path)
    assert result.code == 1
    assert (
        result.err.strip()
        == f"mlrig: error: {tmp_path / 'my-ml-project'}: already exists; use --force to generate into it"
    )
    assert list((tmp_path / "my-ml-project").iterdir()) == []


def test_force_never_overwrites_an_edited_file(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    assert run_mlrig("new", "--no-input", "-o", tmp_path).code == 0
    edited = tmp_path / "my-ml-project" / "params.yaml"
    edited.write_text("mine: true\n", encoding="utf-8")
    result = run_mlrig("new", "--no-input", "-o", tmp_path, "--force")
    assert result.code == 1
    assert "params.yaml" in result.err
    assert "would be overwritten" in result.err
    assert edited.read_text(encoding="utf-8") == "mine: true\n"


def test_force_into_an_identical_tree_succeeds(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    assert run_mlrig("new", "--no-input", "-o", tmp_path).code == 0
    before = tree(tmp_path)
    assert run_mlrig("new", "--no-input", "-o", tmp_path, "--force").code == 0
    assert tree(tmp_path) == before


def test_invalid_answers_are_refused_on_one_line_and_nothing_is_written(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    cases = {
        "project_slug=my project": "project_slug 'my project' is not lower case letters",
        "cloud=oracle": "cloud 'oracle' is not one of: aws, azure, gcp, none",
        "package_name=class": "package_name 'class' is a Python keyword, so `import class` cannot work",
        "package_name=import": "package_name 'import' is a Python keyword, so `import import` cannot work",
        "package_name=json": "package_name 'json' is the name of a standard library module, which it would shadow",
        "dvc_remote_url=gs://bucket": "dvc_remote_url 'gs://bucket' must be s3://<bucket>[/path] when cloud is 'aws'",
        "colour=blue": "unknown answer 'colour'",
    }
    for pair, message in cases.items():
        result = run_mlrig("new", "--no-input", "-o", tmp_path, "--set", pair)
        assert result.code == 1, pair
        assert message in result.err, (pair, result.err)
        assert len(result.err.strip().splitlines()) == 1
        assert "Traceback" not in result.err
        assert list(tmp_path.iterdir()) == []


def test_malformed_set_is_a_usage_error(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    result = run_mlrig("new", "--no-input", "-o", tmp_path, "--set", "cloud")
    assert result.code == 2
    assert result.err.strip() == "mlrig: error: --set 'cloud': expected KEY=VALUE"


def test_broken_answers_file_names_file_and_line(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("project_name: ok\ncloud: [aws\n", encoding="utf-8")
    result = run_mlrig("new", "--no-input", "-o", tmp_path / "out", "--answers", answers)
    assert result.code == 2
    assert f"{answers}:" in result.err
    assert "not valid YAML" in result.err
    assert not (tmp_path / "out").exists()


def test_answers_choose_which_parts_are_generated(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    assert run_mlrig("new", "--no-input", "-o", tmp_path / "k", "--set", "cloud=none").code == 0
    assert (
        run_mlrig("new", "--no-input", "-o", tmp_path / "m", "--set", "deploy_target=managed").code
        == 0
    )
    kserve, managed = tmp_path / "k" / "my-ml-project", tmp_path / "m" / "my-ml-project"
    assert not (kserve / "terraform").exists()
    assert not (kserve / ".github" / "workflows" / "infra.yml").exists()
    assert (kserve / "deploy" / "overlays" / "staging" / "kustomization.yaml").is_file()
    assert (managed / "terraform" / "main.tf").is_file()
    # A managed endpoint keeps the pins alone: no Kubernetes manifest, overlay, Argo CD
    # Application or Grafana dashboard Component that nothing would apply.
    assert sorted(p.name for p in (managed / "deploy").iterdir()) == [
        "production.yaml",
        "staging.yaml",
    ]
    assert (kserve / "deploy" / "dashboard" / "kustomization.yaml").is_file()


def test_pytorch_needs_the_cuda_of_its_locked_wheel(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    result = run_mlrig(
        "new",
        "--no-input",
        "-o",
        tmp_path,
        "--set",
        "ml_framework=pytorch",
        "--set",
        "cuda_version=12.4",
    )
    assert result.code == 1
    assert "the locked torch wheel is built for CUDA 12.8" in result.err
    assert list(tmp_path.iterdir()) == []
