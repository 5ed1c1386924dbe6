"""Run the speed benchmark and write ``docs/performance.md``.

    python -m bench [--corpus bench/.work/corpus] [--rounds 7] [--sizes 500,1000,2000,3500]

Cases: ``single`` (one small workflow), ``corpus`` (real repositories, needs
``--corpus``), ``synthetic`` (the generated tree at each size) and ``imports``
(``python -X importtime`` of the check path). Raw results go to
``bench/results/`` as JSON (git-ignored); the Markdown and the plot go to
``docs/``. Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # ``python bench/run.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cases, hookenv, importtime, profile, report, synthetic
from bench.timing import Tool, default_tools

ROOT = Path(__file__).resolve().parent.parent
CASES = ("single", "startup", "corpus", "synthetic", "imports", "profile")
MACHINE = f"{__import__('os').cpu_count()} cores, noisy"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _version(argv: list[str]) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    return (
        (proc.stdout or proc.stderr).strip().splitlines()[0] if proc.returncode == 0 else "unknown"
    )


def environment(tools: tuple[Tool, Tool], commit: str | None) -> dict[str, str]:
    if commit is None:  # the live work tree (--worktree or --base-python)
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        commit = f"{head or 'unknown'} + work tree"
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": MACHINE,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "mlrig_version": _version([tools[0].argv[0], "--version"]).removeprefix("mlrig, version "),
        "mlrig_commit": commit if " " in commit else commit[:12],
        "mlrig_command": _shown(tools[0]),
        "zizmor_command": _shown(tools[1]),
        "zizmor_version": _version([tools[1].argv[0], "--version"]),
    }


def _shown(tool: Tool) -> str:
    """The command as a reader would type it, from the repository root."""
    program, *rest = tool.argv
    # A program outside the checkout is shown by name: no path of this machine in the report.
    shown = (
        program.replace(f"{ROOT}/", "") if program.startswith(f"{ROOT}/") else Path(program).name
    )
    text = " ".join([shown, *rest])
    return text + (" FILES..." if tool.pass_filenames else "")


def _tools(args: argparse.Namespace) -> tuple[Tool, Tool]:
    script, env = None, ()
    if not args.base_python:
        source = ROOT
        if not args.worktree:
            source, args.commit = hookenv.snapshot(ROOT, args.rev, args.work)
        script = hookenv.ensure(args.work / "hookenv", source)
        env = hookenv.environ(args.work / "hookenv")
    mlrig, zizmor = default_tools(script, env) if not (args.mlrig and args.zizmor) else (None, None)
    if args.mlrig:
        mlrig = Tool("mlrig", tuple(shlex.split(args.mlrig)), pass_filenames=False)
    if args.zizmor:
        zizmor = Tool("zizmor", tuple(shlex.split(args.zizmor)))
    assert mlrig is not None and zizmor is not None
    return mlrig, zizmor


def measure(args: argparse.Namespace, tools: tuple[Tool, Tool]) -> dict[str, Any]:
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "rounds": args.rounds,
        "warmup": args.warmup,
        "command": "python -m bench " + " ".join(args.argv),
        "environment": environment(tools, args.commit),
    }
    if "single" in args.cases:
        _log("single small workflow")
        results["single"] = cases.single_file(tools, work, args.rounds, args.warmup)
        _log(f"  ratio {results['single']['ratio']:.2f}")
    if "startup" in args.cases:
        _log("start-up steps")
        results["startup"] = cases.startup(tools, work, args.rounds, args.warmup)
    if "corpus" in args.cases and args.corpus is not None:
        _log(f"corpus {args.corpus}")
        results["corpus"] = cases.real_corpus(tools, args.corpus, args.rounds, args.warmup, _log)
        _log(f"  total ratio {results['corpus']['total']['ratio']:.2f}")
    if "synthetic" in args.cases:
        _log(f"synthetic sizes {args.sizes}")
        results["synthetic"] = cases.synthetic_sizes(
            tools, work, args.sizes, args.seed, rounds=args.rounds, warmup=args.warmup, log=_log
        )
    if "imports" in args.cases:
        python = Path(tools[0].argv[0]).parent / "python"
        interpreter = str(python) if python.exists() else None
        single = cases.single_tree(work)
        results["imports"] = importtime.measure(single, interpreter, tools[0].environ())
        mixed = synthetic.ensure(work / "imports-tree", 20, args.seed)
        results["imports_mixed"] = importtime.measure(mixed, interpreter, tools[0].environ())
    if "profile" in args.cases:
        python = Path(tools[0].argv[0]).parent / "python"
        interpreter = str(python) if python.exists() else None
        size = max(args.sizes)
        tree = synthetic.ensure(work / "synthetic" / f"n{size}", size, args.seed)
        results["profile"] = profile.measure(tree, interpreter, tools[0].environ())
    return results


def save(results: dict[str, Any], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(results, indent=2) + "\n"
    (out / "latest.json").write_text(text, encoding="utf-8")
    path = out / f"{stamp}.json"
    path.write_text(text, encoding="utf-8")
    return path


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, help="Corpus folder built by `python -m bench.corpus`.")
    p.add_argument("--rounds", type=int, default=7, help="Timed rounds per input (default 7).")
    p.add_argument("--warmup", type=int, default=1, help="Untimed rounds first (default 1).")
    p.add_argument(
        "--sizes",
        type=lambda s: sorted({int(x) for x in s.split(",")}),
        default=[500, 1000, 2000, 3500],
        help="Synthetic sizes, comma-separated.",
    )
    p.add_argument("--seed", type=int, default=cases.synthetic.DEFAULT_SEED)
    p.add_argument(
        "--cases",
        type=lambda s: s.split(","),
        default=list(CASES),
        help=f"Comma-separated subset of {','.join(CASES)}.",
    )
    p.add_argument(
        "--work", type=Path, default=ROOT / "bench" / ".work", help="Scratch trees (git-ignored)."
    )
    p.add_argument(
        "--results", type=Path, default=ROOT / "bench" / "results", help="JSON output folder."
    )
    p.add_argument("--md", type=Path, default=ROOT / "docs" / "performance.md")
    p.add_argument("--plot", type=Path, default=ROOT / "docs" / "performance.png")
    p.add_argument("--no-docs", action="store_true", help="Write only the JSON results.")
    p.add_argument(
        "--base-python",
        action="store_true",
        help="Run the base interpreter's `mlrig` script, not the clean hook environment.",
    )
    p.add_argument("--rev", default="HEAD", help="Commit of mlrig to measure (default HEAD).")
    p.add_argument(
        "--worktree", action="store_true", help="Measure the live checkout, not a commit."
    )
    p.add_argument(
        "--mlrig", help="Command for mlrig check (default: the `mlrig` script, `check`)."
    )
    p.add_argument(
        "--zizmor", help="Command for zizmor (default: the `zizmor` binary, `--offline`)."
    )
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    args.argv = argv
    args.commit = None
    unknown = set(args.cases) - set(CASES)
    if unknown:
        parser().error(f"unknown case(s): {', '.join(sorted(unknown))}")
    results = measure(args, _tools(args))
    path = save(results, args.results)
    _log(f"results: {path}")
    if not args.no_docs:
        args.md.parent.mkdir(parents=True, exist_ok=True)
        report.write(results, args.md, args.plot)
        _log(f"report: {args.md}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
