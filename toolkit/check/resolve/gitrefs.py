"""What a git remote's tags and branches point at, through ``git ls-remote``.

``git`` runs with the user's own configuration and environment, so
``url.<base>.insteadOf`` rules (in a config file or in ``GIT_CONFIG_COUNT``/
``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n``) and credential helpers apply as they
do for ``git clone``. It never prompts: a missing or private repository fails.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import TYPE_CHECKING

from toolkit.check.refs import is_sha, is_version

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

TIMEOUT_SECONDS = 60
_NUMBERS = re.compile(r"\d+")


class ResolveError(Exception):
    """A reference could not be resolved; the message is one line for the user."""


class RemoteRefs(NamedTuple):
    """The commits a remote's tags (peeled) and branches point at, its ``HEAD``, and the
    branch ``HEAD`` names (the default branch)."""

    tags: dict[str, str]
    branches: dict[str, str]
    head: str | None = None
    head_branch: str | None = None

    def commit_of(self, ref: str) -> str | None:
        """The commit of tag or branch ``ref`` (tags first, as git does), or of ``HEAD``."""
        if not ref or ref == "HEAD":
            return self.head
        return self.tags.get(ref) or self.branches.get(ref)

    def expand(self, short: str) -> str | None:
        """The one tip commit that abbreviated SHA ``short`` names, if exactly one."""
        tips = {
            sha for sha in (*self.tags.values(), *self.branches.values()) if sha.startswith(short)
        }
        return tips.pop() if len(tips) == 1 else None

    def version_for(self, commit: str) -> str | None:
        """The most specific version tag pointing at ``commit`` (``v4.2.2`` over ``v4``)."""
        tags = [tag for tag, sha in self.tags.items() if sha == commit and is_version(tag)]
        return max(tags, key=_specificity) if tags else None


def _specificity(tag: str) -> tuple[int, tuple[int, ...], int, str]:
    numbers = tuple(int(n) for n in _NUMBERS.findall(tag))
    release = 0 if "-" in tag else 1  # v2.0.0 before v2.0.0-rc.1 at the same commit
    return (len(numbers), numbers, release, tag)


def parse_ls_remote(output: str) -> RemoteRefs:
    """Read ``git ls-remote`` lines; an annotated tag's ``^{}`` line gives its commit."""
    tags: dict[str, str] = {}
    peeled: dict[str, str] = {}
    branches: dict[str, str] = {}
    head = head_branch = None
    for line in output.splitlines():
        sha, _, name = line.partition("\t")
        if sha.startswith("ref: refs/heads/") and name == "HEAD":
            head_branch = sha.removeprefix("ref: refs/heads/")
        if not is_sha(sha):
            continue
        if name == "HEAD":
            head = sha
        elif name.startswith("refs/heads/"):
            branches[name.removeprefix("refs/heads/")] = sha
        elif name.startswith("refs/tags/") and name.endswith("^{}"):
            peeled[name.removeprefix("refs/tags/").removesuffix("^{}")] = sha
        elif name.startswith("refs/tags/"):
            tags[name.removeprefix("refs/tags/")] = sha
    return RemoteRefs({**tags, **peeled}, branches, head, head_branch)


def ls_remote(url: str) -> str:
    """The output of ``git ls-remote URL`` (its tags, branches and HEAD)."""
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
    environment["GIT_SSH_COMMAND"] = environment.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    command = ["git", "ls-remote", "--symref", "--", url, "HEAD", "refs/heads/*", "refs/tags/*"]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT_SECONDS,
            env=environment,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise ResolveError("git is not installed, so tags cannot be resolved") from None
    except subprocess.TimeoutExpired:
        raise ResolveError(f"git ls-remote {url} timed out after {TIMEOUT_SECONDS}s") from None
    if done.returncode != 0:
        raise ResolveError(f"git ls-remote {url} failed: {_reason(done.stderr)}")
    return done.stdout


def _reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("fatal:"):
            return line.removeprefix("fatal:").strip()
    return lines[-1] if lines else "no output"
