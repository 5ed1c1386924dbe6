"""What the modules ``mlrig add`` wrote import and the repository does not depend on.

The template's pipeline modules import third-party packages (scikit-learn, joblib,
PyYAML, ...). In a repository mlrig did not generate, the project may not depend
on them: ``add`` says which, so ``dvc repro`` does not fail on an ImportError later.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Mapping
from pathlib import Path

from toolkit.generate.lock_needs import NAME, normalise

# Import names whose distribution is called something else.
DISTRIBUTIONS = {
    "sklearn": "scikit-learn",
    "yaml": "pyyaml",
    "PIL": "pillow",
    "cv2": "opencv-python",
    "skimage": "scikit-image",
}
MANIFESTS = ("requirements.in", "requirements.txt", "requirements-train.in")


def _imports(source: bytes) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def _declared(repo: Path) -> set[str]:
    """The distributions the project depends on: pyproject's dependencies (all groups) and
    the requirements files."""
    from toolkit.generate.infer import pyproject

    project = pyproject(repo).get("project")
    project = project if isinstance(project, dict) else {}
    specs = [d for d in project.get("dependencies") or [] if isinstance(d, str)]
    for group in (project.get("optional-dependencies") or {}).values():
        specs += [d for d in group if isinstance(d, str)] if isinstance(group, list) else []
    for name in MANIFESTS:
        path = repo / name
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 1 << 20:
            specs += path.read_text(encoding="utf-8", errors="replace").splitlines()
    found = (NAME.match(spec) for spec in specs if not spec.lstrip().startswith(("#", "-")))
    return {normalise(m.group(1)) for m in found if m}


def missing_dependencies(
    repo: Path, written: Mapping[str, bytes | None], package: str
) -> list[str]:
    """The distributions that the Python files in ``written`` import and ``repo`` does not
    declare, sorted."""
    imported: set[str] = set()
    for path, data in written.items():
        if path.endswith(".py") and data is not None:
            imported |= _imports(data)
    third_party = imported - set(sys.stdlib_module_names) - {package, "__future__"}
    wanted = {normalise(DISTRIBUTIONS.get(name, name)) for name in third_party}
    return sorted(wanted - _declared(repo) - {normalise(package)})
