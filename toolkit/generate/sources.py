"""Where a generated repository's template came from, as its answers file records it.

- ``bundled``: one of mlrig's own templates, by name, version and the commit the
  installed mlrig was built from;
- ``git``: a template in a git repository (a company's fork), by URL, commit and
  the template's folder inside it;
- ``path``: a template folder given on the command line, with its commit when it
  lies in a git work tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Literal

Kind = Literal["bundled", "git", "path"]
KINDS: tuple[Kind, ...] = ("bundled", "git", "path")


@dataclass(frozen=True)
class TemplateSource:
    """A template and the exact version of it that a repository was generated from."""

    kind: Kind
    name: str = ""
    version: str = ""
    commit: str = ""
    url: str = ""
    directory: str = ""

    def as_record(self) -> dict[str, str]:
        """The mapping written under ``template_source:`` (empty fields left out)."""
        return {key: value for key, value in asdict(self).items() if value}

    def describe(self) -> str:
        """One line for messages: what and which version."""
        commit = self.commit[:12] if len(self.commit) == 40 else "unknown commit"
        if self.kind == "git":
            where = f"{self.url}" + (f" ({self.directory})" if self.directory else "")
            return f"{where} at {commit}"
        return f"template {self.name} {self.version} ({commit})".replace("  ", " ")


def source_from_record(data: Mapping[str, object], legacy: Mapping[str, str]) -> TemplateSource:
    """The source recorded in an answers file; older files have only ``legacy`` fields."""
    kind = str(data.get("kind", ""))
    if kind in KINDS:
        fields = {
            k: str(data.get(k, "")) for k in ("name", "version", "commit", "url", "directory")
        }
        return TemplateSource(kind=kind, **fields)
    name = legacy.get("template", "")
    bundled = bool(name) and "/" not in name and "\\" not in name
    return TemplateSource(
        kind="bundled" if bundled else "path",
        name=name,
        version=legacy.get("template_version", ""),
        commit=legacy.get("template_commit", ""),
    )
