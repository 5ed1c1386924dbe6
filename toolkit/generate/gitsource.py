"""Templates kept in a git repository (a company's fork of mlrig's template).

Only plain transports are allowed (``https``, ``ssh``, ``git``, ``file`` and
local paths; never ``ext::``), git never prompts, and a URL cannot pass for an
option. The repository is cloned into a temporary folder and the template folder
is taken at one commit with ``git archive``.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from toolkit.archive import extract_all
from toolkit.errors import UserInputError

URL = re.compile(r"(?:(?:https|ssh|git|file)://|[\w.-]+@[\w.-]+:)[^\s]+\Z")
ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ALLOW_PROTOCOL": "file:git:http:https:ssh",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def is_git_url(value: str) -> bool:
    """Whether ``value`` names a git repository rather than a template folder."""
    if value.startswith("-"):
        return False
    if URL.match(value):
        return True
    path = Path(value)
    return value.endswith(".git") and (path / "HEAD").is_file()


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-c", "protocol.ext.allow=never", *args],
        cwd=cwd,
        capture_output=True,
        env={**os.environ, **ENV},
        check=False,
    )


def _last_line(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else f"git exited with {result.returncode}"


@contextmanager
def git_template(url: str, ref: str, directory: str) -> Iterator[tuple[Path, str]]:
    """The template folder ``directory`` of ``url`` at ``ref``, and that commit."""
    if not is_git_url(url):
        raise UserInputError(f"{url!r}: not a git URL mlrig fetches from")
    with tempfile.TemporaryDirectory(prefix="mlrig-git-") as scratch:
        clone = Path(scratch) / "repo.git"
        result = _git("clone", "--quiet", "--bare", "--", url, str(clone))
        if result.returncode != 0:
            raise UserInputError(f"{url}: cannot fetch the template: {_last_line(result)}")
        if ref.startswith("-"):
            raise UserInputError(f"{url}: has no commit {ref!r}")
        found = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=clone)
        if found.returncode != 0:
            raise UserInputError(f"{url}: has no commit {ref!r}")
        commit = found.stdout.decode().strip()
        inside = directory.strip("/") or "."
        archive = _git("archive", "--format=tar", commit, "--", inside, cwd=clone)
        if archive.returncode != 0:
            raise UserInputError(f"{url}: commit {commit[:12]} has no folder {inside!r}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            extract_all(tar, Path(scratch) / "tree")
        template = Path(scratch) / "tree" / inside
        if not (template / "cookiecutter.json").is_file():
            raise UserInputError(
                f"{url}: {inside!r} at {commit[:12]} is not a cookiecutter template"
            )
        yield template, commit
