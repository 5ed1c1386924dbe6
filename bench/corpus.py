"""(Re)build the real-world corpus: the ``.github`` tree of each given repository.

    python -m bench.corpus bench/.work/corpus MIRRORS/owner+name/repo ...

Each mirror is a git directory (bare or not). Its ``HEAD:.github`` is
extracted to ``OUT/<owner+name>/.github`` and committed there as a repository
of its own, so that both tools see a repository root. The files are other
projects' code: they stay under the git-ignored ``bench/.work/`` and are never
committed here. ``OUT/corpus.json`` records each repository's commit and counts.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

from bench.synthetic import commit_tree
from toolkit.archive import extract_all

INDEX = "corpus.json"


def repo_name(mirror: Path) -> str:
    """``MIRRORS/owner+name/repo`` gives ``owner+name``; else the folder name."""
    mirror = mirror.resolve()
    named = mirror.parent if mirror.name in {"repo", ".git"} else mirror
    return named.name.removesuffix(".git")


def git(mirror: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(_git_dir(mirror)), *args], capture_output=True, check=True
    ).stdout


def _git_dir(mirror: Path) -> Path:
    return mirror / ".git" if (mirror / ".git").is_dir() else mirror


def classify(rel: str) -> str:
    """workflow, action or other, by what zizmor would collect."""
    name = rel.rsplit("/", 1)[-1]
    if rel.startswith(".github/workflows/") and name.endswith((".yml", ".yaml")):
        return "workflow"
    if name in {"action.yml", "action.yaml"}:
        return "action"
    return "other"


def extract(mirror: Path, dest: Path) -> dict[str, object]:
    """Extract ``HEAD:.github`` of ``mirror`` into ``dest``; return its record."""
    commit = git(mirror, "rev-parse", "HEAD").decode().strip()
    archive = git(mirror, "archive", "--format=tar", "HEAD", ".github")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    counts = {"workflow": 0, "action": 0, "other": 0}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        extract_all(tar, dest, members)
    for member in members:
        if member.isfile():
            counts[classify(member.name)] += 1
    commit_tree(dest)
    return {"repo": repo_name(mirror), "commit": commit, **counts}


def build(out: Path, mirrors: list[Path]) -> list[dict[str, object]]:
    out.mkdir(parents=True, exist_ok=True)
    records = [extract(m, out / repo_name(m)) for m in mirrors]
    (out / INDEX).write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
    return records


def load(corpus: Path) -> list[dict[str, object]]:
    """The corpus records; without an index, every sub-folder that holds ``.github``."""
    index = corpus / INDEX
    if index.is_file():
        return list(json.loads(index.read_text(encoding="utf-8")))
    return [{"repo": p.name} for p in sorted(corpus.iterdir()) if (p / ".github").is_dir()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus", description=__doc__.splitlines()[0]
    )
    parser.add_argument("out", type=Path, help="Corpus folder (under bench/.work/).")
    parser.add_argument(
        "mirrors", type=Path, nargs="+", help="git directories of the repositories."
    )
    args = parser.parse_args(argv)
    records = build(args.out, args.mirrors)
    for r in records:
        print(
            f"{r['repo']:40} {r['commit'][:12]}  workflows {r['workflow']:3}  "
            f"actions {r['action']:2}  other {r['other']:3}"
        )
    total = sum(int(r["workflow"]) + int(r["action"]) for r in records)
    print(f"{len(records)} repositories, {total} workflow and action files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
