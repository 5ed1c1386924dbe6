"""CT's jobs may use the environment they name, and the cloud trusts the token they present.

The generated ``terraform/github.tf`` (through the ``github-environments``
module's defaults), the cloud's ``*-github-oidc`` module and ``ct.yml`` must
agree for every event that ``ct.yml`` trains on (``oidc_trust`` says how each
side decides).
"""

from __future__ import annotations

import pytest

from tests.cdct import oidc_trust
from tests.cdct.conftest import Render


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_every_ct_event_may_use_its_environment_and_its_token_is_trusted(
    render: Render, cloud: str
) -> None:
    repo = render(cloud=cloud)
    workflow = oidc_trust.workflow(repo, "ct.yml")
    events = workflow[True]
    assert isinstance(events, dict) and "pull_request" in events
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    assert "training" in {job.get("environment") for job in jobs.values()}
    assert oidc_trust.refusals(repo, cloud, "ct.yml") == []


def test_the_subject_model_sees_a_main_only_environment_and_a_pinned_workflow(
    render: Render,
) -> None:
    """The checks above can fail: a main-only environment, and a trust pinned to main."""
    repo = render(cloud="aws")
    assert oidc_trust.module_default_branches() == ["main"]
    assert oidc_trust.deployment_branches(repo, "production") == ["main"]
    assert not oidc_trust.admits(repo, "production", oidc_trust.PR_BRANCH)
    infra = oidc_trust.job_workflow_ref("infra.yml", oidc_trust.PR_REF)
    assert not oidc_trust.trusts(repo, "aws", "infra", infra)  # pinned to refs/heads/main
    assert oidc_trust.trusts(repo, "aws", "infra-plan", infra)
    ct_from_main = oidc_trust.job_workflow_ref("ct.yml", "refs/heads/main")
    assert not oidc_trust.trusts(repo, "aws", "no-such-environment", ct_from_main)
