"""What the Terraform rules share: modules (folders of ``.tf`` files), which of them are
root modules, their lock files, and provider source addresses.

A folder is a **child module** when a path segment is ``modules`` (the
registry's standard layout) or when another module in the project calls it by
a local path (``source = "./network"``). Any other folder is a **root module**
when it has a ``terraform`` block, a ``backend``/``cloud`` block, a
``provider`` configuration or a lock file: the folders where someone runs
``terraform init``. A folder with none of these is a fragment of a module that
is used from elsewhere, and only the rules for every module apply to it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import NamedTuple

from toolkit.check.project import Project
from toolkit.check.views._hcl import Str, Value
from toolkit.check.views.terraform import LOCK_NAME, LockFile, RequiredProvider, TerraformFile

DEFAULT_HOST = "registry.terraform.io"
BUILTIN = "terraform.io/builtin/terraform"


class Module(NamedTuple):
    """The ``.tf`` files of one folder, its lock file, and whether it is a root module."""

    folder: str
    files: tuple[TerraformFile, ...]
    lock: LockFile | None
    lock_present: bool
    root: bool
    calls: tuple[str, ...] = ()

    @property
    def lock_path(self) -> str:
        return posixpath.join(self.folder, LOCK_NAME)

    @property
    def first_file(self) -> TerraformFile:
        return self.files[0]


def modules(project: Project) -> list[Module]:
    """Every folder with ``.tf`` files that parsed, sorted by folder (worked out once per run)."""
    return project.derived("terraform-modules", lambda: _modules(project))


def _modules(project: Project) -> list[Module]:
    views = project.views("terraform")
    by_folder: dict[str, list[TerraformFile]] = {}
    locks: dict[str, LockFile] = {}
    for view in views:
        if isinstance(view, LockFile):
            locks[view.folder] = view
        else:
            by_folder.setdefault(view.folder, []).append(view)
    calls = {folder: _local_calls(folder, files) for folder, files in by_folder.items()}
    called = {target for targets in calls.values() for target in targets}
    present = {path for path in project.files_of("terraform") if path.endswith(LOCK_NAME)}
    found = []
    for folder in sorted(by_folder):
        files = tuple(sorted(by_folder[folder], key=lambda f: f.path))
        lock_present = posixpath.join(folder, LOCK_NAME) in present
        child = "modules" in folder.split("/") or folder in called
        looks_root = lock_present or any(
            f.terraform_blocks or f.backends or f.providers for f in files
        )
        root = looks_root and not child
        lock = locks.get(folder)
        found.append(Module(folder, files, lock, lock_present, root, calls[folder]))
    return found


def _local_calls(folder: str, files: list[TerraformFile]) -> tuple[str, ...]:
    targets = []
    for view in files:
        for call in view.modules:
            source = literal(call.source)
            if source is not None and source.startswith(("./", "../")):
                target = posixpath.normpath(posixpath.join(folder, source.split("//")[0]))
                targets.append("" if target == "." else target)
    return tuple(sorted(set(targets)))


def configuration(
    module: Module, project: Project
) -> Iterator[tuple[TerraformFile, RequiredProvider]]:
    """Every required provider of ``module`` and of the modules it calls by local path."""
    if not module.calls:
        yield from (
            (view, provider) for view in module.files for provider in view.required_providers
        )
        return
    by_folder = {m.folder: m for m in modules(project)}
    seen: set[str] = set()
    todo = [module.folder]
    while todo:
        folder = todo.pop(0)
        current = by_folder.get(folder)
        if folder in seen or current is None:
            continue
        seen.add(folder)
        todo.extend(current.calls)
        for view in current.files:
            for provider in view.required_providers:
                yield view, provider


def literal(value: Value | None) -> str | None:
    """The text of a literal string value, else ``None``."""
    return value.value if isinstance(value, Str) and value.literal else None


def provider_address(source: str) -> str:
    """The full, lower-case address (``hashicorp/aws``: ``registry.terraform.io/hashicorp/aws``)."""
    parts = source.strip().lower().split("/")
    if len(parts) == 1:
        parts = ["hashicorp", *parts]
    if len(parts) == 2:
        parts = [DEFAULT_HOST, *parts]
    return "/".join(parts)


def where(value: Value | None, fallback: tuple[int, int]) -> tuple[int, int]:
    """The line and column of ``value``, or ``fallback`` when it is absent."""
    if value is None:
        return fallback
    return value.line, value.column
