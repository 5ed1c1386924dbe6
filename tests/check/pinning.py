"""Pin a whole tree with ``--fix`` against local remotes made for it, and ask zizmor.

For every ``owner/repo@ref`` that a tree's workflows and actions use, a bare
repository gets a commit with that tag (version-like refs, plus a more specific
``.0`` release beside a bare major such as ``v4``) or branch, so that the real
``git ls-remote https://github.com/owner/repo`` (rewritten by ``insteadOf``)
answers as GitHub would. Refs no remote can have (abbreviated SHAs, full SHAs
of commits that do not exist here, expressions) are returned as such.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import tarfile
from pathlib import Path

from tests.check.helpers import mlrig
from tests.check.remotes import Remotes
from tests.tools import tool
from toolkit.archive import extract_all
from toolkit.check.refs import is_sha, is_short_sha, is_version

USES = re.compile(
    r"""uses:\s*['"]?([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)(?:/[^@\s'"#]*)?(?:@([^\s'"#]+))?"""
)
SELECT = "GHA001,GHA002,GHA003"


def yaml_files(tree: Path) -> list[Path]:
    """Workflows and action metadata, where ``uses:`` can be."""
    found = [*tree.glob(".github/workflows/*.y*ml"), *tree.rglob("action.y*ml")]
    return sorted({path for path in found if ".git" not in path.relative_to(tree).parts})


def build_remotes(tree: Path, remotes: Remotes) -> set[str]:
    """Give every used ``owner/repo`` a remote with its refs; return the refs none can have."""
    wanted: dict[str, set[str]] = {}
    for path in yaml_files(tree):
        for owner, repo, ref in USES.findall(path.read_text(encoding="utf-8")):
            if owner == "." or "${{" in ref:
                continue
            wanted.setdefault(f"{owner}/{repo}", set()).add(ref)
    impossible = set()
    for slug, refs in sorted(wanted.items()):
        remotes.commit(slug, "initial")
        for ref in sorted(refs):
            if not ref:
                continue
            if is_sha(ref) or is_short_sha(ref):
                impossible.add(f"{slug}@{ref}")
            elif is_version(ref):
                commit = remotes.commit(slug, f"release {ref}")
                remotes.tag(slug, ref, commit, annotated=ref.endswith("0"))
                if re.fullmatch(r"v?\d+", ref):
                    remotes.tag(slug, f"{ref}.0.1", commit)
            else:
                remotes.commit(slug, f"work on {ref}", branch=ref)
    return impossible


def unpinned_uses(tree: Path) -> list[str]:
    """What ``zizmor --offline`` calls an unpinned ``uses:``, by the text of the step."""
    zizmor = tool("zizmor")
    done = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--format", "json", "."],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode in {0, 10, 11, 12, 13, 14}, done.stderr
    findings = json.loads(done.stdout)
    return sorted(
        f["locations"][0]["concrete"]["feature"] for f in findings if f["ident"] == "unpinned-uses"
    )


def snapshot(tree: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in yaml_files(tree)}


def pin(tree: Path, remotes: Remotes, cache: Path) -> tuple[int, str, str]:
    """``mlrig check --fix`` for the pinning rules; its exit code, output and errors."""
    run = mlrig(
        "check", "--fix", "--no-cache", "--select", SELECT, cwd=tree, env=remotes.env(cache)
    )
    return run.code, run.out, run.err


def real_trees() -> list[Path]:
    """Git directories of real repositories named by ``MLRIG_REAL_TREES`` (``os.pathsep``)."""
    given = os.environ.get("MLRIG_REAL_TREES", "")
    return [Path(part) for part in given.split(os.pathsep) if part]


def extract_github(mirror: Path, tree: Path) -> Path:
    """``HEAD:.github`` of the git directory ``mirror``, unpacked into ``tree``."""
    tree.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "--git-dir", str(mirror), "archive", "--format=tar", "HEAD", ".github"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        extract_all(tar, tree)
    return tree
