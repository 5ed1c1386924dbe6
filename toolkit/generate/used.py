"""Which answers a part of the template uses, so ``mlrig add`` asks only those.

Read from the template's own text, never rendered: a file of the part uses an
answer when it names ``cookiecutter.<answer>``; so does a file it includes, the
default of an answer it uses (``region`` follows ``cloud``), and a
``_remove_when`` entry that removes one of its files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from toolkit.generate.answers import public_keys, template_options

NAMED = re.compile(r"cookiecutter(?:\.(\w+)|\[\s*['\"](\w+)['\"]\s*\])")
INCLUDE = re.compile(r"{%-?\s*include\s+['\"]([^'\"]+)['\"]")
MAX_BYTES = 1 << 20


def _named(text: str) -> set[str]:
    return {a or b for a, b in NAMED.findall(text)}


def _text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            return ""
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _part_files(template: Path, prefixes: tuple[str, ...]) -> list[Path]:
    project = next(template.glob("{{*}}"), None)
    if project is None:
        return []
    return [
        path
        for path in sorted(project.rglob("*"))
        if path.is_file() and path.relative_to(project).as_posix().startswith(prefixes)
    ]


def _removed_by(table: object, prefixes: tuple[str, ...]) -> set[str]:
    keys: set[str] = set()
    for entry in table if isinstance(table, list) else []:
        removes = entry.get("remove", []) if isinstance(entry, dict) else []
        when = entry.get("when", {}) if isinstance(entry, dict) else {}
        if isinstance(when, dict) and any(
            str(path).startswith(prefixes) or any(p.startswith(str(path)) for p in prefixes)
            for path in removes
        ):
            keys |= {str(key) for key in when}
    return keys


def _closure(keys: set[str], raw: Mapping[str, object]) -> set[str]:
    """``keys`` and every answer their defaults are computed from."""
    todo, done = list(keys), set()
    while todo:
        key = todo.pop()
        if key in done:
            continue
        done.add(key)
        todo += _named(str(raw.get(key, ""))) - done
    return done


def used_answers(template: Path, prefixes: Iterable[str]) -> set[str]:
    """The public answers that the files under ``prefixes`` (paths of the generated
    repository; ``{package_name}`` stands for the package's folder) depend on."""
    raw = template_options(template)
    given = tuple(prefixes)
    keys = {"package_name"} if any("{package_name}" in p for p in given) else set()
    wanted = tuple(p.format(package_name="{{cookiecutter.package_name}}") for p in given)
    for path in _part_files(template, wanted):
        text = _text(path)
        keys |= _named(text)
        for included in INCLUDE.findall(text):
            keys |= _named(_text(template / "templates" / included))
    keys |= _removed_by(raw.get("_remove_when"), wanted)
    return _closure(keys, raw) & set(public_keys(raw))
