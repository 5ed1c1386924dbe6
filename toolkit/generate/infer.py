"""What a repository that mlrig did not generate already says about the template's answers.

Each inferred answer carries where it was read, so ``mlrig add`` can say so.
Nothing here runs code or a tool: files are read as text, and a file that
cannot be read or parsed simply says nothing.
"""

from __future__ import annotations

import configparser
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.check.views._pep440 import minor, satisfies

SCHEMES = {"s3://": "aws", "gs://": "gcp", "azure://": "azure"}
PROVIDERS = {"aws": "aws", "google": "gcp", "azurerm": "azure"}
GITHUB = re.compile(r"github\.com[:/]([A-Za-z0-9-]+)/")
MAX_BYTES = 1 << 20
QUOTED_SECTION = re.compile(r"^\[\s*'(.*)'\s*\]$")


@dataclass(frozen=True)
class Inferred:
    """One answer and the file it came from."""

    value: str
    source: str


def _text(path: Path) -> str | None:
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _pyproject(repo: Path) -> dict[str, Any]:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

    text = _text(repo / "pyproject.toml")
    try:
        data = tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        return {}
    project = data.get("project")
    return project if isinstance(project, dict) else {}


def python_version(repo: Path, choices: list[str]) -> Inferred | None:
    """``.python-version`` when it names a choice, else the lowest choice that
    ``requires-python`` allows."""
    pinned = (_text(repo / ".python-version") or "").strip().splitlines()
    wanted = minor(pinned[0].strip()) if pinned else None
    if wanted in choices:
        return Inferred(str(wanted), ".python-version")
    spec = _pyproject(repo).get("requires-python")
    if isinstance(spec, str):
        allowed = [
            c
            for c in sorted(choices, key=lambda v: tuple(map(int, v.split("."))))
            if satisfies(c, spec)
        ]
        if allowed:
            return Inferred(allowed[0], f"requires-python {spec!r} in pyproject.toml")
    return None


def dvc_remote(repo: Path) -> tuple[Inferred, Inferred] | None:
    """The default DVC remote's URL and the cloud its scheme names."""
    parser = configparser.ConfigParser(interpolation=None)
    # DVC writes configobj: indented keys and quoted section names.
    lines = [line.strip() for line in (_text(repo / ".dvc" / "config") or "").splitlines()]
    unquoted = [QUOTED_SECTION.sub(r"[\1]", line) for line in lines]
    try:
        parser.read_string("\n".join(unquoted))
    except configparser.Error:
        return None
    name = parser.get("core", "remote", fallback="").strip()
    url = parser.get(f'remote "{name}"', "url", fallback="").strip() if name else ""
    if not url:
        return None
    cloud = next((c for scheme, c in SCHEMES.items() if url.startswith(scheme)), None)
    if cloud is None and "://" in url:
        return None
    where = f"the default remote {name!r} in .dvc/config"
    return Inferred(url, where), Inferred(cloud or "none", where)


def terraform_cloud(repo: Path) -> Inferred | None:
    """The cloud whose provider the Terraform in ``terraform/`` requires."""
    folder = repo / "terraform"
    for path in sorted(folder.glob("*.tf")) if folder.is_dir() else []:
        for provider in re.findall(r"source\s*=\s*\"hashicorp/(\w+)\"", _text(path) or ""):
            if provider in PROVIDERS:
                return Inferred(
                    PROVIDERS[provider], f"the {provider} provider in {path.relative_to(repo)}"
                )
    return None


def github_owner(repo: Path) -> Inferred | None:
    try:
        url = subprocess.run(
            ["git", "config", "--get", "remote.origin.url"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return None
    found = GITHUB.search(url)
    return Inferred(found.group(1), "the git remote 'origin'") if found else None


def package_name(repo: Path) -> Inferred | None:
    packages = sorted(p.parent.name for p in (repo / "src").glob("*/__init__.py"))
    return Inferred(packages[0], f"src/{packages[0]}/") if len(packages) == 1 else None


def infer_answers(repo: Path, choices: dict[str, list[str]]) -> dict[str, Inferred]:
    """Every answer the repository already gives."""
    found: dict[str, Inferred] = {}
    project = _pyproject(repo)
    for key, field in (("project_name", "name"), ("description", "description")):
        if isinstance(project.get(field), str) and project[field].strip():
            found[key] = Inferred(project[field].strip(), f"[project] {field} in pyproject.toml")
    probes: list[tuple[str, Callable[[], Inferred | None]]] = [
        ("python_version", lambda: python_version(repo, choices.get("python_version", []))),
        ("package_name", lambda: package_name(repo)),
        ("github_owner", lambda: github_owner(repo)),
        ("cloud", lambda: terraform_cloud(repo)),
    ]
    for key, probe in probes:
        value = probe()
        if value is not None:
            found[key] = value
    remote = dvc_remote(repo)
    if remote is not None:
        found["dvc_remote_url"], found["cloud"] = remote
    return found
