"""Render a results dict (see ``bench.run``) as ``docs/performance.md`` and a plot."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bench.stats import linear_fit, marginal_costs

COLD = "cold (`--no-cache`)"
WARM = "warm (nothing changed since the last run)"
EDITED = "one workflow edited since the last run"
SINGLE_TARGET = 1.25
SYNTHETIC_TARGET = 0.5
LINEAR_R2 = 0.99
LINEAR_STEP = 1.5  # last step's cost per file at most this times the first step's


def _program_by_name(command: str) -> str:
    """``command`` with an absolute program path cut to its name (no machine paths in docs)."""
    program, _, rest = command.partition(" ")
    if program.startswith("/"):
        program = program.rsplit("/", 1)[-1]
    return f"{program} {rest}".strip()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _codes(sample: dict[str, Any]) -> str:
    return ",".join(str(c) for c in sample["exit_codes"])


def _cpu(result: dict[str, Any]) -> str:
    cpu = result.get("cpu_ratio")
    return "" if cpu is None else f" (CPU time {cpu:.2f}x)"


def _ms_or(seconds: float | None) -> str:
    return "?" if seconds is None else _ms(seconds)


def _step(growth: dict[str, Any] | None, i: int) -> str:
    if growth is None or growth["marginal_s_per_file"][i] is None:
        return "-"
    return f"{growth['marginal_s_per_file'][i] * 1000:.3f}"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def linear_verdict(growth: dict[str, Any]) -> tuple[bool, str]:
    """Linear when the fit is tight and the cost per file does not climb with size."""
    steps = [s for s in growth["marginal_s_per_file"] if s is not None]
    climbing = len(steps) >= 2 and steps[0] > 0 and steps[-1] > LINEAR_STEP * steps[0]
    ok = growth["r2"] >= LINEAR_R2 and not climbing
    text = f"R² {growth['r2']:.4f}, {growth['slope'] * 1000:.3f} ms per file"
    return ok, text


def failed_runs(results: dict[str, Any]) -> list[str]:
    """Inputs on which mlrig exited with a usage or internal error (2 or 3): not a check."""
    samples: list[tuple[str, dict[str, Any]]] = []

    def add(name: str, result: dict[str, Any]) -> None:
        samples.append((name, result["mlrig"]))
        for key in ("warm", "edited"):
            if key in result:
                samples.append((f"{name} ({key})", result[key]["mlrig"]))

    if "single" in results:
        add("one small workflow", results["single"])
    for r in results.get("corpus", {}).get("repos", []):
        add(r["repo"], r)
    for p in results.get("synthetic", {}).get("points", []):
        add(f"synthetic {p['files']}", p)
    return [
        f"{name} (exit {_codes(s)}: {(s['stderr_tail'].splitlines() or [''])[-1]})"
        for name, s in samples
        if any(c not in (0, 1) for c in s["exit_codes"])
    ]


def _failed_md(results: dict[str, Any]) -> list[str]:
    failed = failed_runs(results)
    if not failed:
        return []
    return [
        "> **Warning: mlrig did not complete a check on every input**, so those times",
        "> measure start-up and an error, not checking:",
        ">",
        *[f"> - {f}" for f in failed[:8]],
        *(["> - ..."] if len(failed) > 8 else []),
        "",
    ]


Row = tuple[str, str, bool]


def _modes(result: dict[str, Any], limit: float, strict: bool = False) -> list[Row]:
    """One row per way of running mlrig that ``result`` holds: cold, warm, edited."""
    rows = []
    for key, mode in (("", COLD), ("warm", WARM), ("edited", EDITED)):
        figures = result if not key else result.get(key)
        if figures is None:
            continue
        r = figures["ratio"]
        ok = r < limit if strict else r <= limit
        rows.append((mode, f"{r:.2f}x{_cpu(figures)}", ok))
    return rows


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool]]:
    rows: list[tuple[str, str, bool]] = []
    if "single" in results:
        target = f"one small workflow: at most {SINGLE_TARGET}x zizmor (`mlrig check`)"
        rows += [(f"{target}, {m}", v, ok) for m, v, ok in _modes(results["single"], SINGLE_TARGET)]
        hook = results["single"].get("gha_hook")
        if hook is not None:
            target = "the same, with mlrig's GitHub Actions hook (`--select GHA,MLR FILES...`)"
            rows += [(f"{target}, {m}", v, ok) for m, v, ok in _modes(hook, SINGLE_TARGET)]
    if "corpus" in results:
        corpus = results["corpus"]
        total = dict(corpus["total"])
        if "total_warm" in corpus:
            total["warm"] = corpus["total_warm"]
        target = "real repositories: faster than zizmor in total"
        rows += [(f"{target}, {m}", v, ok) for m, v, ok in _modes(total, 1.0, strict=True)]
    if "synthetic" in results:
        last = results["synthetic"]["points"][-1]
        target = f"synthetic {last['files']} files: at least twice as fast as zizmor"
        rows += [(f"{target}, {m}", v, ok) for m, v, ok in _modes(last, SYNTHETIC_TARGET)]
        syn = results["synthetic"]
        growth = syn.get("growth_cpu", syn["growth"])["mlrig"]
        ok, text = linear_verdict(growth)
        basis = "CPU time" if "growth_cpu" in syn else "wall time"
        wall_ok, wall_text = linear_verdict(syn["growth"]["mlrig"])
        if "growth_cpu" in syn:
            text = (
                f"{basis}: {text}; wall time: {wall_text} ({'linear' if wall_ok else 'not linear'})"
            )
        rows.append(("synthetic: time grows linearly with size", text, ok))
    if "imports" in results:
        found = results["imports"]["forbidden"]["dvc"] + results.get("imports_mixed", {}).get(
            "forbidden", {}
        ).get("dvc", [])
        rows.append(
            (
                "`import dvc` never happens on the check path",
                "not imported" if not found else "imported: " + ", ".join(found[:3]),
                not found,
            )
        )
    return rows


def _header(results: dict[str, Any]) -> list[str]:
    env = results["environment"]
    return [
        "# Performance",
        "",
        "<!-- Generated by `python -m bench`; edit bench/report.py, not this file. -->",
        "",
        "`mlrig check` runs on every commit, so it is measured side by side with",
        "`zizmor --offline` (Rust, the fastest peer that reads the same files), as whole",
        "processes started the way pre-commit starts them, alternating which tool goes",
        "first, several rounds per input.",
        "",
        f"**Machine note: {env['machine']}: medians and ratios.** Absolute times move by tens",
        "of percent between runs here; read the ratio column (mlrig / zizmor, below 1",
        "means mlrig is faster).",
        "",
        f"- measured {env['date']} with {results['rounds']} rounds per input "
        f"({results['warmup']} warm-up), mlrig {env['mlrig_version']} at commit "
        f"`{env['mlrig_commit']}`, {env['zizmor_version']}, Python {env['python']}",
        f"- command: `{results['command']}`",
        "- every input is measured three ways for mlrig: **cold** (`--no-cache`: every rule",
        "  runs and every file is parsed), **warm** (its results cache, `~/.cache/mlrig`, kept",
        "  from the previous run, nothing changed since: a re-run, or a commit that touches",
        "  none of the files mlrig reads) and, on the synthetic tree, **one workflow edited**",
        "  before each run (a commit that changes a workflow); zizmor has no such cache",
        f"- mlrig runs as `{env.get('mlrig_command', 'mlrig check')}` from the repository root"
        + (
            " (a clean hook environment like pre-commit's, see `bench/hookenv.py`)"
            if "hookenv" in env.get("mlrig_command", "")
            else ""
        ),
        f"- zizmor runs as `{_program_by_name(env.get('zizmor_command', 'zizmor --offline'))}`;"
        " each as its pre-commit hook does (`mlrig check` from the root, mlrig's GitHub"
        " Actions hook and zizmor handed the files; on a whole repository zizmor is given `.`)",
        "",
    ]


def _targets_md(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Targets",
        "",
        "Ratios are mlrig / zizmor of median wall time; the CPU-time ratio (user + system",
        "of each process) is given beside it because it moves less when the machine is busy.",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {t} | {m} | {_met(ok)} |" for t, m, ok in targets(results)]
    return [*lines, ""]


def _sample_row(name: str, s: dict[str, Any]) -> str:
    return (
        f"| {name} | {_ms(s['median_s'])} | {_ms(s['min_s'])} | {_ms(s['max_s'])} | {_codes(s)} |"
    )


def _single_md(single: dict[str, Any]) -> list[str]:
    m, z = single["mlrig"], single["zizmor"]
    return [
        "## One small workflow",
        "",
        f"A repository holding only `{single['path']}` ({single['lines']} lines); one",
        "invocation per tool, as each pre-commit hook runs: `mlrig check` from the root",
        f"(the `mlrig-check` hook, every rule), `zizmor --offline {single['path']}`.",
        "",
        "| tool | median | min | max | exit codes |",
        "| --- | --- | --- | --- | --- |",
        _sample_row("mlrig check --no-cache (cold)", m),
        *([_sample_row("mlrig check (warm)", single["warm"]["mlrig"])] if "warm" in single else []),
        _sample_row("zizmor --offline", z),
        *_gha_hook_rows(single),
        "",
        f"Ratio: **{single['ratio']:.2f}x**{_cpu(single)} cold{_warm_note(single)}.",
        *_gha_hook_ratio(single),
        "",
    ]


def _warm_note(result: dict[str, Any]) -> str:
    warm = result.get("warm")
    return "" if warm is None else f", **{warm['ratio']:.2f}x**{_cpu(warm)} warm"


def _gha_hook_rows(single: dict[str, Any]) -> list[str]:
    hook = single.get("gha_hook")
    if hook is None:
        return []
    rows = [_sample_row(f"`{hook['command']}` (cold)", hook["mlrig"])]
    if "warm" in hook:
        rows.append(_sample_row(f"`{hook['command']}` (warm)", hook["warm"]["mlrig"]))
    return rows


def _gha_hook_ratio(single: dict[str, Any]) -> list[str]:
    hook = single.get("gha_hook")
    if hook is None:
        return []
    return [
        "",
        f"mlrig's GitHub Actions hook (`mlrig-github-actions`: `{hook['command']}`, the",
        f"hook that reads what zizmor reads): **{hook['ratio']:.2f}x**{_cpu(hook)} cold"
        f"{_warm_note(hook)}.",
    ]


def _startup_md(start: dict[str, Any]) -> list[str]:
    budget = SINGLE_TARGET * start["zizmor_median_s"]
    lines = [
        "### What a one-file run is made of",
        "",
        "The same repository; each step started as a whole process with mlrig's interpreter",
        "and environment, interleaved with the real runs. The budget is the target,",
        f"{SINGLE_TARGET} x zizmor's median = {_ms(budget)}.",
        "",
        "| step | median | CPU | of the budget |",
        "| --- | --- | --- | --- |",
    ]
    for row in start["rows"]:
        lines.append(
            f"| `{row['step']}` | {_ms(row['median_s'])} | {_ms_or(row.get('cpu_median_s'))} "
            f"| {row['median_s'] / budget * 100:.0f}% |"
        )
    return [*lines, ""]


def _corpus_md(corpus: dict[str, Any]) -> list[str]:
    lines = [
        "## Real repositories",
        "",
        f"The `.github` trees of {len(corpus['repos'])} public ML projects "
        f"({corpus['files']} files),",
        "each checked as its own repository, one invocation per repository per tool",
        "(`mlrig check` and `zizmor --offline .` from its root; mlrig cold with `--no-cache`,",
        "and warm). The files are not committed here;",
        "`python -m bench.corpus` rebuilds them from git mirrors.",
        "",
        "| repository | commit | files | workflows + actions | mlrig cold | zizmor | ratio "
        "| CPU ratio | mlrig warm | warm ratio | exit codes (mlrig/zizmor) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in corpus["repos"]:
        wa = int(r.get("workflow", 0)) + int(r.get("action", 0))
        lines.append(
            f"| {r['repo'].replace('+', '/')} | `{str(r.get('commit', ''))[:10]}` "
            f"| {r['files']} | {wa} "
            f"| {_ms(r['mlrig']['median_s'])} | {_ms(r['zizmor']['median_s'])} | {r['ratio']:.2f}x "
            f"| {_num(r.get('cpu_ratio'))} | {_warm_ms(r)} | {_warm_ratio(r)} "
            f"| {_codes(r['mlrig'])} / {_codes(r['zizmor'])} |"
        )
    t = corpus["total"]
    w = corpus.get("total_warm")
    warm_ms, warm_ratio = (_ms(w["mlrig_s"]), f"**{w['ratio']:.2f}x**") if w else ("", "")
    lines += [
        f"| **total** | | {corpus['files']} | | {_ms(t['mlrig_s'])} | {_ms(t['zizmor_s'])} "
        f"| **{t['ratio']:.2f}x** | {_num(t.get('cpu_ratio'))} | {warm_ms} | {warm_ratio} | |",
        "",
    ]
    return lines


def _warm_ms(result: dict[str, Any]) -> str:
    return _ms(result["warm"]["mlrig"]["median_s"]) if "warm" in result else ""


def _warm_ratio(result: dict[str, Any]) -> str:
    return f"{result['warm']['ratio']:.2f}x" if "warm" in result else ""


def _cached_rows(syn: dict[str, Any]) -> list[str]:
    if not any("warm" in p for p in syn["points"]):
        return []
    lines = [
        "With the results cache: **warm** is a run with nothing changed since the previous",
        "one; **edited** is a run after one workflow changed (each round adds or removes a",
        "comment line at its end), measured beside its own zizmor runs.",
        "",
        "| files | mlrig warm | ratio | mlrig edited | zizmor | ratio |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for p in syn["points"]:
        warm, edited = p.get("warm"), p.get("edited")
        lines.append(
            f"| {p['files']} | {_ms(warm['mlrig']['median_s']) if warm else ''} "
            f"| {_num(warm['ratio']) if warm else ''} "
            f"| {_ms(edited['mlrig']['median_s']) if edited else ''} "
            f"| {_ms(edited['zizmor']['median_s']) if edited else ''} "
            f"| {_num(edited['ratio']) if edited else ''} |"
        )
    return [*lines, ""]


def _synthetic_md(syn: dict[str, Any], plot_name: str | None) -> list[str]:
    lines = [
        "## Synthetic repository",
        "",
        f"`bench/synthetic.py` (seed {syn['seed']}) writes bundles of ten files per project:",
        "two workflows, a composite action, `dvc.yaml`, `dvc.lock`, `params.yaml`, a `.dvc`",
        "file, Terraform, `requirements.txt` or `pyproject.toml`, and a Dockerfile. A",
        "larger tree contains the smaller one. zizmor reads the workflows and actions",
        "(3 files in 10); mlrig reads every file.",
        "",
        "Cold runs (`mlrig check --no-cache`); wall time, with CPU time (user + system)",
        "after the slash; the step columns give the cost of each extra file since the",
        "previous size.",
        "",
        "| files | mlrig | zizmor | ratio | CPU ratio | mlrig ms/file (step) "
        "| zizmor ms/file (step) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    gm, gz = syn["growth"]["mlrig"], syn["growth"]["zizmor"]
    cpu = syn.get("growth_cpu", {})
    for i, p in enumerate(syn["points"]):
        m, z = p["mlrig"], p["zizmor"]
        lines.append(
            f"| {p['files']} | {_ms(m['median_s'])} / {_ms_or(m.get('cpu_median_s'))} "
            f"| {_ms(z['median_s'])} / {_ms_or(z.get('cpu_median_s'))} "
            f"| {p['ratio']:.2f}x | {_num(p.get('cpu_ratio'))} "
            f"| {_step(gm, i)} / {_step(cpu.get('mlrig'), i)} "
            f"| {_step(gz, i)} / {_step(cpu.get('zizmor'), i)} |"
        )
    lines += ["", *_cached_rows(syn)]
    lines += [
        "Least-squares line through the medians (cold), time = intercept + slope x files:",
        "",
        "| tool | time | intercept | slope | R² |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in ("mlrig", "zizmor"):
        for kind, fits in (("wall", syn["growth"]), ("CPU", cpu)):
            if name in fits:
                g = fits[name]
                lines.append(
                    f"| {name} | {kind} | {_ms(g['intercept'])} | {g['slope'] * 1000:.3f} ms/file "
                    f"| {g['r2']:.4f} |"
                )
    ok, _ = linear_verdict(cpu.get("mlrig", gm))
    lines += [
        "",
        f"Linear growth of mlrig's {'CPU' if cpu else 'wall'} time (R² >= {LINEAR_R2} and the "
        f"last step's cost per file at most {LINEAR_STEP}x the first's): {_met(ok)}. CPU time is",
        "the judge because wall time here includes waiting for a core that other work holds.",
        "",
    ]
    parallel = [
        p["files"]
        for p in syn["points"]
        if (p["mlrig"].get("cpu_median_s") or 0) > 1.1 * p["mlrig"]["median_s"]
    ]
    if parallel:
        sizes = ", ".join(str(n) for n in parallel)
        lines += [
            f"At {sizes} files mlrig's CPU time exceeds its wall time: it ran part of the",
            "check in a second process. Its wall time then depends on the second core being",
            "free, which on this shared machine it is not always; compare the CPU ratio.",
            "",
        ]
    if plot_name:
        lines += [f"![time against size]({plot_name})", ""]
    return lines


def _import_rows(title: str, rows: list[dict[str, Any]], key: str) -> list[str]:
    lines = ["", f"| {title} | {key.split('_', maxsplit=1)[0]} |", "| --- | --- |"]
    return lines + [f"| `{r['module']}` | {r[key] / 1000:.1f} ms |" for r in rows]


def _forbidden_md(imp: dict[str, Any]) -> str:
    parts = []
    for name, found in imp["forbidden"].items():
        parts.append(
            f"`{name}` " + ("**imported** (" + ", ".join(found[:3]) + ")" if found else "no")
        )
    return ", ".join(parts)


def _imports_md(imp: dict[str, Any], mixed: dict[str, Any] | None) -> list[str]:
    lines = [
        "## Imports on the check path",
        "",
        f"`{imp['command']}` (the small workflow's repository; exit {imp['exit_code']}; "
        f"medians of {imp.get('runs', 1)} runs): {imp['modules']} modules, "
        f"{imp['total_self_us'] / 1000:.1f} ms of import time in all.",
    ]
    lines += _import_rows("top-level import", imp["top_cumulative"], "cumulative_us")
    lines += _import_rows("mlrig's own modules", imp.get("top_toolkit", []), "cumulative_us")
    lines += _import_rows("most expensive single modules", imp["top_self"], "self_us")
    lines += [
        "",
        "Modules that must stay off this path, by the importtime log (which lists every",
        "module the process imports):",
        "",
        f"- the small workflow: {_forbidden_md(imp)}",
    ]
    if mixed is not None:
        lines.append(
            f"- a 20-file synthetic tree with `dvc.yaml`, `dvc.lock`, a `.dvc` file, Terraform, "
            f"Python dependencies and a Dockerfile (exit {mixed['exit_code']}, "
            f"{mixed['modules']} modules): {_forbidden_md(mixed)}"
        )
    return [*lines, ""]


def _profile_md(prof: dict[str, Any]) -> list[str]:
    lines = [
        "## Where the time goes",
        "",
        f"cProfile of one `mlrig check` on the synthetic tree `{prof['tree']}`, as shares of",
        "the profiled run (`python -m bench.profile TREE`). A rule's share includes the",
        "views it is the first to ask for. cProfile sees the main process only: rules that",
        "mlrig runs in a forked child on large trees are not in these tables.",
    ]
    if "error" in prof:
        return [*lines, "", f"Not measured: {prof['error']}.", ""]
    for title, key in (("rule", "rules"), ("view parser", "views"), ("own time", "hottest")):
        lines += ["", f"| {title} | share |", "| --- | --- |"]
        lines += [f"| `{r['function']}` | {r['share'] * 100:.1f}% |" for r in prof[key]]
    return [*lines, ""]


def _reproduce_md() -> list[str]:
    return [
        "## Reproduce",
        "",
        "```sh",
        "pip install -e '.[bench]'",
        "python -m bench.corpus bench/.work/corpus /path/to/mirror/owner+name ...   # git dirs",
        "python -m bench --corpus bench/.work/corpus --rounds 7   # mlrig as committed at HEAD",
        "python -m bench --corpus bench/.work/corpus --rev <commit> | --worktree",
        "python -m bench.report bench/results/latest.json    # re-render without measuring",
        "```",
        "",
    ]


def render(results: dict[str, Any], plot_name: str | None) -> str:
    lines = _header(results) + _failed_md(results) + _targets_md(results)
    if "single" in results:
        lines += _single_md(results["single"])
    if "startup" in results:
        lines += _startup_md(results["startup"])
    if "corpus" in results:
        lines += _corpus_md(results["corpus"])
    if "synthetic" in results:
        lines += _synthetic_md(results["synthetic"], plot_name)
    if "imports" in results:
        lines += _imports_md(results["imports"], results.get("imports_mixed"))
    if "profile" in results:
        lines += _profile_md(results["profile"])
    return "\n".join(lines + _reproduce_md()).rstrip() + "\n"


def plot(syn: dict[str, Any], path: Path, machine: str) -> None:
    """Time against size for both tools with their fitted lines; ratio beside it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [p["files"] for p in syn["points"]]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=120)
    series = [("wall", "median_s", syn["growth"], "o", "-")]
    if "growth_cpu" in syn:
        series.append(("CPU", "cpu_median_s", syn["growth_cpu"], "s", "--"))
    for name, colour in (("mlrig", "tab:blue"), ("zizmor", "tab:orange")):
        for kind, key, fits, marker, style in series:
            ys = [p[name][key] for p in syn["points"]]
            g = fits[name]
            face = colour if kind == "wall" else "none"
            left.plot(xs, ys, marker, color=colour, markerfacecolor=face)
            left.plot(
                [min(xs), max(xs)],
                [g["intercept"] + g["slope"] * min(xs), g["intercept"] + g["slope"] * max(xs)],
                style,
                color=colour,
                alpha=0.7,
                label=f"{name} {kind}, R²={g['r2']:.3f}",
            )
    left.set(xlabel="files in the repository", ylabel="seconds (median)", title="Time against size")
    left.set_xlim(left=0)
    left.set_ylim(bottom=0)
    left.legend(fontsize=8)
    left.grid(alpha=0.3)
    right.plot(
        xs, [p["ratio"] for p in syn["points"]], "o-", color="tab:blue", label="wall mlrig / zizmor"
    )
    if all(p.get("cpu_ratio") for p in syn["points"]):
        cpu_ratios = [p["cpu_ratio"] for p in syn["points"]]
        right.plot(
            xs,
            cpu_ratios,
            "s--",
            color="tab:blue",
            markerfacecolor="none",
            label="CPU mlrig / zizmor",
        )
    right.axhline(SYNTHETIC_TARGET, color="tab:red", linestyle="--", label="target (0.5)")
    right.axhline(1.0, color="grey", linestyle=":", label="parity")
    right.set(xlabel="files in the repository", ylabel="ratio (lower is faster)", title="Ratio")
    right.set_xlim(left=0)
    right.set_ylim(bottom=0)
    right.legend(fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle(f"mlrig check vs zizmor --offline, synthetic repository ({machine}: medians)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _complete(results: dict[str, Any]) -> dict[str, Any]:
    """Results saved before CPU-time fits existed get them from their points."""
    syn = results.get("synthetic")
    if (
        syn
        and "growth_cpu" not in syn
        and all(p["mlrig"].get("cpu_median_s") for p in syn["points"])
    ):
        xs = [float(p["files"]) for p in syn["points"]]
        syn["growth_cpu"] = {}
        for name in ("mlrig", "zizmor"):
            ys = [p[name]["cpu_median_s"] for p in syn["points"]]
            syn["growth_cpu"][name] = {
                **linear_fit(xs, ys),
                "marginal_s_per_file": marginal_costs(xs, ys),
            }
    return results


def write(results: dict[str, Any], md_path: Path, plot_path: Path | None) -> None:
    results = _complete(results)
    plot_name = None
    if plot_path is not None and "synthetic" in results:
        try:
            plot(results["synthetic"], plot_path, results["environment"]["machine"])
            plot_name = plot_path.name
        except ImportError:  # matplotlib comes with the bench extra only
            print("bench: matplotlib is not installed; no plot", file=sys.stderr)
    md_path.write_text(render(results, plot_name), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument("results", type=Path)
    parser.add_argument("--md", type=Path, default=Path("docs/performance.md"))
    parser.add_argument("--plot", type=Path, default=Path("docs/performance.png"))
    args = parser.parse_args(argv)
    write(json.loads(args.results.read_text(encoding="utf-8")), args.md, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
