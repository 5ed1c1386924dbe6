"""The jobs that propose a result by pull request check out a commit, not a branch (the
trained or built commit, so that the result lands on what was trained). On a detached HEAD
peter-evans/create-pull-request stops unless its ``base`` input names the branch to propose
to; without it, every scheduled, drift and main run trained and pushed, then went red."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render

VARIANTS = [
    {"cloud": "aws"},
    {"cloud": "gcp", "deploy_target": "managed", "ml_framework": "pytorch"},
    {"cloud": "azure", "deploy_target": "managed"},
    {"cloud": "none"},
]


def proposals(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(job, its checkout step, its create-pull-request step) for each job that proposes."""
    found = []
    for name, job in workflow["jobs"].items():
        steps = job.get("steps", [])
        for step in steps:
            if str(step.get("uses", "")).startswith("peter-evans/create-pull-request@"):
                checkout = next(
                    s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")
                )
                found.append((name, checkout, step))
    return found


@pytest.mark.parametrize("answers", VARIANTS, ids=lambda a: "-".join(a.values()))
def test_every_proposal_from_a_checked_out_commit_names_its_base(
    render: Render, answers: dict[str, str]
) -> None:
    repo = render(**answers)
    seen = 0
    for path in sorted((repo / ".github/workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job, checkout, step in proposals(workflow):
            seen += 1
            ref = str(checkout.get("with", {}).get("ref", ""))
            if ref and not ref.startswith("refs/heads/"):
                assert step["with"].get("base") == "main", (path.name, job)
    assert seen >= 1
