"""What the managed CD and the drift workflows run, per cloud."""

from __future__ import annotations

import pytest
import yaml

from tests.cdct.conftest import Render

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_managed_cd_gates_on_a_repository_variable_and_deploys_with_the_package(
    render: Render, cloud: str
) -> None:
    repo = render(cloud=cloud, deploy_target="managed")
    text = (repo / ".github/workflows/cd.yml").read_text(encoding="utf-8")
    deploy = yaml.safe_load(text)["jobs"]["deploy"]
    # a job-level `if` sees `vars`, never the environment's `env`
    assert deploy["if"] == "vars.CD_ENABLED == 'true' && needs.changes.outputs.environments != '[]'"
    assert "env.CD_ENABLED" not in text
    assert "repository variable CD_ENABLED" in text
    (rollout,) = [s for s in deploy["steps"] if str(s.get("name", "")).startswith("Roll the")]
    assert (
        rollout["run"].splitlines()[-1] == 'python -m my_ml_project.managed deploy "$ENVIRONMENT"'
    )
    # no anonymous download of the model, no deployment left behind by shell
    for gone in ("dvc get-url", "blob.core.windows.net", "--all-traffic", "aws sagemaker"):
        assert gone not in text


@pytest.mark.parametrize(("cloud", "target"), [("aws", "kserve"), ("gcp", "managed")])
def test_drift_reads_the_capture_and_never_falls_back(
    render: Render, cloud: str, target: str
) -> None:
    repo = render(cloud=cloud, deploy_target=target)
    text = (repo / ".github/workflows/drift.yml").read_text(encoding="utf-8")
    jobs = yaml.safe_load(text)["jobs"]
    staging, monitor = jobs["monitor-staging"], jobs["monitor-production"]
    chosen = "(!inputs.environment || inputs.environment == '{}')"
    assert monitor["if"] == "vars.DVC_REMOTE_ENABLED == 'true' && " + chosen.format("production")
    assert staging["if"] == "vars.DVC_REMOTE_ENABLED == 'true' && " + chosen.format("staging")
    for gone in ("DRIFT_SAMPLE_URL", "dvc repro", "get-url", "drift-detected"):
        assert gone not in text
    names = [str(step.get("name", "")) for step in monitor["steps"]]
    assert ("Export the window from Vertex AI's request-response log" in names) is (
        target == "managed" and cloud == "gcp"
    )
    (proposal,) = [s for s in monitor["steps"] if str(s.get("name", "")).startswith("Propose")]
    assert proposal["with"]["add-paths"] == "data/raw/*.dvc\ndata/raw/*.ids\ndata/raw/.gitignore\n"
    assert proposal["if"] == "steps.app-token.outcome == 'success'"


def _evaluated(expression: str, **matrix: str) -> str:
    """A concurrency group as GitHub evaluates it for one matrix entry: each
    ``${{ matrix.<key> }}`` is that entry's value (the only expression the group may use)."""
    value = expression
    for key, item in matrix.items():
        value = value.replace(f"${{{{ matrix.{key} }}}}", item)
    assert "${{" not in value, value
    return value


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_each_environment_deploys_alone_and_production_never_holds_up_staging(
    render: Render, cloud: str
) -> None:
    """GitHub lets one job run and one wait per concurrency group, and a production job
    waiting for its reviewers holds its group: a group per environment (job level, not
    workflow level) lets staging go on. A deploy is never cancelled half-way, and since
    GitHub cancels an older pending job and does not promise the order of pending jobs,
    each job deploys its run's commit (github.sha) only while that commit's pin is its
    branch's newest (test_cd_newest_pin): every later step waits for that decision."""
    repo = render(cloud=cloud, deploy_target="managed")
    workflow = yaml.safe_load((repo / ".github/workflows/cd.yml").read_text(encoding="utf-8"))
    assert "concurrency" not in workflow  # no group that spans the environments
    jobs = workflow["jobs"]
    assert [name for name, job in jobs.items() if "concurrency" in job] == ["deploy"]
    deploy = jobs["deploy"]
    group = deploy["concurrency"]["group"]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert deploy["environment"] == "${{ matrix.environment }}"
    groups = {env: _evaluated(group, environment=env) for env in ("staging", "production")}
    assert groups == {"staging": "cd-staging", "production": "cd-production"}
    assert groups["staging"].lower() != groups["production"].lower()  # groups ignore case
    checkout = deploy["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"] == {
        "ref": "${{ github.sha }}",
        "fetch-depth": 0,  # every branch: the next step compares with its newest commit
        "persist-credentials": False,
    }
    deciding = deploy["steps"][1]
    assert (deciding["id"], deciding["env"]) == ("newest", {"RUN_SHA": "${{ github.sha }}"})
    gate = "steps.newest.outputs.deploy == 'true'"
    for step in deploy["steps"][2:]:
        assert step["if"] == gate or step["if"].startswith(f"{gate} && "), step
