"""What a repository that mlrig did not generate already says about the template's answers.

Each inferred answer carries where it was read, so ``mlrig add`` can say so.
Nothing here runs code or a tool: files are read as text, and a file that
cannot be read or parsed simply says nothing.
"""

from __future__ import annotations

import configparser
import re
import subprocess
from collections.abc import Callable, Mapping
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
    """The text of a regular file (never a symlink, a named pipe or a device, which could
    block the read), or ``None``."""
    from toolkit.errors import UserInputError
    from toolkit.generate.confine import read_regular

    try:
        data = read_regular(path, MAX_BYTES)
        return None if data is None else data.decode("utf-8")
    except (OSError, UserInputError, UnicodeDecodeError):
        return None


def pyproject(repo: Path) -> dict[str, Any]:
    """The repository's ``pyproject.toml`` (empty when absent or not valid TOML)."""
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
    return data


def _pyproject(repo: Path) -> dict[str, Any]:
    project = pyproject(repo).get("project")
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
    kind = "default" if name else "only"
    remotes = [section for section in parser.sections() if section.startswith('remote "')]
    if not name and len(remotes) == 1:  # the only remote, though not the default
        name = remotes[0].removeprefix('remote "').removesuffix('"')
    url = parser.get(f'remote "{name}"', "url", fallback="").strip() if name else ""
    if not url:
        return None
    cloud = next((c for scheme, c in SCHEMES.items() if url.startswith(scheme)), None)
    if cloud is None and "://" in url:
        return None
    where = f"the {kind} remote {name!r} in .dvc/config"
    return Inferred(url, where), Inferred(cloud or "none", where)


PROVIDER = re.compile(
    r"""source\s*=\s*"(?:registry\.terraform\.io/)?hashicorp/(\w+)"|provider\s+"(\w+)"\s*{"""
)
MAX_TF_FILES = 200


def _tf_files(repo: Path) -> list[Path]:
    """``*.tf`` files at the top and up to two folders down (bounded; no symlinks)."""
    found = [
        path
        for pattern in ("*.tf", "*/*.tf", "*/*/*.tf")
        for path in sorted(repo.glob(pattern))
        if not any(part.startswith(".") for part in path.relative_to(repo).parts)
    ]
    return found[:MAX_TF_FILES]


def terraform_cloud(repo: Path) -> Inferred | None:
    """The one cloud whose provider the repository's Terraform requires or configures
    (none when it names several: which one the data lives in is then the user's call)."""
    seen: dict[str, str] = {}
    for path in _tf_files(repo):
        for required, configured in PROVIDER.findall(_text(path) or ""):
            cloud = PROVIDERS.get(required or configured)
            if cloud is not None:
                seen.setdefault(
                    cloud, f"the {required or configured} provider in {path.relative_to(repo)}"
                )
    if len(seen) != 1:
        return None
    ((cloud, source),) = seen.items()
    return Inferred(cloud, source)


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
    """The import package, when the repository names exactly one (see
    :mod:`toolkit.generate.infer_package`)."""
    from toolkit.generate.infer_package import packages

    found = packages(repo, pyproject(repo))
    if found is None or len(found.names) != 1:
        return None
    return Inferred(found.names[0], found.source)


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


# Answers that the repository's own files state and that every file must agree with.
STATED = ("python_version", "cloud", "dvc_remote_url", "package_name")


def _agrees(repo: Path, key: str, value: str, said: Inferred) -> bool:
    """Whether ``value`` agrees with what the repository says (a ``requires-python`` range
    allows every version inside it; only ``.python-version`` names one)."""
    if key == "python_version" and said.source.startswith("requires-python"):
        return python_version(repo, [value]) is not None
    return value == said.value


def refuse_contradicting(
    repo: Path, choices: dict[str, list[str]], given: Mapping[str, Any]
) -> None:
    """Refuse a ``--set`` answer that the repository's own files contradict (in a repository
    mlrig did not generate, which keeps files mlrig does not update): the generated files
    would name one value and the repository's another, silently."""
    from toolkit.errors import UserInputError

    said = infer_answers(repo, choices)
    for key in STATED:
        if key in given and key in said and not _agrees(repo, key, str(given[key]), said[key]):
            raise UserInputError(
                f"--set {key}={given[key]}: the repository says {said[key].value} "
                f"({said[key].source}); change it there first, so that every file agrees"
            )
