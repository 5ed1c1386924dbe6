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
