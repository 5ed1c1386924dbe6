"""``--fix`` beyond the rules' own splices: pins resolved from git remotes and registries.

:func:`fixes_for` gives every finding a fix where one can be made (the rule's
own, or one resolved here) and a reason for every other; :func:`diff` shows
what applying them would change, without writing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from toolkit.check.findings import Finding


def fixes_for(
    root: Path, findings: Sequence[Finding], offline: bool
) -> tuple[list[Finding], dict[Finding, str]]:
    """The findings that carry a fix, and why each of the others cannot be fixed."""
    from toolkit.check.resolve.plan import plan
    from toolkit.check.resolve.resolver import Resolver
    from toolkit.check.resolve.store import Store

    store = Store.load()
    planned = plan(root, findings, Resolver(store, offline))
    store.save()
    own = [finding for finding in findings if finding.fix is not None]
    return sorted(own + planned.fixable), planned.unfixable


def diff(root: Path, findings: Iterable[Finding]) -> tuple[str, list[Finding]]:
    """The unified diff that ``--fix`` would make, and the findings it would fix.

    The fixes are applied, by ``--fix``'s own code, to copies of the files.
    """
    import difflib
    import shutil
    import tempfile

    from toolkit.check.fix import apply_fixes

    chosen = [finding for finding in findings if finding.fix is not None]
    paths = sorted({finding.path for finding in chosen})
    with tempfile.TemporaryDirectory(prefix="mlrig-diff-") as scratch:
        copy = Path(scratch)
        for path in paths:
            (copy / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / path, copy / path)
        applied = apply_fixes(copy, chosen)
        chunks = []
        for path in paths:
            before = (root / path).read_bytes().decode("utf-8", "replace")
            after = (copy / path).read_bytes().decode("utf-8", "replace")
            lines = difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                f"a/{path}",
                f"b/{path}",
            )
            chunks.append("".join(_ending(line) for line in lines))
    return "".join(chunks), applied


def _ending(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


OVERLAP = "its edit overlaps another one; run --fix again"


def unfixed_lines(
    unfixable: dict[Finding, str], fixable: Iterable[Finding], fixed: Iterable[Finding]
) -> list[str]:
    """``path:line:col: CODE not fixed: reason`` for each finding left unfixed."""
    done = {_place(f) for f in fixed}
    reasons = {
        **{_place(f): OVERLAP for f in fixable},
        **{_place(f): r for f, r in unfixable.items()},
    }
    return [
        f"{path}:{line}:{column}: {code} not fixed: {reason}"
        for (path, line, column, code), reason in sorted(reasons.items())
        if (path, line, column, code) not in done
    ]


def _place(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.path, finding.line, finding.column, finding.code)
