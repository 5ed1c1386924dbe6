"""The package modules that the workflows ``mlrig add`` writes run, and what they import.

A workflow step ``python -m <package>.gate`` fails on its first run when the
repository has no ``gate`` module. For every workflow a part writes, each module of
the repository's package that a step runs must exist after the add: the
repository's own file, or the template's, brought with the part together with the
package modules it imports (a module the repository already has is its own, and is
not looked into). A module that neither has refuses the add, naming it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import UserInputError
from toolkit.generate.stage_modules import MODULE

WORKFLOWS = ".github/workflows/"


def _runs(text: str) -> list[str]:
    """The ``run:`` scripts of a workflow's steps."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    jobs = data.get("jobs") if isinstance(data, dict) else None
    scripts: list[str] = []
    for job in jobs.values() if isinstance(jobs, dict) else []:
        steps = job.get("steps") if isinstance(job, dict) else None
        for step in steps if isinstance(steps, list) else []:
            run = step.get("run") if isinstance(step, dict) else None
            scripts += [run] if isinstance(run, str) else []
    return scripts


def workflow_modules(root: Path, paths: Iterable[str], package: str) -> list[str]:
    """The modules of ``package`` that the workflows among ``paths`` (rendered under
    ``root``) run with ``python -m``, in order."""
    found: list[str] = []
    for path in paths:
        if path.startswith(WORKFLOWS) and path.endswith((".yml", ".yaml")):
            for script in _runs((root / path).read_text(encoding="utf-8")):
                found += [m for m in MODULE.findall(script) if m.split(".")[0] == package]
    return list(dict.fromkeys(found))


@dataclass
class _Walk:
    """The search: the rendered template, the repository, and what was found."""

    root: Path
    repo: Path
    package: str
    folder: str
    bring: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def files(self, module: str, *, main: bool) -> list[str]:
        """Where ``module`` may live, relative to the repository: the module, the
        package's ``__init__``, and, for ``python -m``, the package's ``__main__``."""
        inner = "/".join(module.split(".")[1:])
        if not inner:
            return [f"{self.folder}/__main__.py" if main else f"{self.folder}/__init__.py"]
        package = f"{self.folder}/{inner}/{'__main__' if main else '__init__'}.py"
        return [f"{self.folder}/{inner}.py", package]

    def need(self, module: str, *, main: bool = False, required: bool = True) -> None:
        """Find ``module`` in the repository or the template; bring the template's."""
        if module == self.package and not main:
            return  # the repository's package itself: the part is added to it
        candidates = self.files(module, main=main)
        if any(c in self.bring or (self.repo / c).is_file() for c in candidates):
            return
        rendered = next((c for c in candidates if (self.root / c).is_file()), None)
        if rendered is None:
            if required:
                self.missing.append(f"{module} ({candidates[0]})")
            return
        self.bring.append(rendered)
        self._parents(rendered)
        for imported, must in _imports(self.root / rendered, module, self.package):
            self.need(imported, required=must)

    def _parents(self, relative: str) -> None:
        """The ``__init__.py`` of each subpackage between the package and ``relative``."""
        inner = Path(relative).relative_to(self.folder).parent.parts
        for depth in range(1, len(inner) + 1):
            self.need(".".join([self.package, *inner[:depth]]))


def _imports(path: Path, module: str, package: str) -> list[tuple[str, bool]]:
    """The modules of ``package`` that the file of ``module`` imports, each with whether
    it must be a module (``from package import name`` may import an attribute)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return []
    inside = path.name in {"__init__.py", "__main__.py"}
    here = module.split(".") if inside else module.split(".")[:-1]
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, True) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            origin = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            found += [(origin, True)] if node.module else []
            found += [(f"{origin}.{alias.name}", False) for alias in node.names]
    return [(name, must) for name, must in found if name.split(".")[0] == package]


def bring_run_modules(
    repo: Path, root: Path, paths: list[str], *, package: str, folder: str, names: Iterable[str]
) -> list[str]:
    """``paths`` with the template's modules that its workflows run (and what those
    import) that the repository lacks; refuse, naming them, when neither has one."""
    walk = _Walk(root, repo, package, folder, bring=[])
    for module in workflow_modules(root, paths, package):
        walk.need(module, main=True)
    if walk.missing:
        raise UserInputError(
            f"cannot add {', '.join(names)} to {repo}: its workflows run modules that neither "
            f"the repository nor the template has: {', '.join(walk.missing)}"
        )
    return sorted({*paths, *walk.bring})
