"""What every reader of install commands (the GitHub Actions pin rule and the
cross-file mentions) must agree on: the options of ``pip install`` and ``uv pip
install`` whose value is the next argument, so that none takes an option's value
for a requirement; and GitHub expressions, which the runner substitutes before
the shell sees the line, so ``${{ matrix.torch }}`` is one word, not three.
"""

from __future__ import annotations

import re

WITH_VALUE = frozenset(
    {
        "-r",
        "--requirement",
        "-e",
        "--editable",
        "-c",
        "--constraint",
        "-i",
        "--index-url",
        "--extra-index-url",
        "--index",
        "--default-index",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--python",
        "-p",
        "--platform",
        "--python-platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--src",
        "--upgrade-strategy",
        "--progress-bar",
        "--cache-dir",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--trusted-host",
        "--cert",
        "--client-cert",
        "--report",
        "--extra",
        "--group",
        "--with",
        "--only-binary",
        "--no-binary",
        "-C",
        "--config-settings",
        "--global-option",
        "--exists-action",
        "--index-strategy",
        "--keyring-provider",
        "--resolution",
        "--prerelease",
    }
)


_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
_HELD = re.compile("\ue000([0-9]+)\ue001")


def hold_expressions(line: str) -> tuple[str, list[str]]:
    """``line`` with each ``${{ ... }}`` replaced by a placeholder without blanks,
    quotes or operators; and the expressions, for :func:`release`."""
    if "${{" not in line:
        return line, []
    held: list[str] = []

    def keep(found: re.Match[str]) -> str:
        held.append(found.group(0))
        return f"\ue000{len(held) - 1}\ue001"

    return _EXPRESSION.sub(keep, line), held


def release(token: str, held: list[str]) -> str:
    """A shell word of a held line, with its expressions written back."""
    if not held or "\ue000" not in token:
        return token
    return _HELD.sub(lambda found: held[int(found.group(1))], token)
