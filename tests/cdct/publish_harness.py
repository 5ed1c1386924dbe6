"""publish.yml run locally: its ``rebase`` and ``publish`` jobs' own ``run:`` steps, with a
bare git remote standing in for GitHub.

The ``uses:`` steps are stood in for by what they do: actions/checkout clones the remote
(the branch's tip, a commit, or the default branch as ``trusted/``), download-artifact
and upload-artifact copy folders of an artifact store, create-github-app-token gives a
token. Pushes to ``https://x-access-token:<token>@github.com/<repo>.git`` reach the bare
remote through ``url.<bare>.insteadOf``. The source runs (ct.yml's train job,
serve-image.yml's pin job) run their own collect steps the same way.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.cdct.conftest import git
from tests.cdct.workflow_steps import Ran, job_steps, run_step

REPOSITORY = "my-org/my-ml-project"
TOKEN = "ghs_publish-test-token"
KIND = (
    "(github.event.workflow_run.path == '.github/workflows/ct.yml'"
    " || startsWith(github.event.workflow_run.path, '.github/workflows/ct.yml@'))"
    " && 'ct' || 'serve-image'"
)
WORKFLOW_PATH = {
    "ct": ".github/workflows/ct.yml",
    "serve-image": ".github/workflows/serve-image.yml",
}
ACCEPT = {"ct": "Accept only the files CT writes", "serve-image": "Accept only the pin files"}


@dataclass
class Published:
    """What one publish.yml run did: the rebase job's step, and the publish job's commit
    (None when the rebase job left nothing to publish)."""

    rebase: Ran
    found: Ran
    accepted: Ran | None = None
    commit: Ran | None = None
    repo: Path | None = None  # the publish job's checkout, the accepted files in it


@dataclass
class GitHub:
    """A bare remote, the artifacts of finished runs, and a place for job workspaces."""

    root: Path
    workflow: Path  # the default branch's publish.yml
    artifacts: dict[str, Path] = field(default_factory=dict)
    jobs: int = 0

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.remote = self.root / "remote.git"
        git(self.root, "init", "-q", "--bare", str(self.remote))
        self.gitconfig = self.root / "gitconfig"
        pushed = f"https://x-access-token:{TOKEN}@github.com/{REPOSITORY}.git"
        self.gitconfig.write_text(
            f'[url "{self.remote}"]\n\tinsteadOf = {pushed}\n'
            "[user]\n\tname = t\n\temail = t@example.invalid\n",
            encoding="utf-8",
        )

    @property
    def env(self) -> dict[str, str]:
        bindir = str(Path(sys.executable).parent)  # `python`: setup-python's, with the pins deps
        return {
            "GIT_CONFIG_GLOBAL": str(self.gitconfig),
            "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_EVENT_NAME": "workflow_run",
        }

    def workspace(self, name: str) -> tuple[Path, Path]:
        """A fresh job workspace and its runner temp folder."""
        self.jobs += 1
        space = self.root / f"{self.jobs:02d}-{name}"
        space.mkdir()
        return space, self.root / f"{self.jobs:02d}-{name}-runner-temp"

    def checkout(self, space: Path, path: str, ref: str) -> Path:
        """actions/checkout of ``ref`` (a branch or a commit) into ``space/path``."""
        target = space / path
        git(space, "clone", "-q", str(self.remote), str(target))
        git(target, "checkout", "-q", "--detach", ref if len(ref) == 40 else f"origin/{ref}")
        return target

    def tip(self, branch: str) -> str:
        return git(self.remote, "rev-parse", f"refs/heads/{branch}").strip()

    def step(self, job: str, name: str, where: tuple[Path, Path], values: dict[str, str]) -> Ran:
        """A step of the default branch's publish.yml in the workspace ``where``."""
        space, runner = where
        return run_step(job_steps(self.workflow, job)[name], space, self.env, runner, values)

    def publish(self, kind: str, source_run: str, branch: str, commit: str = "") -> Published:
        """publish.yml for the finished run ``source_run`` of ``kind``: a pull request's
        run on ``branch``, or (``commit`` given) a run on main, which the publish job
        proposes by pull request (create-pull-request is the caller's to stand in for)."""
        space, runner = self.workspace(f"rebase-{source_run}")
        artifact = self.artifacts.get(source_run)
        if artifact is not None:  # download-artifact by pattern: nothing when there is none
            shutil.copytree(artifact, runner / "result")
        kind_expr = {KIND: kind}
        found = self.step(
            "rebase", "Whether there is anything to publish", (space, runner), kind_expr
        )
        assert found.returncode == 0, found.stdout + found.stderr
        if found.outputs["found"] != "true":
            return Published(found, found)
        self.checkout(space, "repo", commit or branch)
        self.checkout(space, "trusted", "main")
        rebase = self.step(
            "rebase", "Move the result onto the branch's tip", (space, runner), kind_expr
        )
        if rebase.returncode or rebase.outputs.get("publish") != "true":
            return Published(rebase, found)
        rebased = self.root / f"artifact-rebased-{self.jobs:02d}-{source_run}"
        shutil.copytree(runner / "rebased/result", rebased)  # upload-artifact
        return self._commit(kind, Published(rebase, found), rebased, "" if commit else branch)

    def _commit(self, kind: str, done: Published, rebased: Path, branch: str) -> Published:
        """The publish job: check the tip, accept, and on a pull request's branch commit and
        push (never forced)."""
        rebase = done.rebase
        space, runner = self.workspace("publish")
        tip = rebase.outputs["tip"]
        tip_value = {"needs.rebase.outputs.tip": tip}
        checked = self.step(
            "publish", "The commit the rebase job built on", (space, runner), tip_value
        )
        assert checked.returncode == 0, checked.stdout
        self.checkout(space, "trusted", "main")
        done.repo = self.checkout(space, "repo", tip)
        shutil.copytree(rebased, runner / "result")
        done.accepted = accepted = self.step("publish", ACCEPT[kind], (space, runner), {})
        if accepted.returncode or not branch:
            return done
        outputs = {f"steps.accept-{'ct' if kind == 'ct' else 'image'}.outputs.{k}": v
                   for k, v in accepted.outputs.items()}  # fmt: skip
        expressions = {
            "steps.app-token.outputs.token": TOKEN,
            "steps.app-token.outputs.app-slug": "my-ct-app",
            "github.event.workflow_run.head_branch": branch,
            "github.event.repository.default_branch": "main",
            KIND: kind,
            "steps.accept-image.outputs.image": outputs.get("steps.accept-image.outputs.image", ""),
            "steps.accept-ct.outputs.paths || steps.accept-image.outputs.paths": accepted.outputs[
                "paths"
            ],
        }
        done.commit = self.step(
            "publish", "Commit the result to the pull request", (space, runner), expressions
        )
        return done
