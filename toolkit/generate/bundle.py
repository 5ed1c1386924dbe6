"""Write the archive of every released template: ``python -m toolkit.generate.bundle``.

The releases are the ``## <version> (commit <sha>)`` headings of ``CHANGELOG.md``;
each archive is ``templates/ml-repo`` at that commit, without build artefacts,
as a deterministic ``tar.xz`` (sorted members, the commit's time, no owners).
``--check`` exits 1 when an archive is missing or differs from git.
"""

from __future__ import annotations

import io
import json
import lzma
import re
import subprocess
import sys
import tarfile
from pathlib import Path

from toolkit.generate.artefacts import is_artefact
from toolkit.generate.releases import INDEX

TEMPLATE = "ml-repo"
HEADING = re.compile(r"^## (\S+) \(commit ([0-9a-f]{40})\)$", re.MULTILINE)


def changelog_releases(repo: Path) -> list[tuple[str, str]]:
    """(version, commit) of every release in ``CHANGELOG.md``, oldest first."""
    text = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    return list(reversed(HEADING.findall(text)))


def _git_tar(repo: Path, commit: str) -> tarfile.TarFile:
    data = subprocess.run(
        ["git", "archive", "--format=tar", commit, f"templates/{TEMPLATE}"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout
    return tarfile.open(fileobj=io.BytesIO(data))


def archive_bytes(repo: Path, commit: str) -> bytes:
    """The deterministic ``tar.xz`` of the template at ``commit``."""
    out = io.BytesIO()
    prefix = f"templates/{TEMPLATE}"
    with _git_tar(repo, commit) as source, tarfile.open(fileobj=out, mode="w") as tar:
        for member in sorted(source.getmembers(), key=lambda m: m.name):
            relative = member.name.removeprefix(prefix).lstrip("/")
            if not member.name.startswith(prefix) or is_artefact(relative):
                continue
            data = source.extractfile(member) if member.isfile() else None
            member.name = f"{TEMPLATE}/{relative}".rstrip("/")
            member.uid = member.gid = 0
            member.uname = member.gname = ""
            tar.addfile(member, data)
    return lzma.compress(out.getvalue(), preset=9 | lzma.PRESET_EXTREME)


def expected(repo: Path) -> dict[Path, bytes]:
    """Every file the bundle should hold: the archives and the index."""
    folder = repo / "templates" / "releases"
    files: dict[Path, bytes] = {}
    entries = []
    for version, commit in changelog_releases(repo):
        name = f"{TEMPLATE}-{version}.tar.xz"
        files[folder / name] = archive_bytes(repo, commit)
        entries.append({"version": version, "commit": commit, "archive": name})
    index = json.dumps({TEMPLATE: entries}, indent=2) + "\n"
    files[folder / INDEX] = index.encode()
    return files


def stale(repo: Path) -> dict[Path, bytes]:
    """The bundle's files that are missing or differ, with what they should hold."""
    return {
        path: data
        for path, data in expected(repo).items()
        if not path.is_file() or path.read_bytes() != data
    }


def main(argv: list[str] | None = None) -> int:
    """Run from the root of a full clone of mlrig; ``--check`` writes nothing."""
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    repo = Path.cwd()
    outdated = stale(repo)
    for path, data in outdated.items():
        name = path.relative_to(repo)
        if check:
            print(f"{name}: stale; run python -m toolkit.generate.bundle")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {name}")
    return 1 if outdated and check else 0


if __name__ == "__main__":
    sys.exit(main())
