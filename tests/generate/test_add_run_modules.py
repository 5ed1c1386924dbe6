"""Every ``python -m <package>.<module>`` that a workflow written by ``mlrig add`` runs
exists after the add: the repository's own module, or the template's, brought with the
part together with the package modules it imports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import RunMlrig
from tests.generate.test_add_prompts import repo
from toolkit.generate.components import COMPONENTS

FIXTURE = Path(__file__).parent / "fixtures" / "plain-repo"
__all__ = ["repo"]
PACKAGE = "churn_model"
# Every part that writes a workflow (the others run nothing).
WORKFLOW_PARTS = sorted(
    name
    for name, part in COMPONENTS.items()
    if any(path.startswith(".github/workflows/") for path in part.paths)
)
RUN = re.compile(rf"python[0-9.]*\s+-m\s+({PACKAGE}(?:\.\w+)*)")


@pytest.fixture
def plain(repo: Path) -> Path:
    """A repository mlrig did not generate (with its lock), with what every part needs."""
    (repo / "src" / PACKAGE / "model.py").write_text("MODEL = 'model.pkl'\n", encoding="utf-8")
    return repo


def run_modules(repo: Path) -> set[str]:
    """The package modules that the repository's workflows run."""
    found: set[str] = set()
    for workflow in (repo / ".github" / "workflows").glob("*.yml"):
        for line in workflow.read_text(encoding="utf-8").splitlines():
            if not line.lstrip().startswith("#"):
                found.update(RUN.findall(line))
    return found


def module_file(repo: Path, module: str) -> Path | None:
    inner = "/".join(module.split(".")[1:])
    for relative in (f"{inner}.py", f"{inner}/__main__.py"):
        if (repo / "src" / PACKAGE / relative).is_file():
            return repo / "src" / PACKAGE / relative
    return None


def test_the_parts_with_workflows() -> None:
    assert WORKFLOW_PARTS == ["cd", "ci", "ct", "infra", "serve"]


@pytest.mark.parametrize("part", WORKFLOW_PARTS)
def test_each_module_a_part_s_workflows_run_exists_after_adding_it(
    plain: Path, run_mlrig: RunMlrig, part: str
) -> None:
    repo = plain
    result = run_mlrig("add", part, "-C", repo)
    assert result.code == 0, result.err
    for module in sorted(run_modules(repo)):
        assert module_file(repo, module) is not None, f"{part}: {module}"


def test_add_ci_brings_the_gate_and_what_it_imports(plain: Path, run_mlrig: RunMlrig) -> None:
    repo = plain
    result = run_mlrig("add", "ci", "-C", repo)
    assert result.code == 0, result.err
    wrote = [line for line in result.out.splitlines() if line.startswith("wrote ")]
    assert wrote == [
        "wrote .github/workflows/ci.yml",
        f"wrote src/{PACKAGE}/gate.py",
        f"wrote src/{PACKAGE}/params.py",
        f"wrote src/{PACKAGE}/reproduce.py",
        "wrote .mlrig-answers.yml",
    ]
    assert run_modules(repo) == {f"{PACKAGE}.gate", f"{PACKAGE}.reproduce"}
    assert (repo / "src" / PACKAGE / "train.py").read_text(encoding="utf-8") == (
        FIXTURE / "src" / PACKAGE / "train.py"
    ).read_text(encoding="utf-8")


def test_a_module_neither_has_refuses_the_add(
    plain: Path, run_mlrig: RunMlrig, template_copy: Path
) -> None:
    """A fork whose workflow runs a module its template does not carry."""
    ci = template_copy / "{{cookiecutter.project_slug}}" / ".github" / "workflows" / "ci.yml"
    text = ci.read_text(encoding="utf-8")
    ci.write_text(
        text.replace(
            ".gate\n", ".gate\n\n      - run: python -m {{ cookiecutter.package_name }}.audit\n", 1
        ),
        encoding="utf-8",
    )
    repo = plain
    result = run_mlrig("add", "ci", "-C", repo, "--template", template_copy)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"mlrig: error: cannot add ci to {repo}: its workflows run modules that neither the "
        f"repository nor the template has: {PACKAGE}.audit (src/{PACKAGE}/audit.py)\n"
    )
    assert not (repo / ".github").exists()
