"""Whether GitHub lets a job use its environment, and whether the cloud trusts its token.

GitHub refuses a job whose environment's deployment branches exclude the branch
the run is for (a pull request's head branch; main for the schedule, pushes to
main and dispatches). The cloud refuses an OIDC token unless an identity of that
environment trusts its ``sub`` (the repository's subject template, which
``github-environments`` sets) and, where the identity pins ``workflow_refs`` and
the cloud's module can pin them, its ``job_workflow_ref``: AWS matches them with
``StringLike`` (``*`` any characters, ``?`` one), GCP by equality or by the
prefix before a ``*``. This reads the generated ``terraform/*.tf`` and mlrig's
modules, as the tests of one workflow's identity need.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from pathlib import Path

import yaml

MODULES = Path(__file__).resolve().parents[2] / "terraform/modules"
OWNER_ID, REPOSITORY_ID = "4567", "1234"
REPOSITORY = "acme/my-ml-project"
PR_BRANCH, PR_REF = "feature/bump-the-lock", "refs/pull/7/merge"
# One level of nested braces: ${...} and maps inside an identity's object.
_BODY = r"((?:[^{}]|\{[^{}]*\})*)"


def workflow(repo: Path, name: str) -> dict[object, object]:
    loaded = yaml.safe_load((repo / ".github/workflows" / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def runs_for(events: object) -> dict[str, tuple[str, str]]:
    """The branch GitHub checks the policy on, and the ref of the run, per trigger."""
    assert isinstance(events, dict)
    pull_request = (PR_BRANCH, PR_REF)
    return {
        event: pull_request if event == "pull_request" else ("main", "refs/heads/main")
        for event in events
    }


def module_default_branches() -> list[str]:
    variables = (MODULES / "github-environments/variables.tf").read_text(encoding="utf-8")
    found = re.search(r"branches\s*=\s*optional\(list\(string\),\s*(\[[^]]*\])\)", variables)
    assert found, "github-environments: no default for branches"
    return list(yaml.safe_load(found.group(1)))


def deployment_branches(repo: Path, environment: str) -> list[str]:
    """The branches ``github.tf`` lets deploy to ``environment`` (empty: any branch)."""
    github_tf = (repo / "terraform/github.tf").read_text(encoding="utf-8")
    found = re.search(rf"(?m)^\s+{re.escape(environment)}\s*=\s*\{{([^}}\n]*)\}}", github_tf)
    assert found, f"github.tf declares no environment {environment}"
    branches = re.search(r"branches\s*=\s*(\[[^]]*\])", found.group(1))
    return list(yaml.safe_load(branches.group(1))) if branches else module_default_branches()


def admits(repo: Path, environment: str, branch: str) -> bool:
    allowed = deployment_branches(repo, environment)
    return not allowed or any(fnmatchcase(branch, pattern) for pattern in allowed)


def presented_subject(environment: str) -> str:
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


def _trusted_subject(cloud: str, environment: str) -> str:
    module = (MODULES / f"{cloud}-github-oidc/main.tf").read_text(encoding="utf-8")
    template = re.search(r'\?\s*"(repository_owner_id:[^"]+)"', module)
    assert template, f"{cloud}-github-oidc: no subject by repository ids"
    return (
        template.group(1)
        .replace("${var.repository_owner_id}", OWNER_ID)
        .replace("${var.repository_id}", REPOSITORY_ID)
        .replace("${identity.environment}", environment)
    )


def _terraform_local(repo: Path, name: str) -> str:
    """The expression a ``locals`` entry of the generated root assigns (one line or a list)."""
    text = "\n".join(
        path.read_text(encoding="utf-8") for path in sorted((repo / "terraform").glob("*.tf"))
    )
    found = re.search(rf'(?m)^\s+{re.escape(name)}\s*=\s*(\[[^]]*\]|"[^"\n]*")', text)
    assert found, f"terraform/: no local {name}"
    return found.group(1)


def _strings(repo: Path, expression: str) -> list[str]:
    """The strings an HCL list (or ``local.x``) holds, locals and var.repository filled."""
    expression = expression.strip()
    if expression.startswith("local."):
        return _strings(repo, _terraform_local(repo, expression.removeprefix("local.")))
    values: list[str] = []
    for quoted, local in re.findall(r'"([^"]*)"|\blocal\.([\w-]+)', expression):
        values.extend(_strings(repo, f"local.{local}") if local else [quoted])
    for _ in range(3):  # locals that name locals
        values = [
            re.sub(r"\$\{local\.([\w-]+)\}", lambda m: _strings(repo, f"local.{m[1]}")[0], v)
            for v in values
        ]
    return [value.replace("${var.repository}", REPOSITORY) for value in values]


def _workflow_refs(repo: Path, body: str) -> list[str]:
    found = re.search(r"workflow_refs\s*=\s*(\[[^]]*\]|local\.[\w-]+)", body)
    return _strings(repo, found.group(1)) if found else []


def _ref_matches(cloud: str, pattern: str, presented: str) -> bool:
    if cloud == "gcp":  # equal, or starts with the part before a '*'
        prefix, star, _ = pattern.partition("*")
        return presented.startswith(prefix) if star else presented == pattern
    translated = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(translated, presented) is not None  # AWS StringLike


def trusts(repo: Path, cloud: str, environment: str, job_workflow_ref: str) -> bool:
    """Whether an identity of ``environment`` in ``main.tf`` trusts that job's token."""
    main_tf = (repo / "terraform/main.tf").read_text(encoding="utf-8")
    pins_refs = "workflow_refs" in (MODULES / f"{cloud}-github-oidc/variables.tf").read_text(
        encoding="utf-8"
    )
    if _trusted_subject(cloud, environment) != presented_subject(environment):
        return False
    pattern = rf'[\w-]+\s*=\s*\{{\s*environment\s*=\s*"{re.escape(environment)}"{_BODY}\}}'
    for body in re.findall(pattern, main_tf):
        refs = _workflow_refs(repo, body) if pins_refs else []
        if not refs or any(_ref_matches(cloud, ref, job_workflow_ref) for ref in refs):
            return True
    return False


def job_workflow_ref(workflow_file: str, ref: str) -> str:
    return f"{REPOSITORY}/.github/workflows/{workflow_file}@{ref}"


def refusals(repo: Path, cloud: str, workflow_file: str) -> list[str]:
    """Every (trigger, job) of the workflow that GitHub or the cloud would refuse."""
    loaded = workflow(repo, workflow_file)
    jobs = loaded["jobs"]
    assert isinstance(jobs, dict)
    environments = {job["environment"] for job in jobs.values() if "environment" in job}
    # Only a job that asks for an OIDC token needs a cloud identity to trust it (the
    # github-app environment holds the App's key and signs in to no cloud).
    signing_in = {
        job["environment"]
        for job in jobs.values()
        if "environment" in job and (job.get("permissions") or {}).get("id-token") == "write"
    }
    found = []
    for event, (branch, ref) in runs_for(loaded[True]).items():
        for environment in sorted(environments):
            if not admits(repo, environment, branch):
                found.append(f"{event}: {environment} refuses the branch {branch}")
            trusted = trusts(repo, cloud, environment, job_workflow_ref(workflow_file, ref))
            if environment in signing_in and not trusted:
                found.append(f"{event}: no {cloud} identity of {environment} trusts {ref}")
    return found
