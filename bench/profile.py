"""Where ``mlrig check`` spends its time on one tree: cProfile, shares of the run.

    python -m bench.profile TREE [PYTHON]

Runs the check in-process under cProfile (stdlib, so no extra dependency) with
the given interpreter, then reports each rule's ``check`` and each view's
``parse`` by cumulative time, and the hottest functions by own time. cProfile
slows Python code two- to threefold, so the figures are shares of the profiled
run, not wall times.
"""

from __future__ import annotations

import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

RUNNER = """\
import cProfile, sys
from toolkit.cli import cli
profiler = cProfile.Profile()
profiler.enable()
try:
    cli.main(args=["check", "--no-cache", "--exit-zero", "."], standalone_mode=False)
except SystemExit:
    pass
profiler.disable()
profiler.dump_stats(sys.argv[1])
"""


def _label(filename: str, name: str) -> str:
    parts = Path(filename).parts
    if "toolkit" in parts:
        module = ".".join(parts[parts.index("toolkit") :]).removesuffix(".py")
        return f"{module}.{name}"
    return f"{Path(filename).name}:{name}"


def summarise(stats: pstats.Stats, top: int = 10) -> dict[str, object]:
    raw = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in raw.values()) or 1.0
    rules, views, hottest = [], [], []
    for (filename, _, name), (_, _, tottime, cumtime, _) in raw.items():
        label = _label(filename, name)
        if "/toolkit/rules/" in filename and name == "check":
            rules.append({"function": label, "share": cumtime / total})
        elif "/toolkit/check/views/" in filename and name == "parse":
            views.append({"function": label, "share": cumtime / total})
        hottest.append({"function": label, "share": tottime / total})
    by_share = lambda rows: sorted(rows, key=lambda r: -r["share"])[:top]  # noqa: E731
    return {"rules": by_share(rules), "views": by_share(views), "hottest": by_share(hottest)}


def measure(tree: Path, python: str | None = None, env: dict[str, str] | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "check.prof"
        subprocess.run(
            [python or sys.executable, "-c", RUNNER, str(out)],
            cwd=tree,
            env=env,
            capture_output=True,
            check=False,
        )
        if not out.exists():
            return {"tree": tree.name, "error": "the profiled run did not finish"}
        return {"tree": tree.name, **summarise(pstats.Stats(str(out)))}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    result = measure(Path(args[0]), args[1] if len(args) > 1 else None)
    for key in ("rules", "views", "hottest"):
        print(f"{key}:")
        for row in result.get(key, []):  # type: ignore[union-attr]
            print(f"  {row['share'] * 100:5.1f}%  {row['function']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
