"""``mlrig update --to``: a bundled release by version, commit or short commit; anything
else is refused with the releases that can be named and how to name a fork's commit."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO_ROOT, RunMlrig
from tests.generate.conftest import new_committed_repo

INDEX = json.loads((REPO_ROOT / "templates" / "releases" / "index.json").read_text())["ml-repo"]


def listing() -> str:
    from toolkit import __version__
    from toolkit.resources import template_commit, template_dir

    installed = template_dir("ml-repo")
    version = json.loads((installed / "cookiecutter.json").read_text())["_template_version"]
    shown = [f"{r['version']} ({r['commit'][:12]})" for r in INDEX]
    shown.append(f"{version} ({template_commit(installed)[:12]}, installed)")
    return (
        f"mlrig {__version__} carries {', '.join(shown)}; for a commit of a fork, name its git "
        "repository: --template <git URL> --to <commit>"
    )


def test_an_unknown_version_lists_what_can_be_named(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    repo = new_committed_repo(run_mlrig, tmp_path)
    for wrong in ("9.9.9", "v0.0.7", "deadbeef0"):
        result = run_mlrig("update", "-C", repo, "--to", wrong, "--dry-run")
        assert (result.code, result.out) == (2, "")
        assert result.err == (
            f"mlrig: error: --to {wrong!r}: not a release of the template nor a commit here; "
            f"{listing()}\n"
        )


def test_a_short_commit_of_a_bundled_release_selects_it(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = new_committed_repo(run_mlrig, tmp_path)
    release = INDEX[0]
    result = run_mlrig(
        "update", "-C", repo, "--to", release["commit"][:7], "--dry-run", "--allow-downgrade"
    )
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1].startswith(
        f"Dry run: downgrading to template ml-repo {release['version']} "
        f"({release['commit'][:12]}) would change "
    )
