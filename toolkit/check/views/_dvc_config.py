"""``.dvc/config`` (INI) and ``.gitignore`` files, for the DVC view."""

from __future__ import annotations

import configparser
import re
from typing import TYPE_CHECKING

from toolkit.check.findings import ParseError

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass


@dataclass(frozen=True)
class Remote:
    """A ``['remote "name"']`` section of ``.dvc/config``."""

    name: str
    url: str
    line: int
    account_name: str = ""

    def pull_url(self) -> str:
        """The URL a cluster pulls from (DVC's ``azure://container`` as Blob's https address)."""
        if self.url.startswith("azure://") and self.account_name:
            container = self.url[len("azure://") :]
            return f"https://{self.account_name}.blob.core.windows.net/{container}".rstrip("/")
        return self.url


@dataclass(frozen=True)
class DvcConfig:
    """``.dvc/config``: the default remote and the remotes."""

    path: str
    default_remote: str | None
    default_line: int
    remotes: tuple[Remote, ...]


@dataclass(frozen=True)
class GitIgnore:
    """A ``.gitignore``: its patterns with their lines."""

    path: str
    patterns: tuple[tuple[str, int], ...]


def parse_config(path: str, text: str) -> DvcConfig:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as error:
        raise ParseError(str(error).splitlines()[0], getattr(error, "lineno", 1) or 1, 1) from None
    lines = _section_lines(text)
    remotes = []
    for section in parser.sections():
        found = re.fullmatch(r"""\s*['"]?remote\s+\\?"([^"\\]+)\\?"['"]?\s*""", section)
        if found:
            url = parser.get(section, "url", fallback="")
            account = parser.get(section, "account_name", fallback="")
            remotes.append(Remote(found.group(1), url, lines.get(section, 1), account))
    default = parser.get("core", "remote", fallback=None) if parser.has_section("core") else None
    default_line = _option_line(text, "remote") if default else lines.get("core", 1)
    return DvcConfig(path, default, default_line, tuple(remotes))


def _section_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        found = re.match(r"\s*\[(.+)\]\s*$", line)
        if found:
            lines.setdefault(found.group(1).strip(), number)
    return lines


def _option_line(text: str, option: str) -> int:
    in_core = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_core = stripped.strip("[]").strip() == "core"
        elif in_core and re.match(rf"{option}\s*=", stripped):
            return number
    return 1


def parse_gitignore(path: str, text: str) -> GitIgnore:
    patterns = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.rstrip("\r")
        if stripped.rstrip() and not stripped.startswith("#"):
            patterns.append((stripped.rstrip(" "), number))
    return GitIgnore(path, tuple(patterns))
