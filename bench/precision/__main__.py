"""``python -m bench.precision``: see the package docstring."""

from __future__ import annotations

import argparse
import os
import traceback
from pathlib import Path

from bench.precision import LABELS, REPOS, WORK
from bench.precision.corpus import Label, export, read_labels, read_repos
from bench.precision.score import Score, findings_of, per_repo, score

THRESHOLD = 0.95


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.precision", description=__doc__)
    parser.add_argument("--mirrors", type=Path, default=os.environ.get("MLRIG_MIRRORS"))
    parser.add_argument("--repo", action="append", default=[], help="only this OWNER/NAME")
    parser.add_argument("--strict", action="store_true", help="exit 1 below 95%% or on gaps")
    args = parser.parse_args(argv)
    if args.mirrors is None:
        parser.error("give --mirrors DIR (or set MLRIG_MIRRORS): DIR/owner+name/repo per repo")
    repos = [r for r in read_repos(REPOS) if not args.repo or r.name in args.repo]
    labels = read_labels(LABELS)
    result = Score()
    for repo in repos:
        tree = export(repo, args.mirrors, WORK)
        try:
            found = findings_of(tree)
        except Exception:  # a crash is a result to report, not the end of the run
            result.crashes.append((repo, traceback.format_exc(limit=3)))
            continue
        print(f"{repo.name}@{repo.commit[:12]}: {len(found)} findings ({per_repo(found)})")
        score(result, repo, found, labels)
    report(result, [label for label in labels if any(label.repo == r.name for r in repos)])
    return 1 if args.strict and not _good(result) else 0


def report(result: Score, labels: list[Label]) -> None:
    print()
    print(
        f"{'rule':8} {'findings':>8} {'true':>6} {'false':>6} {'unlabelled':>10} {'precision':>9}"
    )
    for code, tally in sorted(result.tallies.items()):
        shown = "-" if tally.precision is None else f"{tally.precision:.1%}"
        print(
            f"{code:8} {tally.found:>8} {tally.true:>6} {tally.false:>6} "
            f"{tally.unlabelled:>10} {shown:>9}"
        )
    total = sum(t.found for t in result.tallies.values())
    print(f"{'all':8} {total:>8}")
    _section(
        "false positives", [f"{r.name} {f.text()}  # {lb.reason}" for r, f, lb in result.false]
    )
    _section("unlabelled findings", [f"{r.name} {f.text()}" for r, f in result.unlabelled])
    stale = [lb for lb in labels if lb not in result.used]
    # A false label that matches nothing is a false positive fixed (kept to catch its
    # return); a true label that matches nothing is a real defect no longer reported.
    for verdict, title in (
        (True, "true labels that matched nothing (lost findings)"),
        (False, "false labels that matched nothing (fixed)"),
    ):
        lines = [
            f"{lb.repo} {lb.path}:{lb.line}:{lb.code}" for lb in stale if lb.verdict is verdict
        ]
        _section(title, lines)
    _section(
        "findings inside template folders", [f"{r.name} {f.text()}" for r, f in result.in_templates]
    )
    _section("crashes", [f"{r.name}\n{trace}" for r, trace in result.crashes])


def _section(title: str, lines: list[str]) -> None:
    print(f"\n{title}: {len(lines)}")
    for line in lines:
        print(f"  {line}")


def _good(result: Score) -> bool:
    precise = all(
        t.precision is not None and t.precision >= THRESHOLD for t in result.tallies.values()
    )
    return precise and not result.unlabelled and not result.crashes


if __name__ == "__main__":
    raise SystemExit(main())
