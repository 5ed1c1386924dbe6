"""The corpus list, the labels, and the exported snapshots."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Repo:
    """One corpus repository at one commit."""

    name: str
    commit: str
    covers: str

    @property
    def slug(self) -> str:
        return self.name.replace("/", "+")


@dataclass(frozen=True)
class Label:
    """One judgement of a finding (``line`` is ``"*"`` for every line of the file)."""

    repo: str
    commit: str
    path: str
    line: str
    code: str
    verdict: bool
    reason: str


def _rows(path: Path) -> list[list[str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            fields = line.split("\t")
            if len(fields) < 3:
                raise SystemExit(f"{path.name}:{number}: expected tab-separated fields")
            rows.append(fields)
    return rows


def read_repos(path: Path) -> list[Repo]:
    return [Repo(name, commit, covers) for name, commit, covers, *_ in _rows(path)]


def read_labels(path: Path) -> list[Label]:
    """The labels of ``path`` (a missing file is no labels yet)."""
    if not path.exists():
        return []
    labels = []
    for repo, commit, where, verdict, *reason in _rows(path):
        file_path, line, code = where.rsplit(":", 2)
        if verdict not in {"true", "false"}:
            raise SystemExit(f"{path.name}: verdict must be true or false, not {verdict!r}")
        labels.append(Label(repo, commit, file_path, line, code, verdict == "true", *reason[:1]))
    return labels


def export(repo: Repo, mirrors: Path, work: Path) -> Path:
    """The snapshot of ``repo`` at its commit, exported once into ``work``."""
    target = work / f"{repo.slug}@{repo.commit[:12]}"
    marker = target.with_name(f"{target.name}.done")
    if marker.exists():
        return target
    git_dir = mirrors / repo.slug / "repo"
    if not git_dir.exists():
        raise SystemExit(f"no mirror of {repo.name} at {git_dir}; fetch it first")
    target.mkdir(parents=True, exist_ok=True)
    for path, data in _blobs(git_dir, repo.commit):
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
    marker.write_text(repo.commit + "\n", encoding="utf-8")
    return target


def _blobs(git_dir: Path, commit: str) -> list[tuple[str, bytes]]:
    """Every regular file of ``commit`` that the snapshot holds (a snapshot lacks files
    of 4 MiB and more, so ``git archive`` alone would fail on them)."""
    listing = _git(git_dir, "ls-tree", "-r", "-z", commit)
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode in {b"100644", b"100755"}:
            entries.append((name.decode("utf-8", "replace"), sha.decode()))
    request = "".join(f"{sha}\n" for _, sha in entries).encode()
    output = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
        input=request,
        capture_output=True,
        check=True,
    ).stdout
    found = []
    stream = io.BytesIO(output)
    for path, _ in entries:
        header = stream.readline().split()
        if len(header) == 3:
            found.append((path, stream.read(int(header[2]))))
            stream.read(1)
    return found


def _git(git_dir: Path, *args: str) -> bytes:
    command = ["git", "--git-dir", str(git_dir), *args]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise SystemExit(f"git {args[0]} failed in {git_dir.parent.name}: {message}")
    return result.stdout
