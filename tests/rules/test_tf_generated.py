"""The Terraform rules on repositories from ``mlrig new``: nothing to report on a fresh one,
exactly one finding per broken pin, and unterminated HCL as ``MLR001`` at its line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.check.helpers import build_file_tree, mlrig
from toolkit.check.config import load_config
from toolkit.check.engine import check_project, selected_rules
from toolkit.check.project import Project
from toolkit.generate import NewOptions, run_new

CLOUDS = ("aws", "gcp", "azure")
PROVIDERS = {"aws": "aws", "gcp": "google", "azure": "azurerm"}


def findings(repo: Path) -> list[str]:
    """Text findings of every rule on ``repo``."""
    project = Project.discover(repo, use_git=False)
    config = load_config(repo)
    return [f.text() for f in check_project(project, config, selected_rules(config)).findings]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {
        cloud: run_new(
            NewOptions(
                output_dir=tmp_path_factory.mktemp(cloud),
                no_input=True,
                overrides={"cloud": cloud},
            )
        ).path
        for cloud in CLOUDS
    }


@pytest.fixture(params=CLOUDS)
def repo(request: pytest.FixtureRequest, generated: dict[str, Path], tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(generated[request.param], copy)
    return copy


def cloud_of(repo: Path) -> str:
    versions = (repo / "terraform" / "versions.tf").read_text(encoding="utf-8")
    return next(c for c, p in PROVIDERS.items() if f'source  = "hashicorp/{p}"' in versions)


def splice(path: Path, start: int, end: int, new: str) -> tuple[int, int]:
    """Replace characters ``start:end`` of ``path``; the 1-based line and column of ``start``."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:start] + new + text[end:], encoding="utf-8")
    return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def test_a_generated_repository_has_no_finding(repo: Path) -> None:
    assert findings(repo) == []


def test_a_module_on_a_branch_is_reported(repo: Path) -> None:
    main = repo / "terraform" / "main.tf"
    text = main.read_text(encoding="utf-8")
    found = re.search(r'source = ("git::[^"?]*-github-oidc\?ref=([^"]*)")', text)
    assert found is not None
    line, column = splice(main, found.start(2), found.end(2), "main")
    assert findings(repo) == [
        f"terraform/main.tf:{line}:{column - found.start(2) + found.start(1)}: TF007 module "
        "github_oidc ref main is a branch; use a version tag or a commit SHA"
    ]


def test_a_provider_range_in_the_root_module_is_reported(repo: Path) -> None:
    provider = PROVIDERS[cloud_of(repo)]
    versions = repo / "terraform" / "versions.tf"
    text = versions.read_text(encoding="utf-8")
    found = re.search(rf'{provider} = {{\n[^}}]*?version = ("(\d+)\.(\d+)\.\d+")', text)
    assert found is not None
    value = f"~> {found.group(2)}.{found.group(3)}"
    line, column = splice(versions, found.start(1), found.end(1), f'"{value}"')
    assert findings(repo) == [
        f"terraform/versions.tf:{line}:{column}: TF003 provider {provider} version '{value}' is "
        "a range in a root module; pin an exact version"
    ]


def test_a_provider_missing_from_the_lock_file_is_reported(repo: Path) -> None:
    provider = PROVIDERS[cloud_of(repo)]
    lock = repo / "terraform" / ".terraform.lock.hcl"
    text = lock.read_text(encoding="utf-8")
    entry = re.search(
        rf'\nprovider "registry\.terraform\.io/hashicorp/{provider}" {{\n.*?\n}}\n', text, re.S
    )
    assert entry is not None
    lock.write_text(text.replace(entry.group(0), "\n"), encoding="utf-8")
    versions = repo / "terraform" / "versions.tf"
    lines = versions.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.strip() == f"{provider} = {{")
    assert findings(repo) == [
        f"terraform/versions.tf:{line}:5: TF005 provider {provider} "
        f"(registry.terraform.io/hashicorp/{provider}) is not in terraform/.terraform.lock.hcl;"
        " run `terraform init`"
    ]


def test_unterminated_hcl_is_a_parse_error_at_its_line(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            "infra/main.tf": 'module "vpc" {\n  source = "./vpc"\n',
            "infra/vars.tf": 'variable "a" {\n  default = "x\n}\n',
            "infra/notes.tf": "/* a comment\nthat never ends\n",
            "infra/data.tf": "locals {\n  script = <<-EOT\n    echo hi\n}\n",
        },
    )
    run = mlrig("check", ".", cwd=tmp_path)
    assert (run.code, run.err) == (1, "")
    assert run.out.splitlines()[:-1] == [
        "infra/data.tf:2:12: MLR001 unterminated heredoc <<-EOT",
        "infra/main.tf:1:14: MLR001 unterminated block: no closing }",
        "infra/notes.tf:1:1: MLR001 unterminated /* comment",
        "infra/vars.tf:2:13: MLR001 unterminated string: a quoted string cannot span lines",
    ]
