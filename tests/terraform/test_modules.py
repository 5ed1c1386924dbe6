"""Every reusable module is formatted, parses, pins its providers and documents itself."""

from __future__ import annotations

import pytest

from tests.terraform.conftest import MODULES, MODULES_DIR
from tests.terraform.hcl import blocks, docs_table, fields, load, readme_docs, unquote
from toolkit.infra.terraform_cli import Status, fmt_check


def test_the_modules_the_design_asks_for_exist() -> None:
    for cloud in ("aws", "gcp", "azure"):
        assert f"{cloud}-github-oidc" in MODULES
        assert f"{cloud}-dvc-remote" in MODULES
    assert {"aws-gpu-runners", "gcp-gpu-runners"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_terraform_fmt_check_recursive_passes(module: str, terraform_bin: str) -> None:
    result = fmt_check(MODULES_DIR / module, terraform_bin)
    assert result.status is Status.PASSED, result.output


@pytest.mark.parametrize("module", MODULES)
def test_every_tf_file_parses_with_python_hcl2(module: str) -> None:
    files = sorted((MODULES_DIR / module).glob("*.tf"))
    assert files
    for path in files:
        assert isinstance(load(path), dict), path


@pytest.mark.parametrize("module", MODULES)
def test_versions_pin_terraform_and_every_provider(module: str) -> None:
    terraform = load(MODULES_DIR / module / "versions.tf")["terraform"][0]
    assert unquote(terraform["required_version"]).startswith(">= 1.5")
    providers = fields(terraform["required_providers"][0])
    assert providers
    for name, spec in providers.items():
        assert unquote(spec["source"]).startswith("hashicorp/"), name
        assert "<" in unquote(spec["version"]), f"{name}: give the major version an upper bound"


@pytest.mark.parametrize("module", MODULES)
def test_readme_documents_every_input_output_and_default(module: str) -> None:
    path = MODULES_DIR / module
    readme = (path / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {module}\n")
    assert readme_docs(readme) == docs_table(path), (
        "stale README: run python -c 'from tests.terraform.hcl import refresh_readme; ...'"
    )


@pytest.mark.parametrize("module", MODULES)
def test_every_variable_and_output_has_a_description(module: str) -> None:
    path = MODULES_DIR / module
    for kind in ("variable", "output"):
        for name, body in blocks(path, kind).items():
            assert unquote(body.get("description", "")).strip(), f"{kind} {name}"


def test_gpu_runners_take_the_cuda_version_as_a_required_input() -> None:
    for module in ("aws-gpu-runners", "gcp-gpu-runners"):
        cuda = blocks(MODULES_DIR / module, "variable")["cuda_version"]
        assert "default" not in cuda, module
        assert "cuda_version" in blocks(MODULES_DIR / module, "output")


def test_aws_runners_wrap_the_public_module_pinned_by_commit() -> None:
    main = load(MODULES_DIR / "aws-gpu-runners" / "main.tf")
    source = unquote(main["module"][0]['"runners"']["source"])
    repository, _, ref = source.partition("?ref=")
    assert (
        repository == "git::https://github.com/github-aws-runners/terraform-aws-github-runner.git"
    )
    assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref)


def test_gcp_gpu_image_must_carry_the_cuda_version() -> None:
    text = (MODULES_DIR / "gcp-gpu-runners" / "templates.tf").read_text(encoding="utf-8")
    assert "precondition" in text and "local.cuda_tag" in text
    assert 'instance_termination_action = "DELETE"' in text
    assert "max_run_duration" in text


def test_no_provider_defined_functions() -> None:
    for path in MODULES_DIR.rglob("*.tf"):
        assert "provider::" not in path.read_text(encoding="utf-8"), path
