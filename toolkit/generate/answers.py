"""Collect the answers to the template and refuse invalid ones before any file is written."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from toolkit.errors import AnswerError, UsageError

Answers = dict[str, Any]


def template_options(template: Path) -> dict[str, Any]:
    """The raw ``cookiecutter.json`` of ``template``."""
    data: dict[str, Any] = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    return data


def public_keys(options: Mapping[str, Any]) -> list[str]:
    """The answers a user may give (cookiecutter's private keys start with ``_``)."""
    return [key for key in options if not key.startswith("_")]


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


def load_answers_file(path: Path) -> Answers:
    """Answers from a YAML or JSON file: a mapping, or an answers file's ``answers:``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{path}: cannot read answers file ({err.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: answers file is not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise UsageError(f"{path}{where}: answers file is not valid YAML") from None
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise UsageError(f"{path}:1: answers file must be a mapping of answer names to values")
    return {str(key): "" if value is None else str(value) for key, value in data.items()}


def check_overrides(options: Mapping[str, Any], overrides: Mapping[str, Any]) -> None:
    """Refuse unknown answer names and choices outside their list."""
    known = public_keys(options)
    for key, value in overrides.items():
        if key not in known:
            raise AnswerError(f"unknown answer {key!r}; known answers: {', '.join(known)}")
        allowed = options[key]
        if isinstance(allowed, list) and str(value) not in allowed:
            raise AnswerError(f"{key} {value!r} is not one of: {', '.join(allowed)}")


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


def _load_hook(template: Path) -> ModuleType:
    path = template / "hooks" / "pre_gen_project.py"
    spec = importlib.util.spec_from_file_location("_mlrig_template_validation", path)
    if spec is None or spec.loader is None:  # pragma: no cover - the file ships with mlrig
        raise AnswerError(f"{path}: cannot load the template's validation")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def validator(template: Path) -> Callable[[Answers, dict[str, list[str]]], list[str]]:
    """The template's own ``validate`` function, the one cookiecutter's hook runs."""
    validate: Callable[[Answers, dict[str, list[str]]], list[str]] = _load_hook(template).validate
    return validate


def validate_answers(template: Path, answers: Answers) -> None:
    """Raise :class:`AnswerError` with every problem of ``answers`` on one line."""
    problems = validator(template)(answers, choices(template_options(template)))
    if problems:
        raise AnswerError("invalid answers: " + "; ".join(problems))
