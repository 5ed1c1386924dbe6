"""``.pre-commit-config.yaml``: its repos with ``rev`` and the comment beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.check.views import basename
from toolkit.check.yamlsource import YamlDoc, YList, YMap, YStr, load

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

LOCAL_REPOS = frozenset({"local", "meta"})


class Repo(NamedTuple):
    """One entry of ``repos:``; ``rev`` is ``None`` when absent or not a string."""

    node: YMap
    line: int
    col: int
    repo: str
    rev: YStr | None
    rev_comment: str | None

    @property
    def remote(self) -> bool:
        return self.repo not in LOCAL_REPOS


class PreCommitConfig(NamedTuple):
    """The parsed config and its well-formed repos (PC003 reports the rest)."""

    path: str
    doc: YamlDoc
    repos: list[Repo]

    @property
    def root(self) -> Any:
        return self.doc.root


def match(path: str) -> bool:
    return basename(path) in (".pre-commit-config.yaml", ".pre-commit-config.yml")


def parse(path: str, text: str) -> PreCommitConfig:
    doc = load(path, text)
    repos = doc.root.get("repos") if isinstance(doc.root, YMap) else None
    nodes = repos if isinstance(repos, YList) else []
    return PreCommitConfig(
        path, doc, [_repo(doc, node) for node in nodes if isinstance(node, YMap)]
    )


def _repo(doc: YamlDoc, node: YMap) -> Repo:
    rev = node.get("rev")
    rev = rev if isinstance(rev, YStr) else None
    comment = doc.comment_after(rev) if rev is not None else None
    return Repo(node, node.line, node.col, str(node.get("repo", "")), rev, comment)
