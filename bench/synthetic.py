"""A deterministic synthetic ML monorepo for the speed benchmark.

File ``i`` of the tree depends only on ``(seed, i)``, so the tree of 1,000
files is the tree of 500 files plus 500 more: sizes can be compared directly.
Files come in bundles of ten, one bundle per project ``pNNNN``::

    .github/workflows/pNNNN-ci.yml       workflow (tests, matrix, setup-python)
    .github/workflows/pNNNN-ct.yml       workflow (training, container, DVC)
    .github/actions/pNNNN-setup/action.yml   composite action
    projects/pNNNN/dvc.yaml, dvc.lock, params.yaml, data/raw.dvc
    projects/pNNNN/infra/main.tf         Terraform (providers, a pinned module)
    projects/pNNNN/requirements.txt or pyproject.toml
    projects/pNNNN/Dockerfile

The tree is kept the way mlrig asks (one Python version, SHA pins, image
digests, hashed requirements) except on purpose: about one ``uses:`` in ten is
a tag pin, one image in eight is a tag and half the projects declare
dependencies in ``pyproject.toml`` without a lock, so both tools have something
to report, as in a real repository.

Besides the counted files, every tree has a root ``.gitignore`` (the DVC
outs) and a ``.dvc/config`` with a default remote, as a kept repository has.

Run as ``python -m bench.synthetic OUT --files N [--seed S]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

DEFAULT_SEED = 20261129
BUNDLE = 10
MANIFEST = ".bench-synthetic.json"
VERSION = 3  # bump when the generated text changes, so that cached trees are rebuilt

ACTIONS = [
    ("actions/checkout", "11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
    ("actions/setup-python", "0b93645e9fea7318ecaed2b359559ac225c90a2b", "v5.3.0"),
    ("actions/cache", "1bd1e32a3bdc45362d1e726936510720a7c30a57", "v4.2.0"),
    ("actions/upload-artifact", "65c4c4a1ddee5b72f698fdd19549f0f0fb45cf08", "v4.6.0"),
    ("iterative/setup-dvc", "d549770196ed130ba41697c4713281c349917d5e", "v1.1.2"),
    ("hashicorp/setup-terraform", "b9cd54a3c349d3f38e8881555d616ced269862dd", "v3.1.2"),
    ("aws-actions/configure-aws-credentials", "e3dd6a429d7300a6a4c196c26e071d42e0343502", "v4.0.2"),
]
# One Python version across the tree, as mlrig asks of a repository (rule X001).
PYTHONS = ["3.12"]
PACKAGES = [
    ("numpy", "1.26.4"),
    ("pandas", "2.2.3"),
    ("scikit-learn", "1.5.2"),
    ("torch", "2.4.1"),
    ("pyyaml", "6.0.2"),
    ("requests", "2.32.3"),
    ("dvc[s3]", "3.55.2"),  # the remote is s3 (rule X005)
    ("mlflow", "2.17.2"),
]
DIGEST = "sha256:" + "ab" * 32


def _uses(rng: random.Random, name: str, sha: str, tag: str) -> str:
    if rng.random() < 0.1:
        return f"{name}@{tag.split('.', maxsplit=1)[0]}"
    return f"{name}@{sha} # {tag}"


def _step(rng: random.Random, k: int) -> str:
    name, sha, tag = rng.choice(ACTIONS)
    if rng.random() < 0.5:
        return (
            f"      - uses: {_uses(rng, name, sha, tag)}\n        with:\n          key: step-{k}\n"
        )
    pkg, ver = rng.choice(PACKAGES)
    return (
        f"      - name: step {k}\n        run: |\n          pip install {pkg}=={ver}\n"
        f"          python -m pytest -q tests/part_{k}\n"
    )


def _job(rng: random.Random, j: int, python: str, project: str) -> str:
    steps = "".join(_step(rng, k) for k in range(rng.randint(3, 8)))
    matrix = ", ".join(f'"{p}"' for p in rng.sample(PYTHONS, 1))
    return (
        f"  test-{j}:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n"
        f"    strategy:\n      matrix:\n        python: [{matrix}]\n    steps:\n"
        f"      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"
        f"        with:\n          persist-credentials: false\n"
        f"      - uses: actions/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b # v5.3.0\n"
        f'        with:\n          python-version: "{python}"\n'
        f"      - uses: ./.github/actions/{project}-setup\n{steps}"
    )


def workflow_ci(rng: random.Random, project: str) -> str:
    python = rng.choice(PYTHONS)
    jobs = "".join(_job(rng, j, python, project) for j in range(rng.randint(1, 4)))
    return (
        f'name: {project} CI\n\non:\n  pull_request:\n    paths:\n      - "projects/{project}/**"\n'
        f"  push:\n    branches: [main]\n\npermissions: {{}}\n\njobs:\n{jobs}"
    )


def workflow_ct(rng: random.Random, project: str) -> str:
    image = f"python:{rng.choice(PYTHONS)}-slim" + ("" if rng.random() < 0.125 else f"@{DIGEST}")
    return (
        f'name: {project} CT\n\non:\n  schedule:\n    - cron: "{rng.randint(0, 59)} 3 * * 1"\n'
        f"  workflow_dispatch:\n\npermissions: {{}}\n\njobs:\n  train:\n    runs-on: ubuntu-24.04\n"
        f"    permissions:\n      contents: read\n      id-token: write\n"
        f"    container:\n      image: {image}\n    steps:\n"
        f"      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"
        f"        with:\n          persist-credentials: false\n"
        f"      - uses: iterative/setup-dvc@d549770196ed130ba41697c4713281c349917d5e # v1.1.2\n"
        f'        with:\n          version: "3.55.2"\n'
        f"      - run: dvc repro projects/{project}/dvc.yaml\n"
        f"      - run: dvc push -r storage\n"
    )


def composite_action(rng: random.Random, project: str) -> str:
    name, sha, tag = rng.choice(ACTIONS)
    pkg, ver = rng.choice(PACKAGES)
    return (
        f"name: {project} setup\ndescription: Install {project} and its locked dependencies\n"
        f"runs:\n  using: composite\n  steps:\n    - uses: {_uses(rng, name, sha, tag)}\n"
        f"    - shell: bash\n"
        f"      run: pip install --require-hashes -r projects/{project}/requirements.txt\n"
        f"    - shell: bash\n      run: pip install {pkg}=={ver}\n"
    )


def _md5(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def dvc_yaml(rng: random.Random, project: str) -> str:
    return (
        "stages:\n  prepare:\n    cmd: python -m pipeline.prepare\n    deps:\n      - data/raw\n"
        "    params:\n      - prepare.seed\n    outs:\n      - data/prepared\n"
        "  train:\n    cmd: python -m pipeline.train\n    deps:\n      - data/prepared\n"
        "    params:\n      - train.epochs\n      - train.lr\n    outs:\n      - models/model.pkl\n"
    )


def dvc_lock(rng: random.Random, project: str) -> str:
    def dep(path: str) -> str:
        return (
            f"    - path: {path}\n      md5: {_md5(rng)}.dir\n"
            f"      size: {rng.randint(1000, 10**7)}\n      nfiles: {rng.randint(1, 40)}\n"
        )

    return (
        "schema: '2.0'\nstages:\n  prepare:\n    cmd: python -m pipeline.prepare\n    deps:\n"
        f"{dep('data/raw')}    params:\n      params.yaml:\n        prepare.seed: 42\n"
        f"    outs:\n{dep('data/prepared')}"
        "  train:\n    cmd: python -m pipeline.train\n    deps:\n"
        f"{dep('data/prepared')}    params:\n      params.yaml:\n"
        "        train.epochs: 10\n        train.lr: 0.001\n"
        f"    outs:\n    - path: models/model.pkl\n      md5: {_md5(rng)}\n"
        f"      size: {rng.randint(1000, 10**6)}\n"
    )


def params_yaml(rng: random.Random, project: str) -> str:
    return "prepare:\n  seed: 42\ntrain:\n  epochs: 10\n  lr: 0.001\n"


def dot_dvc(rng: random.Random, project: str) -> str:
    return (
        f"outs:\n- md5: {_md5(rng)}.dir\n  size: {rng.randint(1000, 10**8)}\n"
        f"  nfiles: {rng.randint(1, 500)}\n  hash: md5\n  path: raw\n"
    )


def terraform(rng: random.Random, project: str) -> str:
    return (
        'terraform {\n  required_version = "1.9.8"\n  required_providers {\n'
        '    aws = {\n      source  = "hashicorp/aws"\n      version = "5.74.0"\n    }\n  }\n}\n\n'
        f'module "runner_{project}" {{\n  source  = "terraform-aws-modules/ec2-instance/aws"\n'
        f'  version = "5.7.1"\n  name    = "{project}-gpu"\n'
        f'  instance_type = "g5.{rng.choice(["xlarge", "2xlarge"])}"\n}}\n\n'
        f'resource "aws_s3_bucket" "dvc_{project}" {{\n'
        f'  bucket = "{project}-dvc-{rng.randint(1000, 9999)}"\n}}\n'
    )


def dependencies(rng: random.Random, project: str) -> str:
    chosen = rng.sample(PACKAGES, 4)
    if rng.random() < 0.5:
        return "".join(f"{p}=={v} \\\n    --hash=sha256:{_md5(rng) * 2}\n" for p, v in chosen)
    deps = "".join(f'  "{p}=={v}",\n' for p, v in chosen)
    return (
        f'[project]\nname = "{project}"\nversion = "0.1.0"\n'
        f'requires-python = ">={rng.choice(PYTHONS)}"\ndependencies = [\n{deps}]\n'
    )


def dockerfile(rng: random.Random, project: str) -> str:
    tag = f"python:{rng.choice(PYTHONS)}-slim"
    base = tag if rng.random() < 0.125 else f"{tag}@{DIGEST}"
    return (
        f"FROM {base}\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN pip install --require-hashes -r requirements.txt\nCOPY . .\n"
        'CMD ["python", "-m", "pipeline.serve"]\n'
    )


Slot = tuple[str, Callable[[random.Random, str], str]]
SLOTS: list[Slot] = [
    (".github/workflows/{p}-ci.yml", workflow_ci),
    (".github/workflows/{p}-ct.yml", workflow_ct),
    (".github/actions/{p}-setup/action.yml", composite_action),
    ("projects/{p}/dvc.yaml", dvc_yaml),
    ("projects/{p}/dvc.lock", dvc_lock),
    ("projects/{p}/params.yaml", params_yaml),
    ("projects/{p}/data/raw.dvc", dot_dvc),
    ("projects/{p}/infra/main.tf", terraform),
    ("projects/{p}/{deps}", dependencies),
    ("projects/{p}/Dockerfile", dockerfile),
]

# The file the benchmark edits to measure a cached run after a commit.
FIRST_WORKFLOW = ".github/workflows/p0000-ci.yml"

# Written at every size besides the counted files: what a kept repository has.
ROOT_FILES = {
    ".gitignore": "/projects/*/data/raw\n/projects/*/data/prepared\n/projects/*/models/model.pkl\n",
    ".dvc/config": "[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://bench-dvc\n",
}


def synthetic_file(seed: int, index: int) -> tuple[str, str]:
    """Return (relative path, text) of file ``index``; depends on nothing else."""
    rng = random.Random(f"{seed}:{index}")
    project = f"p{index // BUNDLE:04d}"
    template, make = SLOTS[index % BUNDLE]
    text = make(rng, project)
    deps = "pyproject.toml" if text.startswith("[project]") else "requirements.txt"
    return template.format(p=project, deps=deps), text


def generate(dest: Path, files: int, seed: int = DEFAULT_SEED, git: bool = True) -> Path:
    """Write a tree of ``files`` files into ``dest`` (recreated) and return it.

    With ``git`` the tree is its own committed repository, so that both tools
    see a repository root rather than an ignored folder of this checkout.
    """
    _clear(dest)
    digest = hashlib.sha256()
    for rel, text in ROOT_FILES.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text, encoding="utf-8")
    for index in range(files):
        rel, text = synthetic_file(seed, index)
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        digest.update(f"{rel}\0{text}\0".encode())
    if git:
        commit_tree(dest)
    manifest = {"version": VERSION, "files": files, "seed": seed, "sha256": digest.hexdigest()}
    _manifest_path(dest).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return dest


def _manifest_path(dest: Path) -> Path:
    """Inside ``.git`` when there is one, so that no tool counts it as a file."""
    return dest / ".git" / MANIFEST if (dest / ".git").is_dir() else dest / MANIFEST


def _clear(dest: Path) -> None:
    """Remove a previous synthetic tree; refuse to delete anything else."""
    if not dest.exists():
        return
    if not _manifest_path(dest).is_file() and any(dest.iterdir()):
        raise SystemExit(f"{dest} exists and is not a synthetic tree; refusing to replace it")
    shutil.rmtree(dest)


def commit_tree(dest: Path) -> None:
    """Make ``dest`` a git repository with one commit of everything in it."""
    env = [
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@localhost",
        "-c",
        "commit.gpgsign=false",
    ]
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    subprocess.run(["git", "-C", str(dest), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(dest), *env, "commit", "-q", "-m", "bench tree"], check=True)


def ensure(dest: Path, files: int, seed: int = DEFAULT_SEED) -> Path:
    """Reuse ``dest`` when its manifest matches ``files`` and ``seed``; else regenerate."""
    try:
        manifest = json.loads(_manifest_path(dest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    wanted = {"version": VERSION, "files": files, "seed": seed}
    if all(manifest.get(k) == v for k, v in wanted.items()) and (dest / ".git").is_dir():
        return dest
    return generate(dest, files, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.synthetic", description=__doc__.splitlines()[0]
    )
    parser.add_argument("dest", type=Path)
    parser.add_argument("--files", type=int, default=3500)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-git", action="store_true", help="Leave a plain folder.")
    args = parser.parse_args(argv)
    generate(args.dest, args.files, args.seed, git=not args.no_git)
    print(f"{args.dest}: {args.files} files, seed {args.seed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
