"""Fingerprints of findings that survive line moves, for SARIF ``partialFingerprints``.

A finding's fingerprint hashes its rule, its file and the text of its line with
whitespace collapsed (its message when the line cannot be read), never a line
number; the n-th equal finding in a file gets ``:n``, as GitHub's own
``primaryLocationLineHash`` does. Inserting lines above a finding, or
re-indenting it, keeps its fingerprint; editing its line makes a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from toolkit.check.findings import Finding
from toolkit.check.report.source import Sources

FINGERPRINT = "mlrigFindingHash/v1"


def fingerprints(findings: Sequence[Finding], root: Path | None) -> list[str]:
    """One fingerprint per finding, in order."""
    sources = Sources(root)
    seen: dict[str, int] = {}
    hashed = []
    for finding in findings:
        line = sources.line(finding.path, finding.line)
        context = " ".join(line.split()) if line is not None else finding.message
        key = "\0".join((finding.code, finding.path, context))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        hashed.append(f"{digest}:{seen[digest]}")
    return hashed
