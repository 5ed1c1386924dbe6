"""CT's jobs may use the environment they name, and the cloud trusts the token they present.

GitHub refuses a job whose environment's deployment branches exclude the branch
the run is for (a pull request's head branch; main for the schedule, pushes to
main and dispatches), and the cloud refuses an OIDC token whose subject no
identity trusts. The generated ``terraform/github.tf`` (through the
``github-environments`` module's defaults), the cloud's ``*-github-oidc`` module
and ``ct.yml`` must agree for every event that ``ct.yml`` trains on.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
import yaml

from tests.cdct.conftest import Render

MODULES = Path(__file__).resolve().parents[2] / "terraform/modules"
OWNER_ID, REPOSITORY_ID = "4567", "1234"


def _ct(repo: Path) -> dict[object, object]:
    loaded = yaml.safe_load((repo / ".github/workflows/ct.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _module_default_branches() -> list[str]:
    variables = (MODULES / "github-environments/variables.tf").read_text(encoding="utf-8")
    found = re.search(r"branches\s*=\s*optional\(list\(string\),\s*(\[[^]]*\])\)", variables)
    assert found, "github-environments: no default for branches"
    return list(yaml.safe_load(found.group(1)))


def _deployment_branches(repo: Path, environment: str) -> list[str]:
    """The branches ``github.tf`` lets deploy to ``environment`` (empty: any branch)."""
    github_tf = (repo / "terraform/github.tf").read_text(encoding="utf-8")
    found = re.search(rf"(?m)^\s+{re.escape(environment)}\s*=\s*\{{([^}}\n]*)\}}", github_tf)
    assert found, f"github.tf declares no environment {environment}"
    branches = re.search(r"branches\s*=\s*(\[[^]]*\])", found.group(1))
    return list(yaml.safe_load(branches.group(1))) if branches else _module_default_branches()


def _runs_for(events: dict[str, object]) -> dict[str, str]:
    """A branch each trigger of ``ct.yml`` runs for (GitHub evaluates the policy on it)."""
    branch = {"pull_request": "feature/more-epochs", "push": "main", "schedule": "main"}
    return {event: branch.get(event, "main") for event in events}


def _presented_subject(environment: str) -> str:
    """The ``sub`` GitHub issues under the repository's subject template (github.tf)."""
    variables = (MODULES / "github-environments/variables.tf").read_text(encoding="utf-8")
    block = variables.split('variable "oidc_subject_claims"')[1]
    claims = yaml.safe_load(re.search(r"default\s*=\s*(\[[^]]*\])", block).group(1))  # type: ignore[union-attr]
    values = {
        "repository_owner_id": OWNER_ID,
        "repository_id": REPOSITORY_ID,
        "context": f"environment:{environment}",
    }
    return ":".join(
        values[claim] if claim == "context" else f"{claim}:{values[claim]}" for claim in claims
    )


def _trusted_subjects(repo: Path, cloud: str, environment: str) -> list[str]:
    """Subjects the cloud's OIDC module trusts for identities of ``environment``,
    leaving out identities that also pin workflow refs a pull request cannot present."""
    main_tf = (repo / "terraform/main.tf").read_text(encoding="utf-8")
    module = (MODULES / f"{cloud}-github-oidc/main.tf").read_text(encoding="utf-8")
    template = re.search(r'\?\s*"(repository_owner_id:[^"]+)"', module)
    assert template, f"{cloud}-github-oidc: no subject by repository ids"
    subjects = []
    body = r"((?:[^{}]|\{[^{}]*\})*)"  # one level of nested braces: ${...} and maps
    pattern = rf'([\w-]+)\s*=\s*\{{\s*environment\s*=\s*"{re.escape(environment)}"{body}\}}'
    for _name, rest in re.findall(pattern, main_tf):
        refs = re.findall(r'"([^"]*@[^"]*)"', rest)
        if refs and not any("refs/pull/" in ref for ref in refs):
            continue
        subjects.append(
            template.group(1)
            .replace("${var.repository_owner_id}", OWNER_ID)
            .replace("${var.repository_id}", REPOSITORY_ID)
            .replace("${identity.environment}", environment)
        )
    return subjects


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_every_ct_event_may_use_its_environment_and_its_token_is_trusted(
    render: Render, cloud: str
) -> None:
    repo = render(cloud=cloud)
    workflow = _ct(repo)
    events = workflow[True]
    assert isinstance(events, dict) and "pull_request" in events
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    environments = {job["environment"] for job in jobs.values() if "environment" in job}
    assert "training" in environments
    for environment in environments:
        allowed = _deployment_branches(repo, environment)
        for event, branch in _runs_for(events).items():
            assert not allowed or any(fnmatchcase(branch, p) for p in allowed), (
                f"{environment} refuses {event} runs for {branch}: branches {allowed}"
            )
        assert _presented_subject(environment) in _trusted_subjects(repo, cloud, environment)


def test_the_subject_model_sees_a_main_only_environment_and_a_pinned_workflow(
    render: Render, tmp_path: Path
) -> None:
    """The checks above can fail: a main-only environment, and a trust pinned to main."""
    repo = render(cloud="aws")
    assert _module_default_branches() == ["main"]
    assert _deployment_branches(repo, "production") == ["main"]
    assert not any(fnmatchcase("feature/more-epochs", p) for p in ["main"])
    assert _trusted_subjects(repo, "aws", "infra") == []  # pinned to refs/heads/main
