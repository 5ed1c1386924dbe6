"""A pull request that changes the training lock gets two results, CT's retrained model and
the serving image built from the new lock, and both land in deploy/staging.yaml and the
overlay files derived from it. publish.yml publishes them one at a time; the second is
moved onto the tip the first left, with the default branch's pins tool (publish.yml runs
in the default branch's context, where no branch code may run), so that the pin ends with
both and the branch's `pins check` (which regenerates nothing and compares everything)
passes.

Runs here for real: the collect steps of ct.yml and serve-image.yml, the pins tool, and
publish.yml's rebase and publish steps with a bare git remote for GitHub
(``publish_harness``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo, git
from tests.cdct.publish_harness import GitHub, Published
from tests.cdct.test_kustomize import set_identity
from tests.cdct.workflow_steps import job_steps, run_step

MODEL_MD5 = "5f0e9d8c7b6a59483726150f4e3d2c1b"
OLD_MD5 = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
DIGEST = "sha256:" + "cd" * 32
OLD_DIGEST = "sha256:" + "ab" * 32
IMAGES = {
    "aws": "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-project-serve",
    "gcp": "us-central1-docker.pkg.dev/p/r/my-ml-project-serve",
    "azure": "myregistry.azurecr.io/my-ml-project-serve",
}
VARIANTS = [("aws", "kserve"), ("gcp", "managed"), ("azure", "managed"), ("azure", "kserve")]
BRANCH = "bump-sklearn"


def pins(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The branch's own pins tool."""
    return subprocess.run(
        [sys.executable, "-m", "my_ml_project.pins", *args],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo / "src")},
        capture_output=True,
        text=True,
        check=False,
    )


def lock_framework(repo: Path) -> str:
    """``scikit-learn==<version>``: what an image built from the repository's lock holds."""
    script = (
        "from my_ml_project.serving import built_with; print('=='.join(built_with().popitem()))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(repo / "src")}, check=True)  # fmt: skip
    return done.stdout.strip()


def lock_pull_request(github: GitHub, source: Path) -> str:
    """main, then a branch that bumps scikit-learn in the lock; its commit."""
    git(source, "push", "-q", str(github.remote), "HEAD:refs/heads/main")
    work = github.root / "author"
    git(github.root, "clone", "-q", str(github.remote), str(work))
    git(work, "checkout", "-q", "-b", BRANCH)
    lock = work / "requirements.txt"
    text = lock.read_text(encoding="utf-8")
    assert "\nscikit-learn==" in text
    lock.write_text(text.replace("\nscikit-learn==", "\nscikit-learn==9."), encoding="utf-8")
    git(work, "commit", "-q", "-am", "deps: bump scikit-learn")
    git(work, "push", "-q", "origin", BRANCH)
    return github.tip(BRANCH)


def train(repo: Path, md5: str) -> None:
    """What `dvc repro` and `ct propose` write: a dvc.lock of the repository's lock with the
    model ``md5``, the metrics, and `pins update staging`."""
    lock = (repo / "requirements.txt").read_bytes()
    (repo / "dvc.lock").write_text(
        "schema: '2.0'\nstages:\n  train:\n    cmd: python -m my_ml_project.train\n"
        f"    deps:\n    - path: requirements.txt\n      hash: md5\n"
        f"      md5: {hashlib.md5(lock).hexdigest()}\n      size: {len(lock)}\n"
        f"    outs:\n    - path: models/model.joblib\n      hash: md5\n      md5: {md5}\n"
        "      size: 1234\n",
        encoding="utf-8",
    )
    (repo / "metrics.json").write_text('{"accuracy": 0.91, "f1": 0.9}\n', encoding="utf-8")
    updated = pins(repo, "update", "staging")
    assert updated.returncode == 0, updated.stderr


def ct_run(github: GitHub, run: str) -> None:
    """ct.yml's train job on the branch: what `dvc repro` and `ct propose` write (a
    dvc.lock of the new lock, the metrics, `pins update staging`), then its own collect
    step; the artifact ct-result of run ``run``."""
    space, runner = github.workspace(f"ct-{run}")
    repo = github.checkout(space, "repo", BRANCH)
    train(repo, MODEL_MD5)
    (runner / "ct").mkdir(parents=True)
    (runner / "ct/pr-body.md").write_text("Retrained.\n", encoding="utf-8")  # propose's
    script = "from my_ml_project import ct; print('\\n'.join(ct.git_outputs('staging')))"
    paths = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(repo / "src")}, check=True)  # fmt: skip
    workflow = repo / ".github/workflows/ct.yml"
    commit = run_step(job_steps(workflow, "train")["The trained commit"], repo, github.env, runner)
    expressions = {
        "steps.propose.outputs.paths": paths.stdout.strip(),
        "steps.propose.outputs.decision": "proposed",
        "steps.trained.outputs.commit": commit.outputs["commit"],
    }
    collect = job_steps(workflow, "train")["Collect the files for git"]
    collected = run_step(collect, repo, github.env, runner, expressions)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    github.artifacts[run] = runner / "ct-result"


def image_run(github: GitHub, run: str, image: str) -> None:
    """serve-image.yml's pin job on the branch: its pin step (the branch's `pins image` and
    `pins check`) and its collect step; the artifact image-pin of run ``run``."""
    space, runner = github.workspace(f"image-{run}")
    repo = github.checkout(space, "repo", BRANCH)
    (repo / "pins-requirements.txt").write_text("", encoding="utf-8")  # the install step's
    expressions = {
        "needs.build.outputs.image": image,
        "needs.build.outputs.framework": lock_framework(repo),
    }
    steps = job_steps(repo / ".github/workflows/serve-image.yml", "pin")
    for name in ("Pin the image in deploy/staging.yaml and its overlay", "Collect the pin for git"):
        ran = run_step(steps[name], repo, github.env, runner, expressions)
        assert ran.returncode == 0, f"{name}: {ran.stdout}{ran.stderr}"
    github.artifacts[run] = runner / "image-pin"


def setup(
    render: Render, tmp_path: Path, cloud: str, target: str, pinned: bool = False
) -> tuple[GitHub, str]:
    """main (``pinned``: staging already serves a model CT trained, in an image of main's
    lock), and the pull request that bumps the lock; its commit."""
    source = copy_repo(render(cloud=cloud, deploy_target=target), tmp_path / "generated")
    if target == "kserve":  # the overlay serves once the identities are set
        set_identity(source, cloud)
        git(source, "commit", "-q", "-am", "pins identity")
    if pinned:
        train(source, OLD_MD5)
        freeze = tmp_path / "main-freeze.txt"
        freeze.write_text(lock_framework(source) + "\n", encoding="utf-8")
        imaged = pins(
            source, "image", "staging", f"{IMAGES[cloud]}@{OLD_DIGEST}", "--freeze", str(freeze)
        )
        assert imaged.returncode == 0, imaged.stderr
        assert pins(source, "check").returncode == 0
        git(source, "add", "-A")
        git(source, "commit", "-q", "-m", "CT: the model and image staging serves")
    github = GitHub(tmp_path / "github", source / ".github/workflows/publish.yml")
    return github, lock_pull_request(github, source)


def tip_pin(github: GitHub, name: str) -> tuple[Path, dict[str, Any]]:
    space, _ = github.workspace(name)
    repo = github.checkout(space, "repo", BRANCH)
    return repo, yaml.safe_load((repo / "deploy/staging.yaml").read_text(encoding="utf-8"))


def assert_committed(published: Published) -> None:
    assert published.commit is not None, published.rebase.stdout + published.rebase.stderr
    assert published.commit.returncode == 0, published.commit.stdout + published.commit.stderr


@pytest.mark.parametrize("ct_first", [True, False], ids=["ct-first", "image-first"])
@pytest.mark.parametrize(("cloud", "target"), VARIANTS, ids=str)
def test_both_results_of_a_lock_pull_request_land_in_either_order(
    render: Render, tmp_path: Path, cloud: str, target: str, ct_first: bool
) -> None:
    github, trained = setup(render, tmp_path, cloud, target)
    image = f"{IMAGES[cloud]}@{DIGEST}"
    ct_run(github, "ct-1")
    image_run(github, "image-1", image)  # both ran on the same commit
    order = [("ct", "ct-1"), ("serve-image", "image-1")]
    first, second = [
        github.publish(kind, run, BRANCH) for kind, run in order[:: 1 if ct_first else -1]
    ]
    assert_committed(first)
    assert_committed(second)
    assert "the result passes through" in first.rebase.summary
    assert f"(moved since {trained[:12]} by publishers only)" in second.rebase.summary

    repo, pin = tip_pin(github, "after")
    framework = lock_framework(repo)
    name, version = framework.split("==")
    assert pin["model"]["md5"] == MODEL_MD5
    assert pin["serving_image"] == image
    assert pin["serving_framework"] == {name: version} == pin["training_framework"]
    checked = pins(repo, "check")  # every derived file is what the pins imply
    assert (checked.returncode, checked.stderr) == (0, "")
    log = git(repo, "log", "--format=%an %s", f"{trained}..HEAD").splitlines()
    subjects = ["my-ct-app[bot] CT: retrain for this pull request",
                "my-ct-app[bot] Pin the serving image built from this pull request's lock"]  # fmt: skip
    assert log == (subjects[::-1] if ct_first else subjects)
    if target == "kserve":
        serving = (repo / "deploy/overlays/staging/serving/kustomization.yaml").read_text("utf-8")
        assert DIGEST in serving
        patch = (repo / "deploy/overlays/staging/inference-service-patch.yaml").read_text("utf-8")
        assert f"/files/md5/{MODEL_MD5[:2]}/{MODEL_MD5[2:]}" in patch


def test_a_result_whose_branch_moved_in_another_file_is_stale(
    render: Render, tmp_path: Path
) -> None:
    github, trained = setup(render, tmp_path, "aws", "kserve")
    ct_run(github, "ct-1")
    space, _ = github.workspace("author-again")
    author = github.checkout(space, "repo", BRANCH)
    (author / "README.md").write_text("Edited while CT trained.\n", encoding="utf-8")
    git(author, "commit", "-q", "-am", "docs")
    git(author, "push", "-q", "origin", f"HEAD:refs/heads/{BRANCH}")
    moved = github.tip(BRANCH)
    published = github.publish("ct", "ct-1", BRANCH)
    assert published.rebase.returncode == 0, published.rebase.stdout
    assert published.rebase.outputs == {"publish": "false", "tip": moved}
    assert published.rebase.summary == (
        f"ct: stale: the branch moved since {trained[:12]} in README.md (not a publisher's"
        " file); the new commit's own runs publish\n"
    )
    assert published.commit is None and github.tip(BRANCH) == moved


def test_a_result_the_tip_already_holds_and_a_run_without_one_publish_nothing(
    render: Render, tmp_path: Path
) -> None:
    github, _ = setup(render, tmp_path, "gcp", "kserve")
    ct_run(github, "ct-1")
    ct_run(github, "ct-2")  # a second run for the same commit
    assert_committed(github.publish("ct", "ct-1", BRANCH))
    tip = github.tip(BRANCH)
    again = github.publish("ct", "ct-2", BRANCH)
    assert again.rebase.outputs == {"publish": "false", "tip": tip}
    assert again.rebase.summary == (
        f"ct: nothing to publish: the tip {tip[:12]} already holds this result\n"
    )
    none = github.publish("serve-image", "image-never-built", BRANCH)
    assert none.found.outputs == {"found": "false"}
    assert none.found.summary == (
        "serve-image: the run left no result (nothing changed, or nothing to propose):"
        " nothing to publish\n"
    )
    assert github.tip(BRANCH) == tip


def test_the_rebase_job_never_runs_the_branchs_code(render: Render, tmp_path: Path) -> None:
    """A branch whose pins tool runs anything it likes on import (edited, and shadowed by a
    package of the same name at the root, first on sys.path where the cwd is): its own CT and image runs
    execute it (they run the branch's code, and hold nothing), but moving their results
    onto the tip in publish.yml (the default branch's context) imports only main's."""
    github, _ = setup(render, tmp_path, "aws", "kserve")
    marker = tmp_path / "branch-code-ran"
    space, _ = github.workspace("author-tampers")
    author = github.checkout(space, "repo", BRANCH)
    tool = author / "src/my_ml_project/pins.py"
    planted = f"open({str(marker)!r}, 'a').write(__file__ + '\\n')\n"
    tool.write_text(
        tool.read_text(encoding="utf-8").replace(
            "import argparse\n", "import argparse\n" + planted, 1
        ),
        "utf-8",
    )
    shadow = author / "my_ml_project/__init__.py"  # shadows src/ wherever the cwd is on sys.path
    shadow.parent.mkdir()
    shadow.write_text(
        planted + "import os\n__path__.append(os.path.join(os.path.dirname(__file__), "
        "os.pardir, 'src', 'my_ml_project'))\n",
        encoding="utf-8",
    )
    git(author, "add", "my_ml_project")
    git(author, "commit", "-q", "-am", "pins: a planted side effect")
    git(author, "push", "-q", "origin", f"HEAD:refs/heads/{BRANCH}")
    ct_run(github, "ct-1")
    image_run(github, "image-1", f"{IMAGES['aws']}@{DIGEST}")
    assert marker.exists()  # the branch's own runs did run it
    marker.unlink()
    assert_committed(github.publish("serve-image", "image-1", BRANCH))
    second = github.publish("ct", "ct-1", BRANCH)  # re-applied with `pins update staging`
    assert_committed(second)
    assert "by publishers only" in second.rebase.summary
    assert not marker.exists()
    repo, pin = tip_pin(github, "after")
    assert pin["model"]["md5"] == MODEL_MD5
    assert pin["serving_image"] == f"{IMAGES['aws']}@{DIGEST}"
    checked = pins(repo, "check")  # main's tool wrote what the branch's tool expects
    assert (checked.returncode, checked.stderr) == (0, "")


PIN_FILES = [
    "deploy/staging.yaml",
    "deploy/overlays/staging/inference-service-patch.yaml",
    "deploy/overlays/staging/serving/kustomization.yaml",
]


@pytest.mark.parametrize(("cloud", "target"), [("aws", "kserve"), ("gcp", "managed")], ids=str)
def test_a_lock_pull_request_over_a_pinned_model_gets_the_same_pin_in_either_order(
    render: Render, tmp_path: Path, cloud: str, target: str
) -> None:
    """Staging already serves a model: until CT commits, the lock change makes the
    training record stale, which must not stop the image's pin job (its `pins check`) nor
    its re-apply; and both orders give the same bytes, citing the trained commit."""
    github, trained = setup(render, tmp_path, cloud, target, pinned=True)
    space, _ = github.workspace("author-second-branch")
    author = github.checkout(space, "repo", BRANCH)
    git(author, "push", "-q", "origin", f"HEAD:refs/heads/{BRANCH}-2")
    old, new = (lock_framework(repo).split("==")[1] for repo in (tmp_path / "generated", author))
    stale = pins(author, "check")  # the branch's CI: neither CT nor the image has committed
    assert (stale.returncode, stale.stderr) == (1, (
        "deploy/staging.yaml: training_framework differs from dvc.lock (run `pins update staging`)\n"
        f"deploy/staging.yaml: serving_framework scikit-learn {old} is not the lock's {new}"
        " (rebuild the image: serve-image.yml)\n"
    ))  # fmt: skip
    image = f"{IMAGES[cloud]}@{DIGEST}"
    ct_run(github, "ct-1")
    image_run(github, "image-1", image)
    for branch, order in ((BRANCH, ("ct", "serve-image")), (f"{BRANCH}-2", ("serve-image", "ct"))):
        for kind in order:
            published = github.publish(kind, "ct-1" if kind == "ct" else "image-1", branch)
            assert_committed(published)
    first, _ = tip_pin(github, "ct-first")
    second = github.checkout(github.workspace("image-first")[0], "repo", f"{BRANCH}-2")
    for repo in (first, second):
        checked = pins(repo, "check")
        assert (checked.returncode, checked.stderr) == (0, "")
    for path in PIN_FILES:
        assert (first / path).exists() == (second / path).exists(), path
        if (first / path).exists():
            assert (first / path).read_bytes() == (second / path).read_bytes(), path
    pin = yaml.safe_load((first / "deploy/staging.yaml").read_text(encoding="utf-8"))
    assert (pin["model"]["md5"], pin["serving_image"]) == (MODEL_MD5, image)
    assert pin["source"]["commit"] == trained


def test_the_image_steps_check_skips_only_the_training_record(
    render: Render, tmp_path: Path
) -> None:
    """`pins check --skip-training` (serve-image.yml's pin job, the image's re-apply) leaves
    out what `pins update` writes, and still checks the image's framework against the lock
    and every overlay against the pin."""
    github, _ = setup(render, tmp_path, "aws", "kserve", pinned=True)
    repo = github.checkout(github.workspace("pin-job")[0], "repo", BRANCH)
    (repo / "freeze.txt").write_text(lock_framework(tmp_path / "generated") + "\n", "utf-8")
    image = f"{IMAGES['aws']}@{DIGEST}"
    assert pins(repo, "image", "staging", image, "--freeze", "freeze.txt").returncode == 0
    old, new = (lock_framework(r).split("==")[1] for r in (tmp_path / "generated", repo))
    wrong = pins(repo, "check", "--skip-training")  # an image of main's lock, not the branch's
    assert (wrong.returncode, wrong.stderr) == (1, (
        f"deploy/staging.yaml: serving_framework scikit-learn {old} is not the lock's {new}"
        " (rebuild the image: serve-image.yml)\n"
    ))  # fmt: skip
    (repo / "freeze.txt").write_text(lock_framework(repo) + "\n", "utf-8")
    assert pins(repo, "image", "staging", image, "--freeze", "freeze.txt").returncode == 0
    assert pins(repo, "check", "--skip-training").returncode == 0
    assert pins(repo, "check").stderr == (
        "deploy/staging.yaml: training_framework differs from dvc.lock (run `pins update staging`)\n"
    )
    serving = repo / "deploy/overlays/staging/serving/kustomization.yaml"
    serving.write_text(serving.read_text("utf-8").replace(DIGEST, OLD_DIGEST), "utf-8")
    drifted = pins(repo, "check", "--skip-training")
    assert (drifted.returncode, drifted.stderr) == (1, (
        "deploy/overlays/staging/serving/kustomization.yaml: not what deploy/staging.yaml"
        " implies (run `pins sync`)\n"
    ))  # fmt: skip


def test_pins_update_cites_only_a_commit_of_heads_history(render: Render, tmp_path: Path) -> None:
    """publish.yml re-applies CT's result with `pins update staging --commit <trained>`: a
    commit that is no ancestor of HEAD (or no commit) is refused, and nothing is written."""
    github, trained = setup(render, tmp_path, "gcp", "managed", pinned=True)
    repo = github.checkout(github.workspace("reapply")[0], "repo", BRANCH)
    git(repo, "commit", "-q", "--allow-empty", "-m", "the tip")
    git(repo, "checkout", "-q", "-b", "side", f"{trained}~1")
    git(repo, "commit", "-q", "--allow-empty", "-m", "elsewhere")
    side = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-")
    before = (repo / "deploy/staging.yaml").read_bytes()
    for commit in (side, "f" * 40, trained[:12], trained.upper(), "-h"):
        done = pins(repo, "update", "staging", f"--commit={commit}")
        assert (done.returncode, done.stderr) == (
            1,
            f"pins update: --commit {commit!r} is no commit of HEAD's history (40 hex digits)\n",
        ), commit
        assert (repo / "deploy/staging.yaml").read_bytes() == before
    train(repo, MODEL_MD5)  # with HEAD by default
    head = git(repo, "rev-parse", "HEAD").strip()
    assert (
        yaml.safe_load((repo / "deploy/staging.yaml").read_text("utf-8"))["source"]["commit"]
        == head
    )
    git(repo, "checkout", "-q", "--", "deploy")  # main's pin again, of another model
    done = pins(repo, "update", "staging", "--commit", trained)
    assert (done.returncode, done.stdout) == (0, "updated deploy/staging.yaml\n")
    assert (
        yaml.safe_load((repo / "deploy/staging.yaml").read_text("utf-8"))["source"]["commit"]
        == trained
    )


PLAN = "Train unless this is a fork's pull request or CT's own commit"


def plan(github: GitHub, name: str, base: str) -> tuple[str, str]:
    """ct.yml's plan step on the pull request's tip: (train, the summary)."""
    space, runner = github.workspace(name)
    repo = github.checkout(space, "repo", BRANCH)
    expressions = {
        "github.event_name": "pull_request",
        "github.event.pull_request.base.sha || github.event.before": base,
        "github.event.pull_request.head.repo.full_name": "my-org/my-ml-project",
        "vars.DVC_REMOTE_ENABLED": "true",
        "vars.CT_APP_ID": "12345",
    }
    ran = run_step(job_steps(repo / ".github/workflows/ct.yml", "plan")[PLAN], repo, github.env,
                   runner, expressions)  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return ran.outputs["train"], ran.summary


@pytest.mark.parametrize("ct_first", [True, False], ids=["ct-first", "image-first"])
def test_ct_does_not_retrain_for_the_publishers_commits_but_for_a_persons(
    render: Render, tmp_path: Path, ct_first: bool
) -> None:
    """The App's commits (CT's retraining, the image's pin) leave the lock changed against
    main: by subject alone CT trained again for nothing. publish.yml's trailer with the
    bot's author stops that, whichever lands last; a person's push after them trains."""
    github, _ = setup(render, tmp_path, "aws", "kserve")
    base = github.tip("main")
    assert plan(github, "plan-author", base)[0] == "true"
    ct_run(github, "ct-1")
    image_run(github, "image-1", f"{IMAGES['aws']}@{DIGEST}")
    skipped = (
        "CT: train=false (the head commit is publish.yml's (CT's retraining or the serving"
        " image's pin): nothing new to train)\n"
    )
    for kind in ("ct", "serve-image")[:: 1 if ct_first else -1]:
        assert_committed(github.publish(kind, "ct-1" if kind == "ct" else "image-1", BRANCH))
        assert plan(github, f"plan-after-{kind}", base) == ("false", skipped)
    space, _ = github.workspace("person")
    person = github.checkout(space, "repo", BRANCH)
    trailer = git(person, "log", "-1", "--format=%(trailers:key=Published-by,valueonly)")
    assert trailer.strip() == f"publish.yml ({'serve-image' if ct_first else 'ct'})"
    # A person who copies the App's message (trailer and all) is still no bot: CT trains.
    message = git(person, "log", "-1", "--format=%B")
    (person / "README.md").write_text("A person's change.\n", encoding="utf-8")
    git(person, "commit", "-q", "-am", message)
    git(person, "push", "-q", "origin", f"HEAD:refs/heads/{BRANCH}")
    assert plan(github, "plan-person", base) == ("true", "CT: train=true (trigger: pull_request)\n")


def test_a_second_image_is_reapplied_before_ct_has_retrained(
    render: Render, tmp_path: Path
) -> None:
    """Two image runs for one commit of a lock pull request over a pinned model (a re-run
    that rebuilt): the second is re-applied on the first's pin while the training record is
    still stale (CT has not committed), which must not stop it."""
    github, trained = setup(render, tmp_path, "aws", "kserve", pinned=True)
    first, second = f"{IMAGES['aws']}@{DIGEST}", f"{IMAGES['aws']}@sha256:{'ef' * 32}"
    image_run(github, "image-1", first)
    image_run(github, "image-2", second)
    assert_committed(github.publish("serve-image", "image-1", BRANCH))
    again = github.publish("serve-image", "image-2", BRANCH)
    assert_committed(again)
    assert f"(moved since {trained[:12]} by publishers only)" in again.rebase.summary
    repo, pin = tip_pin(github, "after")
    assert pin["serving_image"] == second and pin["model"]["md5"] == OLD_MD5
    assert "sha256:" + "ef" * 32 in (
        repo / "deploy/overlays/staging/serving/kustomization.yaml"
    ).read_text("utf-8")
    assert pins(repo, "check", "--skip-training").returncode == 0
