"""The parts ``mlrig add`` can bring, and what each needs already in the repository."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import UsageError, UserInputError

PKG = "src/{package_name}/"


def _hashed_lock(path: Path) -> bool:
    """Whether ``path`` is a regular file (not a symlink), bounded, with hashes."""
    from toolkit.generate.confine import read_regular

    try:
        data = read_regular(path)
    except UserInputError:
        return False
    return data is not None and b"--hash=sha256:" in data


def _tests(repo: Path) -> bool:
    from toolkit.generate.tests_present import has_tests

    return has_tests(repo)


@dataclass(frozen=True)
class Prerequisite:
    """A path the component's files rely on, and why; ``what`` names it in messages when
    it is not one path (then ``path`` is ``.``, and a brought file satisfies it when
    ``brought`` says so)."""

    path: str
    why: str
    holds: Callable[[Path], bool] = Path.exists
    what: str = ""
    brought: Callable[[str], bool] | None = None

    def brought_in(self, path: str, bringing: list[str]) -> bool:
        """Whether one of the files being added (``bringing``) gives it."""
        if self.brought is not None:
            return any(self.brought(p) for p in bringing)
        return any(p == path or p.startswith(path + "/") for p in bringing)


def _test_file(relative: str) -> bool:
    from toolkit.generate.tests_present import is_test_file

    return is_test_file(relative)


LOCK = Prerequisite(
    "requirements.txt",
    "a hashed lock, which the workflows install with pip install --require-hashes",
    _hashed_lock,
)
PROJECT = Prerequisite("pyproject.toml", "the project the workflows install")
PIPELINE = Prerequisite("dvc.yaml", "the DVC pipeline the workflows reproduce")
PARAMS = Prerequisite("params.yaml", "the parameters continuous training changes")
TESTS = Prerequisite(
    ".",
    "CI runs `python -m pytest`, which fails when it collects no test",
    _tests,
    what="a test file (test_*.py or *_test.py) where pytest looks",
    brought=_test_file,
)
DVC_PROJECT = Prerequisite(
    ".dvc", "a DVC project: run `dvc init` or `mlrig add dvc` first", Path.is_dir
)


@dataclass(frozen=True)
class Component:
    """Files a component brings (path prefixes; ``{package_name}`` is filled in), top-level
    keys it adds to YAML files that may already exist, and what it needs."""

    paths: tuple[str, ...]
    yaml_keys: tuple[tuple[str, tuple[str, ...]], ...] = ()
    needs: tuple[Prerequisite, ...] = ()
    needs_cloud: bool = False


COMPONENTS: dict[str, Component] = {
    "pre-commit": Component((".pre-commit-config.yaml",)),
    "ci": Component(
        (".github/workflows/ci.yml", PKG + "reproduce.py"), needs=(LOCK, PROJECT, PIPELINE, TESTS)
    ),
    "cd": Component(
        (
            ".github/workflows/cd.yml",
            "deploy/",
            PKG + "pins.py",
            PKG + "gate.py",
            PKG + "serving.py",
            PKG + "managed/",
            PKG + "identity.py",
            PKG + "rollout.py",
            "tests/test_pins.py",
        ),
        needs=(LOCK, PROJECT, PIPELINE),
    ),
    "ct": Component(
        (
            ".github/workflows/ct.yml",
            ".github/workflows/drift.yml",
            PKG + "pins.py",
            PKG + "gate.py",
            PKG + "ct.py",
            PKG + "serving.py",
            PKG + "identity.py",
            PKG + "rollout.py",
            PKG + "drift.py",
            PKG + "capture.py",
            "tests/test_pins.py",
            "tests/test_drift.py",
        ),
        yaml_keys=(("params.yaml", ("drift", "gate", "monitoring")),),
        needs=(LOCK, PROJECT, PIPELINE, PARAMS),
    ),
    # The model server and its image: it loads the package's own model module.
    "serve": Component(
        ("serve/", ".github/workflows/serve-image.yml", PKG + "serving.py", PKG + "identity.py"),
        needs=(LOCK, PROJECT, Prerequisite(PKG + "model.py", "the model the server loads")),
    ),
    "infra": Component((".github/workflows/infra.yml", "terraform/"), needs_cloud=True),
    # The pipeline's outs are git-ignored where DVC writes them (dvc add/repro would too).
    "dvc": Component(
        ("dvc.yaml", "params.yaml", ".dvcignore", ".dvc/", "data/.gitignore", "models/.gitignore")
    ),
    "dvc-remote": Component((".dvc/config",), needs=(DVC_PROJECT,)),
    "dependabot": Component((".github/dependabot.yml",)),
}


def components(names: tuple[str, ...]) -> list[Component]:
    unknown = [name for name in names if name not in COMPONENTS]
    if unknown:
        raise UsageError(f"unknown component {unknown[0]!r}; components: {', '.join(COMPONENTS)}")
    return [COMPONENTS[name] for name in names]


def _place(path: str, package: str, folder: str | None) -> str:
    from toolkit.generate.package_dir import relocated

    path = path.format(package_name=package)
    return relocated(path, package, folder) if folder else path


def component_paths(
    rendered: Iterable[str], names: Iterable[str], package: str, folder: str | None = None
) -> list[str]:
    """The rendered paths that the components ``names`` bring (with the package at
    ``folder`` when the tree was relocated there)."""
    prefixes = tuple(_place(p, package, folder) for n in names for p in COMPONENTS[n].paths)
    return sorted(path for path in rendered if path.startswith(prefixes))


def refuse_missing_early(
    repo: Path, names: tuple[str, ...], package: str | None, folder: str | None = None
) -> None:
    """:func:`refuse_missing` before the answers are known (``package`` when it is)."""
    bringing = [
        _place(path, package or "{package_name}", folder)
        for name in names
        for path in COMPONENTS[name].paths
    ]
    answers = {"package_name": package} if package else {}
    refuse_missing(repo, names, bringing, answers, folder)


def refuse_missing(
    repo: Path,
    names: tuple[str, ...],
    bringing: list[str],
    answers: Mapping[str, Any],
    folder: str | None = None,
) -> None:
    """Raise, naming every missing prerequisite, unless each is in ``repo`` or among the
    files that the *other* components being added bring (a part never satisfies its own
    prerequisite: ``dvc-remote`` writes ``.dvc/config`` but needs a DVC project)."""
    package = str(answers.get("package_name", "{package_name}"))
    for name in names:
        component = COMPONENTS[name]
        own = tuple(_place(p, package, folder) for p in component.paths)
        others = [p for p in bringing if not p.startswith(own)]
        needs = [n for n in component.needs if "package_name" in answers or "{" not in n.path]
        paths = [(need, _place(need.path, package, folder)) for need in needs]
        missing = [
            f"{need.what or path} ({need.why})"
            for need, path in paths
            if not need.holds(repo / path) and not need.brought_in(path, others)
        ]
        if component.needs_cloud and answers.get("cloud") == "none":
            missing.append("a cloud (cloud is 'none': there is no infrastructure to manage)")
        if missing:
            raise UserInputError(f"cannot add {name} to {repo}: it needs " + "; ".join(missing))
