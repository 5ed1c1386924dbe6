"""What ``mlrig check`` imports, and what each import costs (``python -X importtime``).

The check path must never import dvc, and should not import jinja2,
ruamel.yaml, jsonschema or cookiecutter (docs/performance.md).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

FORBIDDEN = ("dvc", "jinja2", "ruamel", "jsonschema", "cookiecutter")


def parse(stderr: str) -> list[dict[str, object]]:
    """Rows of ``import time: self | cumulative | name``, with nesting depth."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        rows.append(
            {
                "module": name.strip(),
                "self_us": int(self_us),
                "cumulative_us": int(cumulative_us),
                "depth": depth,
            }
        )
    return rows


def _median_rows(runs: list[list[dict[str, object]]]) -> list[dict[str, object]]:
    """One row per module (order and depth of the first run), median times over runs."""
    by_name: dict[str, list[dict[str, object]]] = {}
    for rows in runs:
        for row in rows:
            by_name.setdefault(str(row["module"]), []).append(row)
    out = []
    for row in runs[0]:
        seen = by_name[str(row["module"])]
        out.append(
            {
                **row,
                "self_us": int(statistics.median(int(r["self_us"]) for r in seen)),
                "cumulative_us": int(statistics.median(int(r["cumulative_us"]) for r in seen)),
            }
        )
    return out


def measure(
    target: Path,
    python: str | None = None,
    env: dict[str, str] | None = None,
    top: int = 12,
    runs: int = 5,
) -> dict[str, object]:
    """Run ``python -X importtime -m toolkit check --no-cache TARGET`` ``runs`` times (the
    cold path: with its cache, a warm run imports neither PyYAML nor a rule); summarise."""
    python = python or sys.executable
    command = [python, "-X", "importtime", "-m", "toolkit", "check", "--no-cache", str(target)]
    procs = [
        subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        for _ in range(runs)
    ]
    rows = _median_rows([parse(p.stderr) for p in procs])
    proc = procs[0]
    roots = sorted((r for r in rows if r["depth"] == 0), key=lambda r: -int(r["cumulative_us"]))
    own = [r for r in rows if str(r["module"]).startswith("toolkit.")]
    modules = [str(r["module"]) for r in rows]
    forbidden = {
        name: sorted(m for m in modules if m == name or m.startswith(name + "."))
        for name in FORBIDDEN
    }
    return {
        "command": f"python -X importtime -m toolkit check --no-cache {target.name}",
        "runs": runs,
        "python": python or sys.executable,
        "exit_code": proc.returncode,
        "modules": len(rows),
        "total_self_us": sum(int(r["self_us"]) for r in rows),
        "top_cumulative": roots[:top],
        "top_self": sorted(rows, key=lambda r: -int(r["self_us"]))[:top],
        "top_toolkit": sorted(own, key=lambda r: -int(r["cumulative_us"]))[:top],
        "forbidden": forbidden,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    result = measure(Path(args[0] if args else "."), args[1] if len(args) > 1 else None)
    print(
        f"{result['command']}: exit {result['exit_code']}, {result['modules']} modules, "
        f"{int(result['total_self_us']) / 1000:.1f} ms of imports"
    )
    for row in result["top_cumulative"]:  # type: ignore[attr-defined]
        print(f"  {row['cumulative_us'] / 1000:7.1f} ms  {row['module']}")
    for name, found in result["forbidden"].items():  # type: ignore[attr-defined]
        print(f"  {name}: {'IMPORTED ' + ', '.join(found[:3]) if found else 'not imported'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
