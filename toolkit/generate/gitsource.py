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


class GitFetchError(UserInputError):
    """git could not fetch a template; ``reason`` is git's own error, on one line."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: cannot fetch the template: {reason}")
        self.reason = reason


def git_error(result: subprocess.CompletedProcess[bytes]) -> str:
    """git's own error as one printable line: its first ``fatal:``/``error:`` line, else
    its first line (git explains below it, and a remote may send escape sequences)."""
    text = result.stderr.decode(errors="replace")
    lines = ["".join(c for c in line if c.isprintable()).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
    found = (errors or lines or [f"git exited with {result.returncode}"])[0]
    return found.removeprefix("fatal:").removeprefix("error:").strip()


@contextmanager
def git_template(url: str, ref: str, directory: str) -> Iterator[tuple[Path, str]]:
    """The template folder ``directory`` of ``url`` at ``ref``, and that commit."""
    if not is_git_url(url):
        raise UserInputError(f"{url!r}: not a git URL mlrig fetches from")
    with tempfile.TemporaryDirectory(prefix="mlrig-git-") as scratch:
        clone = Path(scratch) / "repo.git"
        result = _git("clone", "--quiet", "--bare", "--", url, str(clone))
        if result.returncode != 0:
            raise GitFetchError(url, git_error(result))
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
