"""Whether a DVC pipeline's stages can run: each ``python -m <module>`` and
``python <script>.py`` that a stage's ``cmd`` names must be a file of the repository
(or one being added with it).

``mlrig add dvc`` brings the template's ``dvc.yaml``, whose stages run the
template's own modules; in a repository mlrig did not generate those are usually
not there, and a pipeline that cannot run must neither be written nor count as
the pipeline that ``ci``, ``cd`` and ``ct`` reproduce.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from pathlib import Path

from toolkit.errors import UserInputError

MODULE = re.compile(r"(?:^|[\s;&|(])python[0-9.]*\s+-m\s+([A-Za-z_][\w.]*)")
SCRIPT = re.compile(r"(?:^|[\s;&|(])python[0-9.]*\s+((?!-)\S+\.py)(?=\s|$)")


def _commands(text: str) -> list[str]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    stages = data.get("stages") if isinstance(data, dict) else None
    found: list[str] = []
    for stage in stages.values() if isinstance(stages, dict) else []:
        cmd = stage.get("cmd") if isinstance(stage, dict) else None
        found += [cmd] if isinstance(cmd, str) else [c for c in cmd or [] if isinstance(c, str)]
    return found


def _module_files(repo: Path, module: str) -> list[str]:
    from toolkit.generate.package_dir import package_dir

    top, *rest = module.split(".")
    folder = package_dir(repo, top)
    inner = "/".join(rest)
    if not inner:
        return [f"{folder}/__main__.py", f"{top}.py"]
    return [f"{folder}/{inner}.py", f"{folder}/{inner}/__main__.py"]


def missing_modules(repo: Path, text: str, bringing: Iterable[str] = ()) -> list[str]:
    """What the stages of a ``dvc.yaml`` (``text``) run that is neither in ``repo`` nor
    among ``bringing``, each as ``module (file)`` or ``script``."""
    present = set(bringing)

    def there(relative: str) -> bool:
        return relative in present or (repo / relative).is_file()

    missing: list[str] = []
    for command in _commands(text):
        for module in MODULE.findall(command):
            files = _module_files(repo, module)
            if not any(there(f) for f in files):
                missing.append(f"{module} ({files[0]})")
        for script in SCRIPT.findall(command):
            relative = shlex.split(script)[0] if script else script
            if not there(relative.removeprefix("./")):
                missing.append(relative)
    return list(dict.fromkeys(missing))


def pipeline_problem(repo: Path) -> str | None:
    """Why the repository's ``dvc.yaml`` cannot run, or ``None``."""
    from toolkit.generate.confine import read_regular

    try:
        data = read_regular(repo / "dvc.yaml")
    except UserInputError:
        return None
    if data is None:
        return None
    missing = missing_modules(repo, data.decode("utf-8", errors="replace"))
    if not missing:
        return None
    return f"dvc.yaml runs what the repository does not have: {', '.join(missing)}"


def refuse_unrunnable_pipeline(repo: Path, rendered: Path, bringing: list[str]) -> None:
    """Refuse to add the template's ``dvc.yaml`` when its stages cannot run in ``repo``."""
    missing = missing_modules(repo, rendered.read_text(encoding="utf-8"), bringing)
    if missing:
        raise UserInputError(
            f"cannot add dvc to {repo}: the template's dvc.yaml runs what the repository "
            f"does not have: {', '.join(missing)}; write those modules first, or run "
            "`dvc init`, write your own dvc.yaml and add dvc-remote"
        )
