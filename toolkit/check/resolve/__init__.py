"""``--fix`` beyond the rules' own splices: pins resolved from git remotes and registries.

:class:`Fixer` gives every finding a fix where one can be made (the rule's
own, or one resolved here) and a reason for every other; :func:`diff` shows
what applying them would change, without writing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from toolkit.check.findings import Finding


class Fixer:
    """Fixes for findings, from the rules or resolved here, and why the others have none.

    One resolver serves the whole run, so explaining what is left after fixing
    asks no remote twice.
    """

    def __init__(self, root: Path, offline: bool) -> None:
        from toolkit.check.resolve.resolver import Resolver
        from toolkit.check.resolve.store import Store

        self.root = root
        self.store = Store.load()
        self.resolver = Resolver(self.store, offline)

    def fixes(self, findings: Sequence[Finding]) -> list[Finding]:
        """Every finding that can be fixed, carrying its fix."""
        from toolkit.check.resolve.plan import plan

        planned = plan(self.root, findings, self.resolver)
        self.store.save()
        own = [finding for finding in findings if finding.fix is not None]
        return sorted(own + planned.fixable)

    def reasons(self, left: Sequence[Finding]) -> list[str]:
        """``path:line:col: CODE not fixed: reason`` for each finding left after fixing."""
        from toolkit.check.resolve.plan import plan

        unfixable = plan(self.root, left, self.resolver).unfixable
        return [
            f"{f.path}:{f.line}:{f.column}: {f.code} not fixed: {unfixable.get(f, AGAIN)}"
            for f in sorted(left)
        ]


AGAIN = "its edit overlapped another one; run --fix again"


def diff(
    root: Path, findings: Iterable[Finding], seen: Mapping[str, str | None]
) -> tuple[str, list[Finding]]:
    """The unified diff that ``--fix`` would make, and the findings it would fix.

    The fixes are applied, by ``--fix``'s own code, to copies of the files.
    """
    import difflib
    import tempfile

    from toolkit.check.fix import apply_fixes

    chosen = [finding for finding in findings if finding.fix is not None]
    paths = sorted({finding.path for finding in chosen})
    with tempfile.TemporaryDirectory(prefix="mlrig-diff-") as scratch:
        copy = Path(scratch)
        for path in paths:  # read through the trust boundary, as the check did
            (copy / path).parent.mkdir(parents=True, exist_ok=True)
            (copy / path).write_bytes(_bytes(root, path))
        applied = apply_fixes(copy, chosen, seen).applied
        chunks = []
        for path in paths:
            before = _bytes(root, path).decode("utf-8", "replace")
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


def _bytes(root: Path, path: str) -> bytes:
    """The bytes of ``path`` through the trust boundary; none for a file it refuses."""
    from toolkit.check.findings import ParseError
    from toolkit.check.project import read_limited

    try:
        return read_limited(root, path) or b""
    except ParseError:
        return b""
