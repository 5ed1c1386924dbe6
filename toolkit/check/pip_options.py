"""Options of ``pip install`` and ``uv pip install`` whose value is the next argument.

One list for every reader of install commands (the GitHub Actions pin rule and
the cross-file mentions), so that none of them takes an option's value for a
requirement.
"""

from __future__ import annotations

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
