"""Build a :class:`toolkit.check.scope.Scope` from a project's file list and texts."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from toolkit.check import _scope_scan as scan
from toolkit.check.scope import (
    MANIFESTS,
    PROJECT_MANIFESTS,
    Scope,
    Unit,
    installed_files,
    nested_git_roots,
    variant_tag,
)

if TYPE_CHECKING:
    from toolkit.check.project import Project

_LOCK_PAIRS = {"pyproject.toml": ("uv.lock", "poetry.lock", "pdm.lock")}
_DOCKER_NEIGHBOURS = (".dockerignore",)


def build(project: Project) -> Scope:
    files = project.files
    fileset = set(files)
    dockerfiles = _per_file(project, "dockerfile", _docker_facts)
    terraform = {posixpath.dirname(p) for p in files if p.endswith("/.terraform.lock.hcl")}
    roots = {posixpath.dirname(p) for p in files if posixpath.basename(p) in MANIFESTS}
    roots |= {posixpath.dirname(posixpath.dirname(p)) for p in files if _is_dvc_config(p)}
    roots |= terraform | set(nested_git_roots(project)) | _submodules(project, fileset)
    roots |= _docker_contexts(dockerfiles, fileset, project.folders())
    scope = Scope(roots - {""}, terraform - {""})
    for path, facts in dockerfiles.items():
        folder = posixpath.dirname(path)
        contexts = [folder, scope.project_of(path), ""]
        for start, installs, _, urls in facts[0]:
            unit = scope.add_unit(path, start)
            _remember_urls(scope, unit, urls)
            _link_installs(scope, unit, installs, (contexts, facts[1]), fileset)
    for kind in ("workflow", "action"):
        for path, units in _per_file(project, kind, _workflow_facts).items():
            for start, installs, folder, urls in units:
                unit = scope.add_unit(path, start, project=_job_project(scope, folder, path))
                _remember_urls(scope, unit, urls)
                _link_installs(scope, unit, installs, ([folder, ""], []), fileset)
    for path, (links, urls) in _per_file(project, "pydeps", _requirement_facts).items():
        unit = scope.unit_of(path)
        _remember_urls(scope, unit, urls)
        for name in links:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), name))
            if target in fileset:
                scope.link(unit, scope.unit_of(target))
        for sibling in _lock_siblings(path):
            if sibling in fileset:
                scope.link(unit, scope.unit_of(sibling))
    _mark_index_variants(scope)
    return scope


def _is_dvc_config(path: str) -> bool:
    """Whether ``path`` is the ``.dvc/config`` of a DVC repository (whose folder is a project)."""
    return path == ".dvc/config" or path.endswith("/.dvc/config")


def _per_file(project: Project, kind: str, extract: Any) -> dict[str, Any]:
    if not project.has(kind):
        return {}
    found = project.each_file(kind, f"scope-{kind}", lambda p, t: [(p, extract(t))], parse=False)
    return dict(found)


def _docker_facts(text: str) -> tuple[list[scan.UnitScan], list[str]]:
    return scan.dockerfile_units(text), scan.copy_sources(text)


def _workflow_facts(text: str) -> list[scan.UnitScan]:
    return scan.workflow_units(text)


def _requirement_facts(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return scan.requirement_links(text)


def _lock_siblings(path: str) -> list[str]:
    folder, name = posixpath.split(path)
    siblings = [posixpath.join(folder, lock) for lock in _LOCK_PAIRS.get(name, ())]
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix == "in":
        siblings += [posixpath.join(folder, f"{stem}.{ext}") for ext in ("txt", "lock")]
    return siblings


def _submodules(project: Project, fileset: set[str]) -> set[str]:
    if ".gitmodules" not in fileset:
        return set()
    text = project.text(".gitmodules") or ""
    found = set()
    for line in text.splitlines():
        key, _, value = line.strip().partition("=")
        if key.strip() == "path" and value.strip():
            found.add(value.strip().strip("/"))
    return found


def _docker_contexts(dockerfiles: dict[str, Any], fileset: set[str], folders: set[str]) -> set[str]:
    """Folders whose Dockerfile builds from its own folder: it copies files found there,
    or it copies nothing found at the top and the folder holds more than Dockerfiles."""
    wanted = {posixpath.dirname(path) for path in dockerfiles}
    contents: dict[str, list[str]] = {}
    for path in fileset:
        parent, name = posixpath.split(path)
        if parent in wanted:
            contents.setdefault(parent, []).append(name)
    found = set()
    for path, (_, sources) in dockerfiles.items():
        folder = posixpath.dirname(path)
        if not folder:
            continue
        here = [s for s in sources if _exists(posixpath.join(folder, s), fileset, folders)]
        top = [s for s in sources if s not in {".", "./"} and _exists(s, fileset, folders)]
        if (here and not top) or (not top and _has_context_files(contents.get(folder, []))):
            found.add(folder)
    return found


def _has_context_files(names: list[str]) -> bool:
    """Whether a folder holds more than Dockerfiles, their ignore file and documents."""
    for name in names:
        if name.endswith(".md") or name in _DOCKER_NEIGHBOURS:
            continue
        if "dockerfile" not in name.lower() and "containerfile" not in name.lower():
            return True
    return False


def _exists(path: str, fileset: set[str], folders: set[str]) -> bool:
    normal = posixpath.normpath(path)
    return normal in fileset or normal in folders


def _link_installs(
    scope: Scope,
    unit: Unit,
    installs: tuple[str, ...],
    where: tuple[list[str], list[str]],
    fileset: set[str],
) -> None:
    """Link ``unit`` to the files it installs, looked up in the ``where`` (contexts,
    ``COPY`` sources)."""
    contexts, copies = where
    for name in installs:
        if name == scan.PROJECT_FILES:
            targets = [
                posixpath.normpath(posixpath.join(context, manifest))
                for context in contexts[:1]
                for manifest in PROJECT_MANIFESTS
            ]
        else:
            # A build argument picks one of several files: link none of them, so that
            # the alternatives are never compared with each other through this unit.
            targets = [] if "$" in name else installed_files(name, contexts, copies, fileset)
        for target in targets:
            if target in fileset:
                scope.link(unit, scope.unit_of(target))


def _job_project(scope: Scope, folder: str, path: str) -> str:
    """The project a job works in: its ``working-directory``'s, else its file's."""
    folder = posixpath.normpath(folder) if folder and "$" not in folder else "."
    return scope.project_of(path if folder in {".", "/"} else folder.lstrip("/"))


def _remember_urls(scope: Scope, unit: Unit, urls: tuple[str, ...]) -> None:
    tags = {tag for tag in map(variant_tag, urls) if tag}
    if len(tags) == 1:
        scope.url_tags[unit.id] = tags.pop()


def _mark_index_variants(scope: Scope) -> None:
    """A unit whose index URL names a flavour is a variant when its project has
    another unit that names a different one (files that exist to differ)."""
    by_group: dict[str, set[str]] = {}
    for unit in scope.by_id.values():
        tag = unit.tag or scope.url_tags.get(unit.id)
        if tag:
            by_group.setdefault(unit.group, set()).add(tag)
    for unit_id, tag in scope.url_tags.items():
        unit = scope.by_id[unit_id]
        if unit.tag is None and len(by_group.get(unit.group, set())) > 1:
            scope.retag(unit, tag)
