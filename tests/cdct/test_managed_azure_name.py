"""Azure ML online endpoint names are unique per Azure region, so managed CD names each
environment's endpoint after its workspace: two organisations (or two clones of the
template) with the same slug in one region never reach for the same name.

The generated code's own ``azureml_endpoint()`` and ``release()`` run for slugs of every
length `new` accepts (1 to 100 characters, letters, digits and single dashes, starting with
a letter) and for many workspaces; the names must satisfy Azure's rule (3 to 32 letters,
digits and dashes, starting with a letter: learn.microsoft.com/azure/machine-learning/
how-to-manage-quotas, endpoint limits) and be the same on every run.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.managed_fakes import (
    AZURE_ENDPOINT,
    AZURE_WORKSPACE,
    MD5,
    forget,
    import_generated,
    pin,
)

pytestmark = pytest.mark.slow
# Azure's rule, with single dashes (the names are DNS labels of the scoring URI).
AZURE_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*")
SLUG = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def slugs(count: int, seed: int = 13) -> list[str]:
    """``count`` slugs that `new` accepts, of every length from 1 to 100 (and dashes
    around the 19th character, where the name cuts the slug)."""
    rng = random.Random(seed)
    found = {"a", "ab-c", "a" * 100, "abcdefghijklmnopqr-stuv", "abcdefghijklmnopqrs-t"}
    while len(found) < count:
        length = rng.randint(1, 100)
        text = rng.choice("abcdefghijklmnopqrstuvwxyz")
        while len(text) < length:
            pool = "abcdefghij0123456789" + ("" if text.endswith("-") else "---")
            text += rng.choice(pool)
        found.add(text.rstrip("-"))
    assert all(SLUG.fullmatch(slug) for slug in found)
    return sorted(found)


def workspace(rng: random.Random, name: str) -> str:
    subscription = "-".join(
        "".join(rng.choice("0123456789abcdef") for _ in range(n)) for n in (8, 4, 4, 4, 12)
    )
    return (
        f"/subscriptions/{subscription}/resourceGroups/{name}-rg"
        f"/providers/Microsoft.MachineLearningServices/workspaces/{name}-ml"
    )


@pytest.fixture
def common(render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """``managed/common.py`` of a fresh Azure managed repository."""
    repo = copy_repo(render(cloud="azure", deploy_target="managed"), tmp_path / "repo")
    yield import_generated(repo, "common", monkeypatch)
    forget()


def test_every_slug_gives_a_valid_name_that_its_workspace_makes_unique(
    common: ModuleType,
) -> None:
    rng = random.Random(7)
    seen: dict[str, tuple[str, str, str]] = {}
    for slug in slugs(400):
        for env, short in (("staging", "stg"), ("production", "prd")):
            ours, theirs = workspace(rng, slug), workspace(rng, slug)
            name = common.azureml_endpoint(slug, env, ours)
            assert 3 <= len(name) <= 32 and AZURE_NAME.fullmatch(name), (slug, name)
            digest = hashlib.sha256(f"{ours}/onlineEndpoints/{slug}-{env}".lower().encode())
            assert name == f"{slug[:19].rstrip('-')}-{short}-{digest.hexdigest()[:8]}"
            # the same workspace, however its id is cased, gives the same name
            assert common.azureml_endpoint(slug, env, ours.upper()) == name
            # another organisation's workspace (same slug, same region) another one
            assert common.azureml_endpoint(slug, env, theirs) != name
            assert name not in seen, (seen.get(name), (slug, env, ours))
            seen[name] = (slug, env, ours)


def test_the_release_names_the_endpoint_after_the_workspace_it_deploys_to(
    common: ModuleType,
) -> None:
    pin("azure://my-ml-project-dvc/files/md5/" + MD5[:2] + "/" + MD5[2:])
    release = common.release("staging", AZURE_WORKSPACE)
    assert release.endpoint == AZURE_ENDPOINT
    assert release.version.startswith(f"{AZURE_ENDPOINT}-")
    # no setting overrides it: Terraform computes the same name (azureml_endpoints)
    assert (
        common.release("staging", {**AZURE_WORKSPACE, "ENDPOINT": "x"}).endpoint == AZURE_ENDPOINT
    )
    other = {**AZURE_WORKSPACE, "AZURE_SUBSCRIPTION_ID": "99999999-1111-2222-3333-444444444444"}
    assert common.release("staging", other).endpoint.startswith("my-ml-project-stg-")
    assert common.release("staging", other).endpoint != AZURE_ENDPOINT


@pytest.mark.parametrize("missing", list(AZURE_WORKSPACE))
def test_a_release_without_its_workspace_is_refused(common: ModuleType, missing: str) -> None:
    pin("azure://my-ml-project-dvc/files/md5/" + MD5[:2] + "/" + MD5[2:])
    settings = {**AZURE_WORKSPACE, missing: ""}
    with pytest.raises(common.DeployError) as refused:
        common.release("staging", settings)
    assert str(refused.value) == f"the setting {missing} is empty (it names the Azure ML workspace)"


def test_an_environment_that_cannot_be_part_of_a_name_is_refused(common: ModuleType) -> None:
    with pytest.raises(common.DeployError) as refused:
        common.azureml_endpoint("my-ml-project", "a-very-long-environment", "/w")
    assert str(refused.value) == (
        "environment 'a-very-long-environment' cannot be part of an Azure ML endpoint's name"
    )


def test_the_deploy_step_passes_the_workspace_and_no_endpoint_name(render: Render) -> None:
    repo = render(cloud="azure", deploy_target="managed")
    cd = yaml.safe_load((repo / ".github/workflows/cd.yml").read_text(encoding="utf-8"))
    deploy = cd["jobs"]["deploy"]
    assert "ENDPOINT" not in deploy["env"]
    (rollout,) = [s for s in deploy["steps"] if str(s.get("name", "")).startswith("Roll the")]
    for name in AZURE_WORKSPACE:
        assert rollout["env"][name] == f"${{{{ vars.{name} }}}}"
