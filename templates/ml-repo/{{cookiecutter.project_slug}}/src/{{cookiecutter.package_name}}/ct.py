"""What the CT workflow runs after ``dvc repro`` and ``dvc push`` (so can you)::

    python -m {{ cookiecutter.package_name }}.ct propose staging --out DIR

It pins the retrained model in staging (``pins update``), applies the quality gate
(``gate`` in params.yaml) against the model pinned there before, and writes
``DIR/pr-body.md`` (the verdict, the metrics against staging, ``dvc metrics diff`` and
``dvc plots diff`` against the commit that pinned staging) and ``DIR/plots/`` (the
plots diff as HTML). Its decision, printed and written to ``$GITHUB_OUTPUT``:

- ``unchanged``: dvc.lock, metrics, plots data and the pin equal the commit's: no
  pull request (the model did not move, so neither does the pin's commit);
- ``proposed``: a candidate that passes the gate;
- ``rejected``: a candidate the gate refuses: a pull request labelled ct-rejected
  with the comparison, or none when ``gate.on_reject`` is ``none``.

``$GITHUB_OUTPUT`` also gets ``paths``: every file the pipeline writes to git
(dvc.lock, the ``cache: false`` outputs, metrics and plots of dvc.yaml, the pin and
its overlay), which is what the pull request or the commit must carry.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from {{ cookiecutter.package_name }} import gate, pins, serving
from {{ cookiecutter.package_name }}.params import METRICS_FILE, PARAMS_FILE

DVC_YAML = Path("dvc.yaml")
OUT_KINDS = ("outs", "metrics", "plots")


def git_outputs(env: str, root: Path = Path()) -> list[str]:
    """Every file the pipeline and the pin update write to git, as repository paths."""
    paths = [pins.LOCK_FILE.as_posix()]
    stages = (pins.read_yaml(root / DVC_YAML) or {}).get("stages") or {}
    for stage in stages.values():
        for kind in OUT_KINDS:
            for entry in (stage or {}).get(kind) or []:
                if isinstance(entry, dict):
                    paths += [path for path, how in entry.items() if _uncached(how)]
    for path in (pins.pin_path(env), pins.overlay_patch_path(env), serving.component_path(env)):
        if (root / path).exists():
            paths.append(path.as_posix())
    return list(dict.fromkeys(paths))


def _uncached(how: Any) -> bool:
    return isinstance(how, dict) and how.get("cache") is False


def _run(command: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)


def changed(paths: list[str], root: Path = Path()) -> list[str]:
    """The paths among ``paths`` that differ from the commit checked out (new ones too)."""
    done = _run(["git", "status", "--porcelain", "--untracked-files=all", "--", *paths], root)
    if done.returncode:
        raise RuntimeError(f"git status failed: {done.stderr.strip()}")
    return [line[3:] for line in done.stdout.splitlines() if line]


def staging_commit(env: str, root: Path = Path()) -> str:
    """The last commit that changed ``deploy/<env>.yaml``: its metrics are the pinned model's."""
    done = _run(["git", "log", "-1", "--format=%H", "--", pins.pin_path(env).as_posix()], root)
    return done.stdout.strip() or "HEAD"


def dvc_diffs(rev: str, out: Path, root: Path = Path()) -> str:
    """Markdown: ``dvc metrics diff`` and ``dvc plots diff`` of the workspace against ``rev``."""
    dvc = [sys.executable, "-m", "dvc"]
    metrics = _run([*dvc, "metrics", "diff", "--md", "--all", rev], root)
    plots = _run([*dvc, "plots", "diff", rev, "--out", str(out / "plots")], root)
    lines = [f"### `dvc metrics diff {rev[:12]}` (the commit that pinned staging)", ""]
    lines.append(metrics.stdout.strip() or metrics.stderr.strip() or "no metrics")
    lines += ["", f"### `dvc plots diff {rev[:12]}`", ""]
    if plots.returncode == 0:
        lines.append(
            "Drawn for both models: " + ", ".join(_plot_names(root)) + ". The run's `ct-plots`"
            " artifact holds them (`plots/index.html`)."
        )
    else:
        lines.append("dvc plots diff failed: " + (plots.stderr.strip() or plots.stdout.strip()))
    return "\n".join(lines) + "\n"


def _plot_names(root: Path) -> list[str]:
    plots = (pins.read_yaml(root / DVC_YAML) or {}).get("plots") or []
    return [str(next(iter(entry))) if isinstance(entry, dict) else str(entry) for entry in plots]


def verdict(
    candidate: dict[str, Any], old_pin: dict[str, Any], rules: dict[str, Any], env: str
) -> list[str]:
    """Why the gate refuses the candidate for ``env`` (against the model pinned there, if any)."""
    baseline = (old_pin.get("metrics") or {}) if old_pin.get("model") else None
    return gate.failures(candidate, rules, env, baseline)


def body(decision: str, refused: list[str], env: str, diff: str, diffs: str) -> str:
    """The pull request's Markdown."""
    github = os.environ
    if github.get("GITHUB_RUN_ID"):
        server, repository = github.get("GITHUB_SERVER_URL"), github.get("GITHUB_REPOSITORY")
        run = f"{server}/{repository}/actions/runs/{github['GITHUB_RUN_ID']}"
        where = f"by the CT workflow (trigger: `{github.get('GITHUB_EVENT_NAME')}`, run {run})"
    else:
        where = "outside GitHub Actions"
    lines = [f"Retrained {where}.", ""]
    if decision == "rejected":
        lines += ["## Quality gate: REJECTED (do not merge)", ""]
        lines += [f"- {reason}" for reason in refused]
        lines += ["", "Merging would still deploy it to staging; the gate is in params.yaml."]
    else:
        lines += ["## Quality gate: passed", "", f"Every threshold of `gate` for {env} holds."]
    lines += ["", f"## Metrics: {env} model against the new one", "", diff, diffs]
    return "\n".join(lines) + "\n"


def baseline_pin(env: str, root: Path = Path()) -> dict[str, Any]:
    """The pin the candidate is compared with: the pull request's base branch's
    (``GITHUB_BASE_REF``), so that a second run on a pull request whose own pin CT
    already moved still compares with what staging runs; else the checked-out one."""
    base = os.environ.get("GITHUB_BASE_REF")
    if base:
        shown = _run(["git", "show", f"origin/{base}:{pins.pin_path(env).as_posix()}"], root)
        if shown.returncode == 0:
            loaded = yaml.safe_load(shown.stdout)
            return loaded if isinstance(loaded, dict) else {}
    path = root / pins.pin_path(env)
    return (pins.read_yaml(path) or {}) if path.exists() else {}


def propose(env: str, out: Path, root: Path = Path()) -> tuple[str, list[str], list[str]]:
    """Pin, gate and describe the retrained model: (decision, refusals, git paths)."""
    old_pin = baseline_pin(env, root)
    rules = gate.load(root / PARAMS_FILE)
    diff = pins.metrics_diff(env, root)
    refused = verdict(pins.numbers(root / METRICS_FILE), old_pin, rules, env)
    pins.update(env, root)
    paths = git_outputs(env, root)
    if not changed(paths, root):
        return "unchanged", refused, paths
    decision = "rejected" if refused else "proposed"
    out.mkdir(parents=True, exist_ok=True)
    diffs = dvc_diffs(staging_commit(env, root), out, root)
    (out / "pr-body.md").write_text(body(decision, refused, env, diff, diffs), encoding="utf-8")
    return decision, refused, paths


def report(decision: str, refused: list[str], paths: list[str], rules: dict[str, Any]) -> str:
    """One paragraph for the log and the job summary."""
    if decision == "unchanged":
        text = (
            "Nothing changed: dvc.lock, the metrics, the plots data and the staging pin equal"
            " the checked-out commit's, so no pull request is opened.\n"
        )
        return text + "".join(f"- the pinned model still fails the gate: {r}\n" for r in refused)
    text = f"Decision: {decision}. Files for git: {', '.join(paths)}.\n"
    for reason in refused:
        text += f"- refused: {reason}\n"
    if decision == "rejected" and gate.on_reject(rules) == "none":
        text += "gate.on_reject is 'none': no pull request.\n"
    return text


def github_outputs(
    decision: str, paths: list[str], rules: dict[str, Any], refused: list[str]
) -> dict[str, str]:
    """The step outputs ct.yml reads; ``gate`` is the verdict on the model now pinned,
    changed or not (a pull request's rejected candidate stays rejected)."""
    open_pr = decision == "proposed" or (decision == "rejected" and gate.on_reject(rules) == "pr")
    verdict = "refused" if refused else "passed"
    return {
        "decision": decision,
        "gate": verdict,
        "open_pr": str(open_pr).lower(),
        "paths": "\n".join(paths),
    }


def _append(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ct", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    propose_parser = sub.add_parser("propose")
    propose_parser.add_argument("env", choices=["staging"])
    propose_parser.add_argument("--out", type=Path, default=Path("ct-out"))
    args = parser.parse_args(argv)
    rules = gate.load()
    decision, refused, paths = propose(args.env, args.out)
    text = report(decision, refused, paths, rules)
    sys.stdout.write(text)
    _append("GITHUB_STEP_SUMMARY", text)
    outputs = github_outputs(decision, paths, rules, refused)
    _append("GITHUB_OUTPUT", "".join(f"{k}<<CT_EOF\n{v}\nCT_EOF\n" for k, v in outputs.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
