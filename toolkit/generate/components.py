"""The parts ``mlrig add`` can bring, and what each needs already in the repository."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import UsageError, UserInputError

PKG = "src/{package_name}/"
STAGE_MODULES = ("prepare", "train", "evaluate", "data", "model", "params")


def _regular_file(path: Path) -> bool:
    """Whether ``path`` is a regular file (not a symlink), within the read bound."""
    from toolkit.generate.confine import read_regular

    try:
        return read_regular(path) is not None
    except UserInputError:
        return False


def _lock_problem(*wanted: str) -> Callable[[Path], str | None]:
    def problem(repo: Path) -> str | None:
        from toolkit.generate.lock_needs import lock_problem

        return lock_problem(repo, wanted)

    return problem


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
    # What is wrong with it when it is there (given the repository), if anything.
    problem: Callable[[Path], str | None] | None = None

    def absent(self, repo: Path, path: str, bringing: list[str]) -> bool:
        """Whether it is neither in ``repo`` nor among the files being added."""
        return not self.holds(repo / path) and not self.brought_in(path, bringing)

    def problem_in(self, repo: Path, path: str, bringing: list[str]) -> str | None:
        """What is wrong with it in ``repo`` (when it is there and not being added)."""
        if self.problem is None or self.brought_in(path, bringing) or self.absent(repo, path, []):
            return None
        return self.problem(repo)

    def brought_in(self, path: str, bringing: list[str]) -> bool:
        """Whether one of the files being added (``bringing``) gives it."""
        if self.brought is not None:
            return any(self.brought(p) for p in bringing)
        return any(p == path or p.startswith(path + "/") for p in bringing)


def _test_file(relative: str) -> bool:
    from toolkit.generate.tests_present import is_test_file

    return is_test_file(relative)


LOCK_WHY = "a hashed lock, which the workflows install with pip install --require-hashes"
LOCK = Prerequisite("requirements.txt", LOCK_WHY, _regular_file, problem=_lock_problem())
# CI runs ruff, pytest and dvc, and reads YAML, from the lock alone.
CI_LOCK = Prerequisite(
    "requirements.txt",
    LOCK_WHY,
    _regular_file,
    problem=_lock_problem("dvc", "pytest", "pyyaml", "ruff"),
)
PROJECT = Prerequisite("pyproject.toml", "the project the workflows install")


def _pipeline_problem(repo: Path) -> str | None:
    from toolkit.generate.stage_modules import pipeline_problem

    return pipeline_problem(repo)


PIPELINE = Prerequisite(
    "dvc.yaml", "the DVC pipeline the workflows reproduce", problem=_pipeline_problem
)
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
        (".github/workflows/ci.yml", PKG + "reproduce.py"),
        needs=(CI_LOCK, PROJECT, PIPELINE, TESTS),
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
            ".github/workflows/publish.yml",
            ".github/scripts/accept_result.py",
            ".github/scripts/rebase_result.py",
            PKG + "pins.py",
            PKG + "gate.py",
            PKG + "ct.py",
            PKG + "serving.py",
            PKG + "identity.py",
            PKG + "rollout.py",
            PKG + "drift.py",
            PKG + "drift_register.py",
            PKG + "drift_report.py",
            PKG + "capture.py",
            PKG + "window.py",
            PKG + "reference.py",
            "tests/test_pins.py",
            "tests/test_drift.py",
        ),
        yaml_keys=(("params.yaml", ("drift", "gate", "monitoring")),),
        needs=(LOCK, PROJECT, PIPELINE, PARAMS),
    ),
    # The model server and its image: it loads the package's own model module.
    "serve": Component(
        (
            "serve/",
            ".github/workflows/serve-image.yml",
            ".github/workflows/publish.yml",
            ".github/scripts/accept_result.py",
            ".github/scripts/rebase_result.py",
            PKG + "serving.py",
            PKG + "identity.py",
        ),
        needs=(LOCK, PROJECT, Prerequisite(PKG + "model.py", "the model the server loads")),
    ),
    "infra": Component((".github/workflows/infra.yml", "terraform/"), needs_cloud=True),
    # The pipeline's outs are git-ignored where DVC writes them (dvc add/repro would too).
    # The stages run the template's modules: they come with the pipeline.
    "dvc": Component(
        (
            "dvc.yaml",
            "params.yaml",
            ".dvcignore",
            ".dvc/",
            "data/.gitignore",
            "models/.gitignore",
            *(PKG + f"{module}.py" for module in STAGE_MODULES),
        )
    ),
    "dvc-remote": Component((".dvc/config",), needs=(DVC_PROJECT,)),
    "dependabot": Component((".github/dependabot.yml",)),
}


def components(names: tuple[str, ...]) -> list[Component]:
    unknown = [name for name in names if name not in COMPONENTS]
    if unknown:
        raise UsageError(
            f"unknown component {unknown[0]!r}; components: {', '.join(sorted(COMPONENTS))}"
        )
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
        _refuse_special(repo, name, [p for _, p in paths if p != "."])
        missing = [f"{n.what or p} ({n.why})" for n, p in paths if n.absent(repo, p, others)]
        if component.needs_cloud and answers.get("cloud") == "none":
            missing.append("a cloud (cloud is 'none': there is no infrastructure to manage)")
        problems = [found for n, p in paths if (found := n.problem_in(repo, p, others))]
        if missing or problems:
            said = ["it needs " + "; ".join(missing)] if missing else []
            raise UserInputError(f"cannot add {name} to {repo}: " + "; ".join(said + problems))


def _refuse_special(repo: Path, name: str, paths: list[str]) -> None:
    """Refuse a prerequisite that is a named pipe, a socket or a device: it is never
    opened (reading a FIFO waits forever), and it is not the file the part needs."""
    from toolkit.generate.confine import special_file

    found = [f"{path} is {kind}" for path in paths if (kind := special_file(repo / path))]
    if found:
        raise UserInputError(
            f"cannot add {name} to {repo}: {'; '.join(found)}; mlrig reads only regular files"
        )
