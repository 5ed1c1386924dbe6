"""The three benchmark cases: one small workflow, the corpus, the synthetic sizes.

Each case returns a plain dict (saved as JSON, rendered by ``bench.report``).
Times are medians of whole-process wall time; ratios are mlrig / zizmor.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import corpus as corpus_mod
from bench import synthetic
from bench.stats import linear_fit, marginal_costs, ratio
from bench.timing import Edits, Sample, Tool, cached, compare

Log = Callable[[str], None]

SMALL_WORKFLOW = """\
name: CI

on:
  pull_request:
  push:
    branches: [main]

permissions: {}

jobs:
  test:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - uses: actions/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b # v5.3.0
        with:
          python-version: "3.12"
      - run: pip install --require-hashes -r requirements.txt
      - run: python -m pytest -q
"""
SMALL_PATH = ".github/workflows/ci.yml"
GHA_HOOK = "mlrig-github-actions"


WARM = "mlrig-warm"
EDITED = "mlrig-edited"


def _pair(samples: dict[str, Sample], mine_name: str = "mlrig") -> dict[str, object]:
    mine, theirs = samples[mine_name], samples["zizmor"]
    return {
        "mlrig": mine.as_dict(),
        "zizmor": theirs.as_dict(),
        "ratio": ratio(mine.median, theirs.median),
        "cpu_ratio": ratio(
            statistics.median(mine.cpu_seconds), statistics.median(theirs.cpu_seconds)
        ),
    }


def _with_warm(
    samples: dict[str, Sample], mine: str = "mlrig", warm: str = WARM
) -> dict[str, object]:
    """Cold (``--no-cache``) figures, with the cached run's under ``warm``."""
    return {**_pair(samples, mine), "warm": _pair(samples, warm)}


def _three(tools: tuple[Tool, ...]) -> tuple[Tool, ...]:
    """mlrig cold, zizmor, and mlrig with its cache (kept from its previous run)."""
    mlrig, zizmor = tools
    return (mlrig, zizmor, cached(mlrig, WARM))


def single_tree(work: Path) -> Path:
    """A repository holding only the small workflow."""
    tree = work / "single"
    if not (tree / ".git").is_dir():
        (tree / SMALL_PATH).parent.mkdir(parents=True, exist_ok=True)
        (tree / SMALL_PATH).write_text(SMALL_WORKFLOW, encoding="utf-8")
        synthetic.commit_tree(tree)
    return tree


def single_file(tools: tuple[Tool, ...], work: Path, rounds: int, warmup: int) -> dict[str, object]:
    """One small workflow in a repository of its own, each tool run as its hook runs it."""
    mlrig = tools[0]
    # mlrig's GitHub Actions hook: only those rules, handed the changed files.
    gha = Tool(GHA_HOOK, (*mlrig.argv, "--select", "GHA,MLR"), mlrig.env, pass_filenames=True)
    gha_warm = cached(gha, f"{GHA_HOOK}-warm")
    runs = (*_three(tools), gha, gha_warm)
    samples = compare(runs, [SMALL_PATH], rounds, warmup, cwd=single_tree(work))
    hook = _with_warm(samples, GHA_HOOK, gha_warm.name)
    return {
        "path": SMALL_PATH,
        "lines": SMALL_WORKFLOW.count("\n"),
        **_with_warm(samples),
        "gha_hook": {"command": "mlrig check --select GHA,MLR FILES...", **hook},
    }


def startup(tools: tuple[Tool, ...], work: Path, rounds: int, warmup: int) -> dict[str, object]:
    """What a one-file run is made of: the interpreter, click and PyYAML, mlrig's import.

    Each step runs with mlrig's interpreter and environment, from the small
    workflow's repository, interleaved with the two real runs.
    """
    mlrig, zizmor = tools
    python = str(Path(mlrig.argv[0]).parent / "python")
    steps = [
        Tool("python -c pass", (python, "-c", "pass"), mlrig.env),
        Tool("python -c 'import yaml'", (python, "-c", "import yaml"), mlrig.env),
        Tool("python -c 'import click'", (python, "-c", "import click"), mlrig.env),
        Tool("python -c 'import click, yaml'", (python, "-c", "import click, yaml"), mlrig.env),
        Tool("python -c 'import toolkit.cli'", (python, "-c", "import toolkit.cli"), mlrig.env),
        Tool("mlrig --version", (mlrig.argv[0], "--version"), mlrig.env),
        mlrig,
        zizmor,
    ]
    if not Path(python).exists():
        steps = [mlrig, zizmor]
    samples = compare(tuple(steps), [SMALL_PATH], rounds, warmup, cwd=single_tree(work))
    shown = {"mlrig": "mlrig check --no-cache", "zizmor": f"zizmor --offline {SMALL_PATH}"}
    rows = [
        {"step": shown.get(tool.name, tool.name), **samples[tool.name].as_dict()} for tool in steps
    ]
    return {"rows": rows, "zizmor_median_s": samples["zizmor"].median}


def real_corpus(
    tools: tuple[Tool, ...], corpus: Path, rounds: int, warmup: int, log: Log
) -> dict[str, object]:
    """One invocation per repository per tool; per-repo medians and the total ratio."""
    repos = []
    for record in corpus_mod.load(corpus):
        tree = corpus / str(record["repo"])
        files = sum(1 for p in (tree / ".github").rglob("*") if p.is_file())
        result = _with_warm(compare(_three(tools), ["."], rounds, warmup, cwd=tree))
        repos.append({**record, "files": files, **result})
        log(f"  {record['repo']:34} {files:4} files  ratio {result['ratio']:.2f}")
    return {
        "corpus": str(corpus),
        "repos": repos,
        "files": sum(int(r["files"]) for r in repos),
        "total": _total(repos),
        "total_warm": _total([r["warm"] for r in repos]),  # type: ignore[misc]
    }


def _total(results: list[dict[str, Any]]) -> dict[str, float]:
    mine = sum(r["mlrig"]["median_s"] for r in results)
    theirs = sum(r["zizmor"]["median_s"] for r in results)
    cpu_mine = sum(r["mlrig"]["cpu_median_s"] for r in results)
    cpu_theirs = sum(r["zizmor"]["cpu_median_s"] for r in results)
    return {
        "mlrig_s": mine,
        "zizmor_s": theirs,
        "ratio": ratio(mine, theirs),
        "cpu_ratio": ratio(cpu_mine, cpu_theirs),
    }


def synthetic_sizes(
    tools: tuple[Tool, ...],
    work: Path,
    sizes: list[int],
    seed: int,
    *,
    rounds: int,
    warmup: int,
    log: Log,
) -> dict[str, object]:
    """The synthetic tree at each size; a line fitted per tool; cost per file."""
    points = []
    for size in sizes:
        tree = synthetic.ensure(work / "synthetic" / f"n{size}", size, seed)
        result = _with_warm(compare(_three(tools), ["."], rounds, warmup, cwd=tree))
        # Then, on its own (an edit would make every cached run above miss too),
        # the cached run after a commit that edits one workflow.
        with Edits(tree / synthetic.FIRST_WORKFLOW) as edits:
            pair = (cached(tools[0], EDITED, before=edits), tools[1])
            result["edited"] = _pair(compare(pair, ["."], rounds, warmup, cwd=tree), EDITED)
        points.append({"files": size, **result})
        log(
            f"  {size:5} files  mlrig {result['mlrig']['median_s']:.3f}s  "  # type: ignore[index]
            f"zizmor {result['zizmor']['median_s']:.3f}s  ratio {result['ratio']:.2f}  "
            f"warm {result['warm']['ratio']:.2f}  edited {result['edited']['ratio']:.2f}"  # type: ignore[index]
        )
    xs = [float(p["files"]) for p in points]  # type: ignore[arg-type]
    growth: dict[str, dict[str, object]] = {"wall": {}, "cpu": {}}
    for name in ("mlrig", "zizmor"):
        for kind, key in (("wall", "median_s"), ("cpu", "cpu_median_s")):
            ys = [p[name][key] for p in points]  # type: ignore[index]
            growth[kind][name] = {
                **linear_fit(xs, ys),
                "marginal_s_per_file": marginal_costs(xs, ys),
                "s_per_file": [y / x for x, y in zip(xs, ys, strict=True)],
            }
    return {"seed": seed, "points": points, "growth": growth["wall"], "growth_cpu": growth["cpu"]}
