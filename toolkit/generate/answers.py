"""Collect the answers to the template and refuse invalid ones before any file is written."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from toolkit.errors import AnswerError, AnswersFileError, UsageError, UserInputError

if TYPE_CHECKING:
    from toolkit.generate.answers_check import FileAnswers

Answers = dict[str, Any]


def template_options(template: Path) -> dict[str, Any]:
    """The raw ``cookiecutter.json`` of ``template``."""
    path = template / "cookiecutter.json"
    try:
        data = json.loads(path.read_bytes())
    except OSError as err:
        raise UsageError(f"{path}: cannot read ({err.strerror})") from None
    except (UnicodeDecodeError, RecursionError):
        raise UsageError(f"{path}:1: not a JSON object of answers") from None
    except json.JSONDecodeError as err:
        raise UsageError(f"{path}:{err.lineno}: not valid JSON: {err.msg}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}:1: not a JSON object of answers")
    return data


def public_keys(options: Mapping[str, Any]) -> list[str]:
    """The answers a user may give (cookiecutter's private keys start with ``_``)."""
    return [key for key in options if not key.startswith("_")]


def _natural(value: str) -> list[Any]:
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", value)]


def sorted_choices(options: list[str]) -> list[str]:
    """``options`` in natural order: 3.10 after 3.9."""
    return sorted(options, key=_natural)


def choices(options: Mapping[str, Any]) -> dict[str, list[str]]:
    """The answers that must be one of a list, with that list."""
    return {
        key: list(value)
        for key, value in options.items()
        if isinstance(value, list) and not key.startswith("_")
    }


def parse_set(pairs: tuple[str, ...]) -> Answers:
    """``--set KEY=VALUE`` options as a mapping."""
    result: Answers = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {pair!r}: expected KEY=VALUE")
        result[key.strip()] = value
    return result


def load_answers_file(path: Path) -> FileAnswers:
    """Answers from a YAML or JSON file: a mapping, or an answers file's ``answers:``."""
    from toolkit.generate.answers_check import FileAnswers
    from toolkit.generate.answers_yaml import (
        answer_lines,
        answers_of,
        parse_mapping,
        refuse_repeated_keys,
    )
    from toolkit.generate.confine import TooLargeError, read_regular

    try:
        data = read_regular(path)
    except TooLargeError as err:  # a bad answers file, like every other (exit 2)
        raise AnswersFileError(str(err)) from None
    if data is None:
        raise UsageError(f"{path}: answers file not found")
    mapping = parse_mapping(str(path), data, AnswersFileError)
    refuse_repeated_keys(str(path), mapping, AnswersFileError)
    line = 1
    inner = mapping.get("answers")
    if isinstance(inner, Mapping):
        line = answer_lines(mapping).get("answers", 1)
        mapping = inner
    answers = answers_of(str(path), mapping, AnswersFileError)
    return FileAnswers(str(path), answers, answer_lines(mapping), line)


def _choice(allowed: list[Any], value: object) -> str | None:
    """The choice ``value`` names: itself, or the one choice equal to it but for case."""
    options = [str(option) for option in allowed]
    if str(value) in options:
        return str(value)
    folded = [option for option in options if option.casefold() == str(value).casefold()]
    return folded[0] if len(folded) == 1 else None


def check_overrides(options: Mapping[str, Any], overrides: Mapping[str, Any]) -> Answers:
    """Refuse unknown answer names and choices outside their list; return ``overrides``
    with each choice spelled as the template spells it (``NONE`` is ``none``)."""
    known = public_keys(options)
    checked: Answers = {}
    for key, value in overrides.items():
        if key not in known:
            raise AnswerError(f"unknown answer {key!r}; known answers: {', '.join(known)}")
        allowed = options[key]
        checked[key] = _choice(allowed, value) if isinstance(allowed, list) else value
        if checked[key] is None:
            listed = ", ".join(sorted_choices(allowed))
            raise AnswerError(f"{key} {value!r} is not one of: {listed}")
    return checked


def _jinja_literal(value: str) -> str:
    """A Jinja expression that renders to exactly ``value``.

    Cookiecutter renders every answer as a template, so an answer holding
    ``{{`` would otherwise be evaluated. Escaping each unusual character as
    a unicode escape keeps the answer data.
    """
    plain = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,/")
    escaped = "".join(
        char
        if char in plain
        else (f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        for char in value
    )
    return "{{ '" + escaped + "' }}"


def protect_overrides(options: Mapping[str, Any], overrides: Mapping[str, Any]) -> Answers:
    """``overrides`` with every free-text value shielded from template rendering."""
    return {
        key: value if isinstance(options.get(key), list) else _jinja_literal(str(value))
        for key, value in overrides.items()
    }


def hook_syntax_error(hook: Path, err: SyntaxError) -> UserInputError:
    """The one-line message for a template hook that is not valid Python."""
    return UserInputError(
        f"{hook}:{err.lineno or 1}: the template's hook is not valid Python: {err.msg}"
    )


def _load_hook(path: Path) -> ModuleType:
    """The hook as a module, compiled from its source: nothing is imported or cached, so
    no ``__pycache__`` is written into the template."""
    module = ModuleType("_mlrig_template_validation")
    module.__file__ = str(path)
    try:
        code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        exec(code, module.__dict__)  # the template's validation, as cookiecutter runs it
    except SyntaxError as err:
        raise hook_syntax_error(path, err) from None
    except Exception as err:
        what = f"{type(err).__name__}: {err}"
        raise UserInputError(f"{path}:1: the template's hook failed to load: {what}") from None
    return module


def validator(template: Path) -> Callable[[Answers, dict[str, list[str]]], list[str]] | None:
    """The template's own ``validate`` function, the one cookiecutter's hook runs (if any)."""
    path = template / "hooks" / "pre_gen_project.py"
    if not path.is_file():
        return None
    validate = getattr(_load_hook(path), "validate", None)
    return validate if callable(validate) else None


def validate_answers(template: Path, answers: Answers, run_template_code: bool = True) -> None:
    """Raise :class:`AnswerError` with every problem of ``answers`` on one line.

    ``run_template_code=False`` (a dry run of a template that is not mlrig's own)
    checks the choices only: the template's validation is its code.
    """
    options = template_options(template)
    validate = validator(template) if run_template_code else None
    if validate is None:
        problems = [
            f"{key} {str(answers.get(key))!r} is not one of: {', '.join(sorted_choices(allowed))}"
            for key, allowed in choices(options).items()
            if str(answers.get(key)) not in allowed
        ]
    else:
        try:
            problems = list(validate(answers, choices(options)))
        except Exception as err:
            hook = template / "hooks" / "pre_gen_project.py"
            raise UserInputError(f"{hook}:1: the template's validation failed: {err!r}") from None
    if problems:
        raise AnswerError("invalid answers: " + "; ".join(problems))
