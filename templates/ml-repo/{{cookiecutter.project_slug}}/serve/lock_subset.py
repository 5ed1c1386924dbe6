"""Print the serving subset of a hash-locked requirements file, for ``pip --require-hashes``.

Usage: ``python serve/lock_subset.py LOCK PACKAGE...``. The subset is each named package
and everything the lock says it needs (its ``# via`` annotations, as ``uv pip compile``
writes them), with the lock's own versions, markers and hashes: the image installs
exactly what training resolved, and nothing is resolved twice.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==")
VIA_ONE = re.compile(r"^\s+#\s+via\s+(\S.*)$")
OPTION = re.compile(r"^--(?:index-url|extra-index-url|find-links)\b")
VIA_MORE = re.compile(r"^\s+#\s{3,}(\S+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def entries(text: str) -> list[tuple[str, list[str], set[str]]]:
    """Each requirement of the lock: its name, its lines, and the packages it is there for."""
    found: list[tuple[str, list[str], set[str]]] = []
    for line in text.splitlines():
        head = NAME.match(line)
        if head:
            found.append((canonical(head[1]), [line], set()))
        elif found and line.lstrip().startswith("--hash"):
            found[-1][1].append(line)
        elif found and (via := VIA_ONE.match(line) or VIA_MORE.match(line)):
            found[-1][2].add(canonical(via[1].split()[0]))
    return found


def subset(text: str, roots: list[str]) -> str:
    """The lock's requirements for ``roots`` and what they need, in the lock's order."""
    locked = entries(text)
    wanted = {canonical(root) for root in roots}
    missing = wanted - {name for name, _, _ in locked}
    if missing:
        raise SystemExit(f"not in the lock: {', '.join(sorted(missing))}")
    grew = True
    while grew:
        needed = {name for name, _, parents in locked if parents & wanted}
        grew = not needed <= wanted
        wanted |= needed
    options = [line for line in text.splitlines() if OPTION.match(line)]
    lines = [line for name, block, _ in locked if name in wanted for line in block]
    return "\n".join(options + lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    sys.stdout.write(subset(Path(argv[0]).read_text(encoding="utf-8"), argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
