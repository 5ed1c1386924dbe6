"""Run mlrig on a snapshot and score its findings against the labels."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.precision.corpus import Label, Repo
from toolkit.check.findings import Finding


@dataclass
class Tally:
    """Counts for one rule across the corpus."""

    found: int = 0
    true: int = 0
    false: int = 0

    @property
    def unlabelled(self) -> int:
        return self.found - self.true - self.false

    @property
    def precision(self) -> float | None:
        judged = self.true + self.false
        return self.true / judged if judged else None


@dataclass
class Score:
    """The tallies, and what the labels did not cover."""

    tallies: dict[str, Tally] = field(default_factory=dict)
    unlabelled: list[tuple[Repo, Finding]] = field(default_factory=list)
    false: list[tuple[Repo, Finding, Label]] = field(default_factory=list)
    in_templates: list[tuple[Repo, Finding]] = field(default_factory=list)
    crashes: list[tuple[Repo, str]] = field(default_factory=list)
    used: set[Label] = field(default_factory=set)


def findings_of(tree: Path) -> list[Finding]:
    """Every finding of every rule on ``tree``, as ``mlrig check`` reports them."""
    from toolkit.check.config import load_config
    from toolkit.check.engine import check_project, selected_rules
    from toolkit.check.project import Project

    project = Project.discover(tree, use_git=False)
    config = load_config(tree)
    return check_project(project, config, selected_rules(config)).findings


def in_template(path: str) -> bool:
    """Whether ``path`` lies in a cookiecutter/copier template folder."""
    return any("{{" in part or "{%" in part for part in path.split("/")[:-1])


def label_for(labels: list[Label], repo: Repo, finding: Finding) -> Label | None:
    """The label judging ``finding`` (an exact line first, then the file's ``*``)."""
    exact = wildcard = None
    for label in labels:
        if label.repo != repo.name or label.commit != repo.commit:
            continue
        if label.path != finding.path or label.code != finding.code:
            continue
        if label.line == str(finding.line):
            exact = label
        elif label.line == "*":
            wildcard = label
    return exact or wildcard


def score(score: Score, repo: Repo, found: list[Finding], labels: list[Label]) -> None:
    """Add ``repo``'s findings to ``score``."""
    for finding in found:
        tally = score.tallies.setdefault(finding.code, Tally())
        tally.found += 1
        if in_template(finding.path):
            score.in_templates.append((repo, finding))
        label = label_for(labels, repo, finding)
        if label is None:
            score.unlabelled.append((repo, finding))
            continue
        score.used.add(label)
        if label.verdict:
            tally.true += 1
        else:
            tally.false += 1
            score.false.append((repo, finding, label))


def per_repo(found: list[Finding]) -> str:
    counts = Counter(finding.code for finding in found)
    return ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))
