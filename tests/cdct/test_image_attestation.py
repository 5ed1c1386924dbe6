"""A pinned serving image must be the one serve-image.yml built: serve-image.yml attests each
digest it pushes, and the steps that let a pin reach a cluster or an endpoint (managed
cd.yml before it deploys, verify-image.yml on KServe pull requests and on main) run
``gh attestation verify`` on the pin's digest and stop when it fails.

Only an attestation made by a run on main counts (``--source-ref refs/heads/main``): a pull
request's run may push an image (its author controls the workflow file at the merge ref), and
an attestation it made names the pull request's ref.

gh cannot reach GitHub here, so the steps run (as GitHub's runner runs them) against a
stand-in ``gh`` that records its arguments and its token and answers as gh does: exit 0
for a digest attested at the ref asked for (``ATTESTED`` lists ``digest`` for main's,
``digest=ref`` for another ref's), 1 for any other.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo, git
from tests.cdct.test_kustomize import from_lock, pin_model, pins, set_identity
from tests.cdct.workflow_steps import Ran, job_steps, run_step

ATTEST = "actions/attest-build-provenance@a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32 # v4.1.0"
STEP = "The pinned serving image was built and attested by serve-image.yml"
REPOSITORY = "acme/my-ml-project"
DIGEST = "sha256:" + "ab" * 32
IMAGE = f"123456789012.dkr.ecr.us-east-1.amazonaws.com/my-ml-project-serve@{DIGEST}"
MD5 = "50e15d6997ce472513fd07c08e97264f"
STUB = """#!{python}
import json, os, sys
with open(os.environ["GH_RECORD"], "a", encoding="utf-8") as record:
    record.write(json.dumps({{"args": sys.argv[1:], "token": os.environ.get("GH_TOKEN")}}) + "\\n")
args = sys.argv[1:]
digest = args[2].rsplit("@", 1)[-1]
wanted = args[args.index("--source-ref") + 1] if "--source-ref" in args else None
refs = [e.partition("=")[2] or "refs/heads/main" for e in os.environ.get("ATTESTED", "").split()
        if e.partition("=")[0] == digest]
if any(wanted in (None, ref) for ref in refs):
    print("Verification succeeded!")
    sys.exit(0)
if refs:
    print(f"Error: verifying with issuer: expected SourceRepositoryRef to be {{wanted}}, got {{refs[0]}}",
          file=sys.stderr)
    sys.exit(1)
print(f"Error: failed to fetch attestations for subject: {{digest}}", file=sys.stderr)
sys.exit(1)
"""


def gh_calls(record: Path) -> list[dict[str, Any]]:
    lines = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
    return [json.loads(line) for line in lines]


def verify_args(image: str) -> list[str]:
    return [
        "attestation",
        "verify",
        f"oci://{image}",
        "--repo",
        REPOSITORY,
        "--signer-workflow",
        f"{REPOSITORY}/.github/workflows/serve-image.yml",
        "--source-ref",
        "refs/heads/main",
        "--deny-self-hosted-runners",
    ]


def refused(image: str, workflow: str = "cd.yml") -> str:
    whose = (
        "run on main (refs/heads/main), nor from this pull request's own run, on a GitHub-hosted"
        " runner:"
        if workflow == "verify-image.yml"
        else "run on main (refs/heads/main) on a GitHub-hosted runner, and an image a pull"
        " request built has none:"
    )
    return (
        f"::error file=deploy/staging.yaml::{image} has no provenance attestation from"
        f" serve-image.yml of {REPOSITORY} {whose} not deployed. Merge the pull"
        " request that serve-image.yml opens from main with its own pin of this lock's image"
        " (or run serve-image.yml on main)"
    )


def install_gh(tmp_path: Path) -> Path:
    """The stand-in gh, in a folder of its own to put on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    stub = bin_dir / "gh"
    stub.write_text(STUB.format(python=sys.executable), encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    return bin_dir


OWN_REF = (
    "github.event_name == 'pull_request'"
    " && format('refs/pull/{0}/merge', github.event.pull_request.number) || ''"
)


def run_verify(
    repo: Path, tmp_path: Path, workflow: str, job: str, attested: str, *, event: str = "push"
) -> Ran:
    """Run the workflow's verification step in ``repo`` with the stand-in gh on PATH, for a
    ``push`` or (pull request number 7) a ``pull_request`` event."""
    bin_dir = install_gh(tmp_path)
    step = job_steps(repo / ".github/workflows" / workflow, job)[STEP]
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_REPOSITORY": REPOSITORY,
        "GH_RECORD": str(tmp_path / "gh-calls.jsonl"),
        "ATTESTED": attested,
        "GITHUB_EVENT_NAME": event,
    }
    expressions = {"github.token": "ghs_job_token", "matrix.environment": "staging"}
    if workflow == "verify-image.yml":
        expressions[OWN_REF] = "refs/pull/7/merge" if event == "pull_request" else ""
    return run_step(step, repo, env, tmp_path / "runner", expressions)


def pinned_repo(render: Render, tmp_path: Path, target: str, image: str = IMAGE) -> Path:
    repo = copy_repo(render(cloud="aws", deploy_target=target), tmp_path / "repo")
    pin_model(repo, "staging", MD5, f"s3://my-ml-project-dvc/files/md5/50/{MD5[2:]}")
    done = pins(repo, "image", "staging", image, *from_lock(repo))
    assert done.returncode == 0, done.stderr
    return repo


@pytest.mark.parametrize(
    ("target", "workflow", "job"),
    [("kserve", "verify-image.yml", "verify"), ("managed", "cd.yml", "deploy")],
)
def test_an_attested_digest_passes_and_any_other_stops_the_job(
    render: Render, tmp_path: Path, target: str, workflow: str, job: str
) -> None:
    repo = pinned_repo(render, tmp_path, target)
    record = tmp_path / "gh-calls.jsonl"
    ran = run_verify(repo, tmp_path, workflow, job, attested=DIGEST)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    calls = gh_calls(record)
    assert calls == [{"args": verify_args(IMAGE), "token": "ghs_job_token"}]
    assert (
        f"deploy/staging.yaml: `{IMAGE}` was built by serve-image.yml of {REPOSITORY} on main"
        in ran.summary
    )

    record.unlink()
    ran = run_verify(repo, tmp_path, workflow, job, attested="sha256:" + "cd" * 32)
    assert ran.returncode == 1
    asked = [verify_args(IMAGE)]  # on main (a push), main's attestation alone
    assert gh_calls(record) == [{"args": args, "token": "ghs_job_token"} for args in asked]
    assert ran.stdout.splitlines()[-1] == refused(IMAGE, workflow)
    assert "failed to fetch attestations" in ran.stderr


@pytest.mark.parametrize("case", [("managed", "cd.yml", "deploy")])
@pytest.mark.parametrize("ref", ["refs/pull/7/merge", "refs/heads/feature"])
def test_an_image_attested_by_a_run_off_main_is_not_deployed(
    render: Render, tmp_path: Path, case: tuple[str, str, str], ref: str
) -> None:
    """Anyone who can push a branch can have serve-image.yml (as their branch has it) build
    and attest an image: that attestation names their ref, and a pin of it stops the job
    with the cause and the fix."""
    target, workflow, job = case
    repo = pinned_repo(render, tmp_path, target)
    ran = run_verify(repo, tmp_path, workflow, job, attested=f"{DIGEST}={ref}")
    assert ran.returncode == 1
    assert gh_calls(tmp_path / "gh-calls.jsonl") == [
        {"args": verify_args(IMAGE), "token": "ghs_job_token"}
    ]
    assert ran.stdout.splitlines()[-1] == refused(IMAGE)
    assert ran.stderr == (
        "Error: verifying with issuer: expected SourceRepositoryRef to be refs/heads/main,"
        f" got {ref}\n"
    )
    assert "was built by" not in ran.summary


@pytest.mark.parametrize(
    ("target", "workflow", "job"),
    [("kserve", "verify-image.yml", "verify"), ("managed", "cd.yml", "deploy")],
)
def test_attestations_off_skips_attest_and_check_together_and_says_so(
    render: Render, tmp_path: Path, target: str, workflow: str, job: str
) -> None:
    """A private repository without GitHub Enterprise Cloud cannot attest: the repository
    variable IMAGE_ATTESTATIONS=off turns the attest step and the check off together (one
    without the other would pin nothing, or refuse every pin), and the check warns."""
    repo = pinned_repo(render, tmp_path, target)
    build = workflow_jobs(repo, "serve-image.yml")["build"]
    attest = next(
        s for s in build["steps"] if s.get("name") == "Attest the pushed image's provenance"
    )
    assert " && vars.IMAGE_ATTESTATIONS != 'off'" in attest["if"]
    steps = job_steps(repo / ".github/workflows" / workflow, job)
    # managed CD: only a run whose pin is still the newest checks anything (test_cd_newest_pin)
    gate = (
        "steps.newest.outputs.deploy == 'true' && "
        if target == "managed"
        else "steps.pinned.outputs.verify == 'true' && "  # a pull request changing deploy/
    )
    assert steps[STEP]["if"] == f"{gate}vars.IMAGE_ATTESTATIONS != 'off'"
    off = steps["Provenance check is off (IMAGE_ATTESTATIONS)"]
    assert off["if"] == f"{gate}vars.IMAGE_ATTESTATIONS == 'off'"
    ran = run_step(off, repo, {"PATH": os.environ["PATH"]}, tmp_path / "runner")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == (
        "::warning::IMAGE_ATTESTATIONS is off: the pinned images' provenance is not verified\n"
    )
    assert ran.summary == (
        "Provenance check skipped: the repository variable IMAGE_ATTESTATIONS is 'off'.\n"
    )


@pytest.mark.parametrize(("target", "expected"), [("kserve", 0), ("managed", 1)])
def test_an_unpinned_image_is_nothing_to_verify_for_kserve_and_refused_for_an_endpoint(
    render: Render, tmp_path: Path, target: str, expected: int
) -> None:
    repo = copy_repo(render(cloud="aws", deploy_target=target), tmp_path / "repo")
    workflow, job = ("verify-image.yml", "verify") if target == "kserve" else ("cd.yml", "deploy")
    ran = run_verify(repo, tmp_path, workflow, job, attested=DIGEST)
    assert ran.returncode == expected
    assert gh_calls(tmp_path / "gh-calls.jsonl") == []
    if target == "kserve":
        assert "deploy/staging.yaml pins no serving image yet" in ran.summary
        assert "deploy/production.yaml pins no serving image yet" in ran.summary
    else:
        assert (
            ran.stdout
            == "::error file=deploy/staging.yaml::deploy/staging.yaml pins no serving image\n"
        )


def test_a_pin_by_tag_is_refused_without_asking_gh(render: Render, tmp_path: Path) -> None:
    repo = copy_repo(render(cloud="aws", deploy_target="managed"), tmp_path / "repo")
    pin = repo / "deploy/staging.yaml"
    tagged = "registry.example/serve:v1"
    pin.write_text(
        pin.read_text("utf-8").replace("serving_image: null", f"serving_image: {tagged}")
    )
    ran = run_verify(repo, tmp_path, "cd.yml", "deploy", attested=DIGEST)
    assert (ran.returncode, gh_calls(tmp_path / "gh-calls.jsonl")) == (1, [])
    assert ran.stdout == (
        f"::error file=deploy/staging.yaml::serving_image '{tagged}' is not"
        " <image>@sha256:<64 hex>\n"
    )


def workflow_jobs(repo: Path, name: str) -> dict[str, Any]:
    data = yaml.safe_load((repo / ".github/workflows" / name).read_text(encoding="utf-8"))
    jobs: dict[str, Any] = data["jobs"]
    return jobs


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_serve_image_attests_each_pushed_digest_from_the_build_job_alone(
    render: Render, cloud: str
) -> None:
    repo = render(cloud=cloud)
    jobs = workflow_jobs(repo, "serve-image.yml")
    build = jobs["build"]
    assert build["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "attestations": "write",
    }
    assert "id-token" not in jobs["pin"]["permissions"]
    assert "attestations" not in jobs["pin"]["permissions"]
    names = [step.get("name", step.get("uses", "")) for step in build["steps"]]
    attest = build["steps"][names.index("Attest the pushed image's provenance")]
    text = (repo / ".github/workflows/serve-image.yml").read_text(encoding="utf-8")
    assert f"uses: {ATTEST}" in text
    # KServe: main's runs and pull requests' runs attest, each naming its ref; verify-image.yml
    # takes a pull request's own build on that pull request alone (tests below)
    assert attest["if"] == (
        "steps.build.outputs.digest != '' && vars.IMAGE_ATTESTATIONS != 'off'"
        " && (github.ref == 'refs/heads/main' || github.event_name == 'pull_request')"
    )
    managed = workflow_jobs(render(cloud=cloud, deploy_target="managed"), "serve-image.yml")
    steps = managed["build"]["steps"]
    managed_attest = next(s for s in steps if s.get("name") == attest["name"])
    assert managed_attest["if"].endswith(" && github.ref == 'refs/heads/main'")  # cd.yml: main's
    assert attest["with"] == {
        "subject-name": "${{ vars.SERVING_IMAGE_REPOSITORY }}",
        "subject-digest": "${{ steps.build.outputs.digest }}",
    }
    build_step = next(step for step in build["steps"] if step.get("id") == "build")
    assert 'echo "digest=$digest" >> "$GITHUB_OUTPUT"' in build_step["run"]
    assert names.index("Attest the pushed image's provenance") > names.index(build_step["name"])


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_managed_cd_verifies_before_it_deploys(render: Render, cloud: str) -> None:
    repo = render(cloud=cloud, deploy_target="managed")
    deploy = workflow_jobs(repo, "cd.yml")["deploy"]
    assert deploy["permissions"]["attestations"] == "read"
    names = [step.get("name", "") for step in deploy["steps"]]
    rollout = names.index("Roll the pinned model out (0% first, smoke request, then all traffic)")
    assert names.index(STEP) < rollout
    assert names.index("Sign in to the registry (gh reads the image's digest from it)") < rollout


def test_kserve_pins_are_verified_on_pull_requests_and_main(render: Render) -> None:
    repo = render(cloud="gcp")
    data = yaml.safe_load((repo / ".github/workflows/verify-image.yml").read_text("utf-8"))
    # every pull request (a required check a path filter skipped would stay pending)
    assert data[True]["pull_request"] is None
    assert data[True]["push"] == {"branches": ["main"], "paths": ["deploy/**"]}
    assert data["jobs"]["verify"]["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "attestations": "read",
    }
    for cloud, target in (("none", "kserve"), ("gcp", "managed")):
        assert not (
            render(cloud=cloud, deploy_target=target) / ".github/workflows/verify-image.yml"
        ).exists()


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
def test_a_merged_lock_change_builds_on_main_which_attests_and_pins_it(
    render: Render, framework: str
) -> None:
    """The lock a pull request changed triggers serve-image.yml again once it is on main,
    whose run attests its image (the pull request's did not) and hands its pin to
    publish.yml, which proposes it from main."""
    repo = render(cloud="aws", ml_framework=framework, deploy_target="managed")
    data = yaml.safe_load((repo / ".github/workflows/serve-image.yml").read_text("utf-8"))
    on = data[True]
    assert on["push"]["branches"] == ["main"]
    assert set(on["pull_request"]["paths"]) <= set(on["push"]["paths"])
    build = data["jobs"]["build"]
    assert "github.ref == 'refs/heads/main'" in build["if"]
    attest = next(
        s for s in build["steps"] if s.get("name") == "Attest the pushed image's provenance"
    )
    assert attest["if"].endswith(" && github.ref == 'refs/heads/main'")
    assert data["jobs"]["pin"]["needs"] == "build"


@pytest.mark.parametrize(
    ("event", "ref", "outcome"),
    [
        ("pull_request", "refs/pull/7/merge", "own"),  # a lock change pins its own build
        ("pull_request", "refs/pull/8/merge", "refused"),  # another pull request's build
        ("pull_request", "refs/heads/feature", "refused"),
        ("push", "refs/pull/8/merge", "refused"),  # on main: main's build alone
        ("push", "", "refused"),  # no attestation at all
    ],
)
def test_a_kserve_pull_request_may_pin_its_own_build_and_no_other(
    render: Render, tmp_path: Path, event: str, ref: str, outcome: str
) -> None:
    """Argo CD deploys what main names, so verify-image.yml on the pull request is the gate: a
    lock pull request's pin of the image its own run built passes there (built from the code
    under review), another pull request's or branch's build never does; on main only main's
    build passes (until serve-image/pin lands, main's check names the fix)."""
    repo = pinned_repo(render, tmp_path, "kserve")
    attested = f"{DIGEST}={ref}" if ref else ""
    ran = run_verify(repo, tmp_path, "verify-image.yml", "verify", attested, event=event)
    calls = [call["args"] for call in gh_calls(tmp_path / "gh-calls.jsonl")]
    main_call, unconstrained = verify_args(IMAGE), [a for a in verify_args(IMAGE)
                                                    if a not in ("--source-ref", "refs/heads/main")]  # fmt: skip
    own_call = [a if a != "refs/heads/main" else "refs/pull/7/merge" for a in main_call]
    if outcome == "own":
        assert (ran.returncode, calls) == (0, [main_call, own_call]), ran.stdout + ran.stderr
        assert "for this pull request (refs/pull/7/merge, attested)" in ran.summary
    elif outcome == "merged":
        assert (ran.returncode, calls) == (0, [main_call, unconstrained]), ran.stdout
        assert "::warning file=deploy/staging.yaml::" in ran.stdout
        assert "not yet by main's" in ran.summary
    else:
        assert ran.returncode == 1
        assert ran.stdout.splitlines()[-1] == refused(IMAGE, "verify-image.yml")
        assert "was built by" not in ran.summary


@pytest.mark.parametrize("later", ["serve/Dockerfile", "README.md"])
def test_a_pull_requests_own_build_counts_only_for_the_inputs_it_was_built_from(
    render: Render, tmp_path: Path, later: str
) -> None:
    """Build an image from other content (an edited Dockerfile), have it pinned, then revert
    the edit: the attestation still names the pull request's ref, but the image's inputs
    changed after the pin, so it is refused; a later change elsewhere is fine."""
    repo = pinned_repo(render, tmp_path, "kserve")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Pin the serving image built from this pull request's lock")
    path = repo / later
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited after the pin\n", "utf-8")
    git(repo, "commit", "-q", "-am", "later")
    attested = f"{DIGEST}=refs/pull/7/merge"
    ran = run_verify(repo, tmp_path, "verify-image.yml", "verify", attested, event="pull_request")
    if later == "README.md":
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert "for this pull request (refs/pull/7/merge, attested)" in ran.summary
    else:
        assert ran.returncode == 1
        assert ran.stdout.splitlines()[-1].startswith(
            f"::error file=deploy/staging.yaml::{IMAGE} was built by this pull request's run,"
            " but serve/, src/, the lock or serve-image.yml changed after it was pinned ("
        )


@pytest.mark.parametrize("changed", [False, True])
def test_a_pull_request_that_changes_nothing_under_deploy_passes_without_signing_in(
    render: Render, tmp_path: Path, changed: bool
) -> None:
    """verify-image.yml runs on every pull request (it is meant as a required check), and
    verifies (signs in, asks gh) only when the pull request changes something under deploy/,
    the overlays included."""
    repo = pinned_repo(render, tmp_path, "kserve")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pinned on main")
    base = git(repo, "rev-parse", "HEAD").strip()
    edited = repo / (
        "deploy/overlays/staging/serving/kustomization.yaml" if changed else "README.md"
    )
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", "utf-8")
    git(repo, "commit", "-q", "-am", "a pull request")
    step = job_steps(repo / ".github/workflows/verify-image.yml", "verify")[
        "The registry of the pinned images"
    ]
    values = {"github.event.pull_request.base.sha": base}
    ran = run_step(step, repo, {"PATH": os.environ["PATH"]}, tmp_path / "runner", values)
    assert ran.returncode == 0, ran.stderr
    if changed:
        assert ran.outputs == {"verify": "true", "registry": IMAGE.split("/", maxsplit=1)[0]}
    else:
        assert ran.outputs == {"verify": "false"}
        assert ran.summary == "This pull request changes nothing under deploy/: nothing to verify\n"


def test_a_pull_request_cannot_change_the_deployed_digest_in_the_overlay_alone(
    render: Render, tmp_path: Path
) -> None:
    """Argo CD deploys the overlay's serving component, whose digest the pins tool derives
    from the pin: verify-image.yml holds the overlay to the pin, so a digest (or registry)
    edited there alone fails the pull request's check."""
    repo = pinned_repo(render, tmp_path, "kserve")
    set_identity(repo, "aws")  # the overlay serves: the component names the image
    step = job_steps(repo / ".github/workflows/verify-image.yml", "verify")[
        "The overlays are what the pins imply"
    ]
    bindir = str(Path(sys.executable).parent)  # setup-python's python, pip from the lock
    env = {"PATH": bindir + os.pathsep + os.environ["PATH"], "PIP_NO_INDEX": "1"}
    component = repo / "deploy/overlays/staging/serving/kustomization.yaml"
    text = component.read_text(encoding="utf-8")
    assert DIGEST in text
    component.write_text(text.replace(DIGEST, "sha256:" + "ee" * 32), encoding="utf-8")
    ran = run_step(step, repo, env, tmp_path / "runner", {})
    assert ran.returncode == 1
    assert ran.stderr.endswith(
        "deploy/overlays/staging/serving/kustomization.yaml: "
        "not what deploy/staging.yaml implies (run `pins sync`)\n"
    )
    component.write_text(text, encoding="utf-8")
    ran = run_step(step, repo, env, tmp_path / "runner2", {})
    assert ran.returncode == 0, ran.stdout + ran.stderr
