"""Names Azure takes worldwide (storage accounts, container registries, key vaults) end in
the repository's ``azure_name_suffix``, fit their limits for every slug and suffix `new`
accepts, and differ between two repositories that share a project name.

The suffix is an answer fixed at generation (``.dvc/config`` and the state backend need
the names before Terraform runs), so the names are evaluated by cookiecutter's own
rendering of ``cookiecutter.json``, the engine that writes them into the files.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import RunMlrig
from tests.terraform.conftest import render
from tests.terraform.name_inventory import INVENTORY, LIMITS, WORLDWIDE, WORLDWIDE_KINDS
from tests.terraform.test_name_limits import TEMPLATE, _files, misfits
from toolkit.generate.render import resolve_answers

SLUG_MAX = 100
AZURE = [variant for variant in INVENTORY if variant[0] == "azure"]


def worldwide(slug: str, **answers: str) -> dict[str, list[str]]:
    """Each worldwide name of ``slug`` by kind, with every ending the root adds."""
    given = {"project_slug": slug, "cloud": "azure", **answers}
    resolved = resolve_answers(TEMPLATE, given)
    names: dict[str, list[str]] = {}
    for key, (kind, endings) in WORLDWIDE.items():
        names.setdefault(kind, []).extend(f"{resolved[key]}{end}" for end in endings)
    return names


def rendered_worldwide(repo: Path, variant: tuple[str, str]) -> list[str]:
    """The worldwide names the inventory finds in ``repo``'s rendered root."""
    files = _files(repo, "azure")
    found = []
    for entry in INVENTORY[variant]:
        if entry.kind in WORLDWIDE_KINDS:
            captured = re.search(entry.text, files[entry.file], re.MULTILINE)
            assert captured, f"{entry.file}: {entry.text!r}"
            found += [name.format(m=captured.group(1)) for name in entry.names]
    return found


def test_every_worldwide_name_fits_for_every_slug_and_suffix() -> None:
    """Slugs of 1 to 100 characters (with and without dashes at each cut), each with no
    suffix (mlrig 0.7's names), the default one and the longest one accepted."""
    slugs = sorted(
        {s for n in range(1, SLUG_MAX + 1) for s in ("a" * n, ("ab-" * 40)[: n - 1] + "c")}
    )
    found = []
    for slug in slugs:
        for suffix in (None, "", "z9z9z9z9"):
            given = {} if suffix is None else {"azure_name_suffix": suffix}
            for kind, names in worldwide(slug, **given).items():
                found += [f"{slug} {suffix!r}: {m}" for m in misfits(kind, names)]
    assert found == []
    assert set(WORLDWIDE_KINDS) <= set(LIMITS)


def suffix_of(repository: str) -> str:
    """The default suffix as ``cookiecutter.json`` computes it in Jinja: a polynomial hash
    of ``owner/slug`` (the owner in lower case) modulo 2**61 - 1, its 6 lowest base-36 digits."""
    alphabet, digits, value = (
        "-/0123456789abcdefghijklmnopqrstuvwxyz",
        "0123456789abcdefghijklmnopqrstuvwxyz",
        0,
    )
    for char in repository:
        value = (value * 131 + alphabet.find(char) + 1) % (2**61 - 1)
    return "".join(digits[value // 36**i % 36] for i in range(6))


def test_the_default_suffix_is_a_hash_of_owner_and_slug() -> None:
    resolved = resolve_answers(TEMPLATE, {"cloud": "azure", "github_owner": "Acme-Corp"})
    assert resolved["azure_name_suffix"] == suffix_of("acme-corp/my-ml-project") == "pl1ale"
    assert worldwide("my-ml-project", github_owner="Acme-Corp") == {
        "azure storage account": [
            "mymlprojectdvcpl1ale",
            "mymlprojecttfstatepl1ale",
            "mymlprojectmlpl1alestg",
            "mymlprojectmlpl1aleprd",
        ],
        "azure container registry": ["mymlprojectservepl1ale"],
        "azure key vault": ["my-ml-proj-kvpl1ale-stg", "my-ml-proj-kvpl1ale-prd"],
    }
    other = resolve_answers(TEMPLATE, {"cloud": "aws", "github_owner": "Acme-Corp"})
    assert other["azure_name_suffix"] == ""


def test_owners_and_slugs_of_every_length_get_their_own_suffix() -> None:
    """No two of 1,000 repositories (10 owners, slugs of 1 to 100 characters) share a suffix."""
    owners = [f"org-{n}" for n in range(10)]
    slugs = ["a" * n for n in range(1, SLUG_MAX + 1)]
    suffixes = {suffix_of(f"{owner}/{slug}") for owner in owners for slug in slugs}
    assert len(suffixes) == len(owners) * len(slugs)
    for owner, slug in [(owners[3], slugs[0]), (owners[9], slugs[-1])]:
        resolved = resolve_answers(
            TEMPLATE, {"cloud": "azure", "github_owner": owner, "project_slug": slug}
        )
        assert resolved["azure_name_suffix"] == suffix_of(f"{owner}/{slug}")


def test_an_empty_suffix_keeps_the_names_of_earlier_releases() -> None:
    assert worldwide("my-ml-project", azure_name_suffix="") == {
        "azure storage account": [
            "mymlprojectdvc",
            "mymlprojecttfstate",
            "mymlprojectmlstg",
            "mymlprojectmlprd",
        ],
        "azure container registry": ["mymlprojectserve"],
        "azure key vault": ["my-ml-project-kv-stg", "my-ml-project-kv-prd"],
    }


@pytest.mark.parametrize("variant", AZURE, ids="-".join)
def test_two_owners_of_the_default_project_get_different_worldwide_names(
    variant: tuple[str, str], tmp_path: Path
) -> None:
    owners = ("org-one", "org-two")
    repos = [
        render(tmp_path / owner, cloud="azure", deploy_target=variant[1], github_owner=owner)
        for owner in owners
    ]
    names = [rendered_worldwide(repo, variant) for repo in repos]
    assert [repo.name for repo in repos] == ["my-ml-project", "my-ml-project"]
    assert set(names[0]).isdisjoint(names[1])
    for repo, owner, found in zip(repos, owners, names, strict=True):
        expected = worldwide(repo.name, github_owner=owner)
        assert set(found) <= {name for kind in expected.values() for name in kind}
        account = expected["azure storage account"][0]
        config = (repo / ".dvc" / "config").read_text(encoding="utf-8")
        assert f"    account_name = {account}\n" in config
        assert account in found


def test_a_suffix_azure_would_refuse_is_refused(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    answers = ["--set", "cloud=azure", "--set", "azure_name_suffix=Ab_1"]
    result = run_mlrig("new", "--no-input", "-o", tmp_path, *answers)
    assert result.code == 1
    assert result.err == (
        "mlrig: error: invalid answers: azure_name_suffix 'Ab_1' is not "
        "at most 8 lower-case letters or digits\n"
    )
    assert list(tmp_path.iterdir()) == []


def _commit(repo: Path) -> None:
    for command in (["add", "-A"], ["commit", "-qm", "step"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *command],
            cwd=repo,
            check=True,
        )


def test_an_update_from_0_7_keeps_the_names_its_data_lives_under(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    """A repository of 0.7.0 (the names without a suffix, no azure_name_suffix answer)
    keeps its storage accounts, registry and vaults through a plain update: a new default
    must not point .dvc/config at an empty account. Moving to unique names is a choice
    (``--set azure_name_suffix=...``), which the dry run shows before anything is written."""
    repo = render(tmp_path, cloud="azure", deploy_target="managed")
    subprocess.run(["git", "init", "-qb", "main"], cwd=repo, check=True)
    _commit(repo)
    assert run_mlrig("update", "-C", repo, "--to", "0.7.0", "--allow-downgrade").code == 0
    _commit(repo)
    config = repo / ".dvc" / "config"
    assert "    account_name = mymlprojectdvc\n" in config.read_text(encoding="utf-8")
    assert "azure_name_suffix" not in (repo / ".mlrig-answers.yml").read_text(encoding="utf-8")
    kept = run_mlrig("update", "-C", repo)
    assert kept.code == 0, kept.out
    assert ".dvc/config" not in kept.out
    assert "    account_name = mymlprojectdvc\n" in config.read_text(encoding="utf-8")
    legacy = sorted(
        n for names in worldwide(repo.name, azure_name_suffix="").values() for n in names
    )
    assert sorted(rendered_worldwide(repo, ("azure", "managed"))) == legacy
    assert "  azure_name_suffix: ''\n" in (repo / ".mlrig-answers.yml").read_text(encoding="utf-8")
    _commit(repo)
    moved = run_mlrig("update", "-C", repo, "--dry-run", "--set", "azure_name_suffix=abc123")
    assert moved.code == 0
    assert "would update .dvc/config\n" in moved.out


def test_a_new_owner_keeps_the_recorded_suffix_unless_it_is_set(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    """The default suffix follows the owner, but a storage account cannot be renamed: an
    update that changes github_owner keeps the recorded suffix and every worldwide name;
    setting the suffix itself moves them."""
    repo = render(tmp_path, cloud="azure", deploy_target="managed")
    subprocess.run(["git", "init", "-qb", "main"], cwd=repo, check=True)
    _commit(repo)
    config = repo / ".dvc" / "config"
    before = config.read_text(encoding="utf-8")
    done = run_mlrig("update", "-C", repo, "--set", "github_owner=someone-else")
    assert done.code == 0, done.out
    assert ".dvc/config" not in done.out
    assert config.read_text(encoding="utf-8") == before
    _commit(repo)
    moved = run_mlrig("update", "-C", repo, "--dry-run", "--set", "azure_name_suffix=abc123")
    assert "would update .dvc/config\n" in moved.out
