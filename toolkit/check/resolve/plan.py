"""What ``--fix`` can do for a finding once tags, branches and image tags are resolved.

Each resolvable rule has a planner: it reads the pin at the finding's place
(through the project's views and texts, never the disk directly), resolves it,
and returns the splice, or says in :class:`Unfixable` why it cannot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.check.findings import Finding, Fix
from toolkit.check.project import Project
from toolkit.check.refs import is_sha, is_short_sha, parse_image, parse_uses
from toolkit.check.resolve.edits import (
    Unfixable,
    line_text,
    pin_with_comment,
    scalar_span,
    splice,
)
from toolkit.check.resolve.gitrefs import RemoteRefs, ResolveError
from toolkit.check.resolve.resolver import Resolver

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

GITHUB = "https://github.com"


class Plan(NamedTuple):
    """Findings given a fix by resolution, and the others with the reason for each."""

    fixable: list[Finding]
    unfixable: dict[Finding, str]


def plan(root: Path, findings: Iterable[Finding], resolver: Resolver) -> Plan:
    """A fix for each finding that resolution can fix; a reason for every other one."""
    wanted = [f for f in findings if f.fix is None]
    project = Project(root, sorted({f.path for f in wanted}))
    fixable: list[Finding] = []
    unfixable: dict[Finding, str] = {}
    for finding in wanted:
        planner = PLANNERS.get(finding.code)
        if planner is None:
            unfixable[finding] = f"no automatic fix; `mlrig rules {finding.code}` says how"
            continue
        try:
            fix = planner(project, finding, resolver)
        except (Unfixable, ResolveError) as err:
            unfixable[finding] = str(err)
            continue
        fixable.append(Finding(**{**finding.__dict__, "fix": fix}))
    return Plan(fixable, unfixable)


def _line(project: Project, finding: Finding) -> str:
    text = project.text(finding.path)
    if text is None:
        raise Unfixable("the file cannot be read")
    return line_text(text, finding.line)


def _version_comment(refs: RemoteRefs, commit: str, ref: str, what: str) -> str:
    version = refs.version_for(commit)
    if version is not None:
        return version
    if ref and not is_sha(ref) and not is_short_sha(ref):
        return ref  # a branch no release tag points at: name it
    if not ref and refs.head_branch:
        return refs.head_branch  # no ref at all: the default branch
    raise Unfixable(f"no version tag of {what} points at {commit}")


def _commit(refs: RemoteRefs, ref: str, url: str) -> str:
    if is_sha(ref):
        return ref
    commit = refs.expand(ref) if is_short_sha(ref) else refs.commit_of(ref)
    if commit is None:
        kind = "abbreviated SHA" if is_short_sha(ref) else "tag or branch"
        raise Unfixable(f"{url} has no {kind} {ref or 'HEAD'}")
    return commit


def _uses(project: Project, finding: Finding, resolver: Resolver) -> Fix:
    line = _line(project, finding)
    start, end = scalar_span(line, finding.column)
    uses = parse_uses(line[start:end])
    if uses is None:
        raise Unfixable("the uses: value is not owner/repo@ref")
    url = f"{GITHUB}/{uses.owner}/{uses.repo}"
    refs = resolver.refs(url)
    commit = _commit(refs, uses.ref, url)
    comment = _version_comment(refs, commit, uses.ref, f"{uses.owner}/{uses.repo}")
    at = line.rfind("@", start, end)
    ref_span = (at + 1, end) if at >= 0 else (end, end)
    new = commit if at >= 0 else f"@{commit}"
    return pin_with_comment(finding.path, finding.line, line, ref_span, new, comment=comment)


def _precommit(project: Project, finding: Finding, resolver: Resolver) -> Fix:
    line = _line(project, finding)
    config = project.view("precommit", finding.path)
    repos = [r for r in getattr(config, "repos", []) if r.rev is not None]
    repo = next(
        (r for r in repos if (r.rev.line, r.rev.col) == (finding.line, finding.column)), None
    )
    if repo is None:
        raise Unfixable("the rev is no longer where it was found")
    span = scalar_span(line, finding.column)
    rev = line[span[0] : span[1]]
    refs = resolver.refs(repo.repo)
    commit = _commit(refs, rev, repo.repo)
    comment = _version_comment(refs, commit, rev, repo.repo)
    return pin_with_comment(
        finding.path, finding.line, line, span, commit, comment=f"frozen: {comment}"
    )


def _image(project: Project, finding: Finding, resolver: Resolver) -> Fix:
    line = _line(project, finding)
    start, end = scalar_span(line, finding.column)
    text = line[start:end]
    if "$" in text:
        raise Unfixable("the image is built from ARG or expression values; pin the digest there")
    image = parse_image(text)
    if image.digest:
        raise Unfixable(f"the image's digest {image.digest} is not a sha256 digest")
    digest = resolver.digest(image.name, image.tag)
    return splice(finding.path, finding.line, line, (end, end), f"@{digest}")


Planner = Callable[[Project, Finding, Resolver], Fix]
PLANNERS: dict[str, Planner] = {
    "GHA001": _uses,
    "GHA002": _uses,
    "GHA003": _uses,
    "PC001": _precommit,
    "PC002": _precommit,
    "IMG001": _image,
    "GHA004": _image,
}
