"""Every reusable module is formatted, parses, pins its providers and documents itself."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.terraform.conftest import MODULES, MODULES_DIR, run, tool
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
        assert unquote(spec["source"]) in {f"hashicorp/{name}", "integrations/github"}, name
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


def test_aws_runners_find_the_pinned_ami_after_aws_deprecates_it() -> None:
    """Lookups skip deprecated images unless told: the pinned name must keep resolving.

    The wrapper looks the exact name up itself, deprecated images included, and
    hands the upstream module only the SSM parameter holding the id; the upstream
    module's own lookup then runs on its default filter, never on the pinned name.
    """
    main = load(MODULES_DIR / "aws-gpu-runners" / "main.tf")
    [ami] = [fields(block)['"aws_ami"']['"gpu"'] for block in main["data"]]
    assert ami["include_deprecated"] is True
    names = [f["values"] for f in ami["filter"] if unquote(f["name"]) == "name"]
    assert names == [["${var.ami_name}"]]
    handed = main["module"][0]['"runners"']["ami"]
    assert sorted(handed) == ["id_ssm_parameter_arn", "owners"]
    assert unquote(handed["id_ssm_parameter_arn"]) == "aws_ssm_parameter.ami.arn"


def test_gcp_gpu_image_must_carry_the_cuda_version() -> None:
    text = (MODULES_DIR / "gcp-gpu-runners" / "templates.tf").read_text(encoding="utf-8")
    assert "precondition" in text and "local.cuda_tag" in text
    assert 'instance_termination_action = "DELETE"' in text
    assert "max_run_duration" in text


def test_no_provider_defined_functions() -> None:
    for path in MODULES_DIR.rglob("*.tf"):
        assert "provider::" not in path.read_text(encoding="utf-8"), path


def test_gcp_runner_startup_script_is_clean_shell(tmp_path: Path) -> None:
    """Render the startup template as Terraform would and let shellcheck judge it."""
    template = (MODULES_DIR / "gcp-gpu-runners" / "startup.sh.tftpl").read_text(encoding="utf-8")
    values = {"cuda_version": "12.8", "runner_version": "2.329.0", "runner_sha256": "0" * 64}
    assert set(re.findall(r"(?<!\$)\$\{(\w+)\}", template)) == set(values)
    script = tmp_path / "startup.sh"
    script.write_text(re.sub(r"(?<!\$)\$\{(\w+)\}", lambda m: values[m.group(1)], template))
    done = run(tool("shellcheck"), "--shell=bash", script)
    assert done.returncode == 0, done.stdout


def test_gcp_reaper_reads_the_variables_the_module_sets() -> None:
    source = yaml.safe_load((MODULES_DIR / "gcp-gpu-runners" / "reaper.workflows.yaml").read_text())
    steps = [next(iter(step)) for step in source["main"]["steps"]]
    assert steps == ["init", "list_runners", "each_zone", "done"]
    text = (MODULES_DIR / "gcp-gpu-runners" / "reaper.tf").read_text(encoding="utf-8")
    for name in ("RUNNER_LABEL", "MAX_AGE_SECONDS"):
        assert name in text
        assert f'sys.get_env("{name}")' in str(source)


def test_aws_runner_pre_install_is_clean_shell(tmp_path: Path) -> None:
    main = (MODULES_DIR / "aws-gpu-runners" / "main.tf").read_text(encoding="utf-8")
    body = textwrap.dedent(main.split("<<-EOT\n", 1)[1].split("  EOT\n", 1)[0])
    values = {"var.max_lifetime_minutes": "360", "var.cuda_version": "12.8"}
    assert set(re.findall(r"\$\{([\w.]+)\}", body)) == set(values)
    script = tmp_path / "pre_install.sh"
    script.write_text(re.sub(r"\$\{([\w.]+)\}", lambda m: values[m.group(1)], body))
    done = run(tool("shellcheck"), "--shell=bash", script)
    assert done.returncode == 0, done.stdout
    assert "shutdown -h +360" in script.read_text()
