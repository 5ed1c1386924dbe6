"""The two templates of an update: the one a repository was generated from (the merge
base) and the one it moves to.

The base must be exactly the recorded version: mlrig's own template of that
release (bundled in the wheel, or from the git history of a checkout), or a
fork's template fetched from its git URL at the recorded commit. When it cannot
be had, the update stops and says so: merging against nothing would turn every
template change into a conflict or silently drop it.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

from toolkit import __version__
from toolkit.errors import UsageError, UserInputError
from toolkit.generate.answers import template_options
from toolkit.generate.answers_file import AnswersRecord
from toolkit.generate.gitsource import GitFetchError, git_template, is_git_url
from toolkit.generate.releases import Release, bundled_releases, extract_release, find_release
from toolkit.generate.render import resolve_commit, template_at
from toolkit.generate.sources import TemplateSource
from toolkit.resources import (
    bundled_template,
    is_bundled,
    template_commit,
    template_dir,
    template_repository,
)


class NoBaseError(UsageError):
    """The template a repository was generated from cannot be found (exit 2, so that
    ``update --check`` tells "cannot tell" from "behind")."""


MLRIG_GIT = "https://github.com/{}"
DEV = re.compile(r"\.dev|\+")
SHORT_SHA = re.compile(r"[0-9a-fA-F]{4,40}\Z")


@dataclass(frozen=True)
class Resolved:
    """A template folder ready to render, and what it is."""

    template: Path
    source: TemplateSource
    folder: Path | None = None  # the folder it came from, when that is a template folder


def describe_folder(template: Path, commit: str | None = None) -> TemplateSource:
    """The source of a template folder: mlrig's own, or one given on the command line."""
    raw = template_options(template)
    version = str(raw.get("_template_version", ""))
    commit = commit or template_commit(template)
    if is_bundled(template):
        name = str(raw.get("_template_name", template.name))
        source = TemplateSource("bundled", name=name, version=version, commit=commit)
        if DEV.search(version) and len(commit) == 40:
            # A build between releases: no wheel bundles its template later, so record
            # where mlrig's git history serves it.
            url = MLRIG_GIT.format(raw.get("mlrig_repository", "mlrig/mlrig"))
            return replace(source, url=url, directory=f"templates/{template.name}")
        return source
    return TemplateSource("path", name=str(template.resolve()), version=version, commit=commit)


def git_resolved(stack: ExitStack, url: str, ref: str, directory: str) -> Resolved:
    template, commit = stack.enter_context(git_template(url, ref, directory))
    version = str(template_options(template).get("_template_version", ""))
    source = TemplateSource("git", version=version, commit=commit, url=url, directory=directory)
    return Resolved(template, source)


def _folder_at(stack: ExitStack, folder: Path, to: str | None, scratch: Path) -> Resolved:
    if not to or (is_bundled(folder) and _installed_is(folder, to)):
        return Resolved(folder, describe_folder(folder), folder)
    release = _bundled_release(folder, to) if is_bundled(folder) else None
    if release is not None:
        template = extract_release(release, scratch)
        source = TemplateSource("bundled", release.name, release.version, release.commit)
        return Resolved(template, source, folder)
    commit = _history_commit(to, folder)
    template = stack.enter_context(template_at(commit, folder))
    source = replace(describe_folder(folder, commit), version=_version(template))
    return Resolved(template, source, folder)


def _bundled_release(folder: Path, to: str) -> Release | None:
    """The bundled release that ``--to`` names by version (``0.1.0``, ``v0.1.0``), by
    commit, or by a commit's prefix that no other bundled release shares."""
    known = bundled_releases(_name(folder))
    exact = [r for r in known if to in (r.version, f"v{r.version}", r.commit)]
    if exact:
        return exact[0]
    prefixed = [r for r in known if SHORT_SHA.match(to) and r.commit.startswith(to.lower())]
    if len(prefixed) > 1:
        raise UsageError(f"--to {to!r}: names several bundled releases; {_listing(folder)}")
    return prefixed[0] if prefixed else None


def _name(folder: Path) -> str:
    return str(template_options(folder).get("_template_name", folder.name))


def _listing(folder: Path) -> str:
    """The releases ``--to`` can name, and how to name a fork's commit instead."""
    releases = [f"{r.version} ({r.commit[:12]})" for r in bundled_releases(_name(folder))]
    installed = f"{_version(folder)} ({template_commit(folder)[:12]}, installed)"
    return (
        f"mlrig {__version__} carries {', '.join([*releases, installed])}; for a commit of a "
        "fork, name its git repository: --template <git URL> --to <commit>"
    )


def _installed_is(folder: Path, to: str) -> bool:
    """Whether ``--to`` names the installed template itself (its version or commit)."""
    commit = template_commit(folder)
    by_commit = len(commit) == 40 and SHORT_SHA.match(to) and commit.startswith(to.lower())
    return to in (_version(folder), f"v{_version(folder)}") or bool(by_commit)


def _history_commit(to: str, folder: Path) -> str:
    """The commit ``--to`` names in the git history that holds the template folder; for
    mlrig's own, a name that is neither is refused with what can be named."""
    if not is_bundled(folder):
        return resolve_commit(to, folder)
    if template_repository(folder) is not None:
        try:
            return resolve_commit(to, folder)
        except UserInputError:
            pass
    raise UsageError(
        f"--to {to!r}: not a release of the template nor a commit here; {_listing(folder)}"
    )


def _version(template: Path) -> str:
    return str(template_options(template).get("_template_version", ""))


def open_template(stack: ExitStack, given: str, directory: str = "") -> Resolved:
    """The template ``mlrig new`` renders: a name, a folder, or a git URL (at its HEAD)."""
    if is_git_url(given):
        return git_resolved(stack, given, "HEAD", directory)
    folder = template_dir(given)
    return Resolved(folder, describe_folder(folder), folder)


def open_target(
    stack: ExitStack,
    recorded: TemplateSource,
    *,
    given: str | None,
    directory: str,
    to: str | None,
    scratch: Path,
) -> Resolved:
    """The template to update to: from the command line, or the installed mlrig's;
    never a folder or git URL that the answers file names (running a template runs
    its code, and the answers file is the updated repository's)."""
    if given and is_git_url(given):
        return git_resolved(stack, given, to or "HEAD", directory or recorded.directory)
    if given:
        return _folder_at(stack, template_dir(given), to, scratch)
    if recorded.kind == "git":
        raise UsageError(
            f"this repository was generated from the template at {recorded.url}; pass "
            f"--template {recorded.url} to update from it (mlrig runs no template "
            "that an answers file names)"
        )
    if recorded.kind == "bundled":
        return _folder_at(stack, _recorded_bundled(recorded), to, scratch)
    raise UsageError(
        f"this repository was generated from the template folder {recorded.name}; "
        "name the template to update to with --template (mlrig runs no template "
        "that an answers file names)"
    )


def recorded_template(record: AnswersRecord, answers_file: Path) -> Path:
    """mlrig's own template that the answers file names, for ``add`` and ``update``
    without ``--template``.

    The answers file belongs to the repository, which may be a stranger's: a folder
    or git URL recorded there is never rendered (its hooks and filters are code), so
    anything but one of mlrig's own templates is refused with what to pass instead.
    """
    source = record.template_source()
    if source.kind == "git":
        raise UsageError(
            f"{answers_file}: records the template {source.url!r} (a git URL); mlrig runs "
            f"no template that a repository names: pass --template {source.url} if you "
            "trust it"
        )
    named = {source.name or "ml-repo", record.template or source.name or "ml-repo"}
    for name in sorted(named):
        if source.kind != "bundled" or bundled_template(name) is None:
            shown = name if bundled_template(name) is None else source.name
            raise UsageError(
                f"{answers_file}: records the template {shown!r}, which is not one of "
                "mlrig's; pass --template with the template you trust"
            )
    return _recorded_bundled(source)


def _recorded_bundled(source: TemplateSource) -> Path:
    """mlrig's own template that an answers file names; a path there is refused."""
    found = bundled_template(source.name or "ml-repo")
    if found is None:
        raise UsageError(
            f"the answers file names the template {source.name!r}, which is not one of "
            "mlrig's; pass --template with the template you trust"
        )
    return found


def _bundled_base(stack: ExitStack, source: TemplateSource, scratch: Path) -> Path | None:
    installed = _recorded_bundled(source)
    known = len(source.commit) == 40
    if (known and template_commit(installed) == source.commit) or (
        not known and _version(installed) == source.version
    ):
        return installed
    release = find_release(source.name or "ml-repo", source.version, source.commit)
    if release is not None:
        return extract_release(release, scratch)
    if known and template_repository(installed) is not None:
        try:
            return stack.enter_context(template_at(source.commit, installed))
        except UserInputError:
            return None
    return None


def _no_base(source: TemplateSource, why: str) -> NoBaseError:
    advice = (
        "Update with the mlrig release that generated this repository first, or name the "
        "old template with its git source"
    )
    if source.kind == "bundled":
        url = source.url or MLRIG_GIT.format(_installed_option("mlrig_repository"))
        directory = source.directory or f"templates/{source.name or 'ml-repo'}"
        advice = (
            f"Fetch it from mlrig's git history: mlrig update --base {url} "
            f"--base-directory {directory}"
        )
    return NoBaseError(f"no merge base: {source.describe()} {why}; nothing was changed. {advice}")


def _installed_option(key: str) -> str:
    return str(template_options(template_dir()).get(key, "mlrig/mlrig"))


def _fetched(stack: ExitStack, source: TemplateSource, target: Resolved) -> Path:
    """The recorded commit from the git repository given on the command line (never
    from the URL the answers file records)."""
    url, directory = target.source.url, target.source.directory
    try:
        return git_resolved(stack, url, source.commit, directory).template
    except UserInputError as err:
        reason = err.reason if isinstance(err, GitFetchError) else str(err)
        reason = reason.removeprefix(f"{url}: ")
        raise _no_base(source, f"cannot be fetched from {url}: {reason}") from None


def _from_history(stack: ExitStack, source: TemplateSource, folder: Path | None) -> Path | None:
    """The recorded commit from the git history of the template folder given."""
    if len(source.commit) == 40 and folder is not None and template_repository(folder):
        try:
            return stack.enter_context(template_at(source.commit, folder))
        except UserInputError:
            return None
    return None


def open_base(stack: ExitStack, source: TemplateSource, target: Resolved, scratch: Path) -> Path:
    """The template exactly as the repository was generated from it."""
    if source.kind == "bundled":
        found = _bundled_base(stack, source, scratch)
        if found is not None:
            return found
    if source.kind in {"git", "bundled"} and target.source.kind == "git":
        return _fetched(stack, source, target)
    found = _from_history(stack, source, target.folder)
    if found is not None:
        return found
    if source.kind == "bundled":
        raise _no_base(source, f"is not bundled with mlrig {__version__} nor in a git history here")
    raise _no_base(source, "is not in the git history of the template given")
