"""Where a repository keeps its import package, and putting the template's package files
there.

The template lays the package out as ``src/<package>/``; a repository mlrig did not
generate may keep it at the top (``./<package>``, a flat layout) or below another
folder that its build configuration names. Every path ``add`` writes or requires, and
every path ``update`` plans, goes to the package's real folder.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from toolkit.generate.infer_package import _strings, _table


def _configured(data: dict[str, Any], package: str) -> list[str]:
    """Folders that hold packages according to the build configuration."""
    tool = _table(data, "tool")
    where = _strings(_table(tool, "setuptools", "packages", "find").get("where"))
    root = _table(tool, "setuptools", "package-dir").get("")
    dirs = [root] if isinstance(root, str) else []
    hatch = _strings(_table(tool, "hatch", "build", "targets", "wheel").get("packages"))
    hatch += _strings(_table(tool, "hatch", "build").get("packages"))
    listed = [str(Path(p).parent) for p in hatch if Path(p).name == package]
    return [*listed, *where, *dirs]


def package_dir(repo: Path, package: str) -> str:
    """The folder of ``package`` relative to ``repo``: the first of the configured
    folders, ``src/`` and the top that holds it as a real folder; else ``src/<package>``."""
    from toolkit.generate.infer import pyproject

    for parent in (*_configured(pyproject(repo), package), "src", "."):
        folder = (Path(parent) / package).as_posix().removeprefix("./")
        path = repo / folder
        if ".." not in Path(folder).parts and path.is_dir() and not path.is_symlink():
            return folder
    return f"src/{package}"


def relocated(path: str, package: str, folder: str) -> str:
    """``path`` of the rendered template, in a repository whose package is at ``folder``."""
    template = f"src/{package}/"
    if folder == template.rstrip("/") or not path.startswith(template):
        return path
    return f"{folder}/{path.removeprefix(template)}"


def relocate_tree(root: Path, package: str, folder: str) -> None:
    """Move the rendered ``src/<package>/`` of ``root`` (mlrig's scratch) to ``folder``."""
    source = root / "src" / package
    if folder == f"src/{package}" or not source.is_dir():
        return
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        target = root / relocated(path.relative_to(root).as_posix(), package, folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
    shutil.rmtree(source)
    if not any((root / "src").iterdir()):
        (root / "src").rmdir()
    _repoint(root, f"src/{package}/", f"{folder}/")


def _repoint(root: Path, old: str, new: str) -> None:
    """Rewrite the package's template path, where it is a path of the repository, in the
    rendered text files (pipeline deps, workflow path filters, the serving image's
    ``COPY`` source); a path inside an image (``/app/src/<package>/``) stays."""
    relative = re.compile(r"(?<![\w./-])" + re.escape(old))
    for path in (p for p in root.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if relative.search(text):
            path.write_text(relative.sub(lambda _: new, text), encoding="utf-8")
