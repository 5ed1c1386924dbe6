"""Refuse a bad answer that a file gives, naming the file and the line it is written on.

Answers come from files in two places: ``mlrig new --answers FILE`` and a
repository's ``.mlrig-answers.yml`` (which ``add`` and ``update`` read). Either
may be hand-edited; a bad value there is a configuration error (exit 2) with
``file:line``, found before the template is rendered, never a crash inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import AnswersFileError
from toolkit.generate.answers import (
    choices,
    public_keys,
    sorted_choices,
    template_options,
    validator,
)


@dataclass(frozen=True)
class FileAnswers:
    """Answers read from a file, with the line each is written on."""

    path: str
    answers: dict[str, str]
    lines: dict[str, int] = field(default_factory=dict)
    line: int = 1  # where the answers start: the line for problems no single answer has

    def at(self, key: str | None) -> str:
        """``path:line`` of ``key`` (of the answers as a whole when ``None`` or unwritten)."""
        return f"{self.path}:{self.lines.get(key or '', self.line)}"


def _refuse_unknown_and_choices(given: FileAnswers, raw: Mapping[str, object]) -> None:
    known = public_keys(raw)
    for key, value in given.answers.items():
        if key not in known:
            raise AnswersFileError(
                f"{given.at(key)}: unknown answer {key!r}; known answers: {', '.join(known)}"
            )
        allowed = raw[key]
        if isinstance(allowed, list) and value not in [str(a) for a in allowed]:
            shown = ", ".join(sorted_choices([str(a) for a in allowed]))
            hint = (
                f" (for {value}0, quote it: YAML reads 3.10 as 3.1)"
                if f"{value}0" in allowed
                else ""
            )
            raise AnswersFileError(f"{given.at(key)}: {key} {value!r} is not one of: {shown}{hint}")


def refuse_bad_file_answers(
    given: FileAnswers,
    template: Path,
    overrides: Mapping[str, object] | None = None,
    run_template_code: bool = True,
) -> None:
    """Raise :class:`AnswersFileError` at the first bad answer that ``given`` writes.

    ``overrides`` (``--set``) win over the file: their answers are not the file's
    to blame, and the caller checks them. ``run_template_code=False`` checks names
    and choices only (the template's validation is its code, which a dry run of a
    foreign template must not run).
    """
    from toolkit.generate.render import resolve_answers

    overrides = overrides or {}
    raw = template_options(template)
    own = {k: v for k, v in given.answers.items() if k not in overrides}
    _refuse_unknown_and_choices(FileAnswers(given.path, own, given.lines, given.line), raw)
    validate = validator(template) if run_template_code else None
    if validate is None:
        return
    answers = resolve_answers(template, {**own, **overrides})  # overrides: checked already
    problems = [
        (key, problem)
        for problem in validate(answers, choices(raw))
        for key in [next((k for k in answers if problem.startswith(f"{k} ")), None)]
        if key not in overrides
    ]
    if problems:
        key, first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise AnswersFileError(f"{given.at(key if key in own else None)}: {first}{more}")
