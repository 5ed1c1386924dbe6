"""Ask the template's questions one at a time, validating each answer as it is given.

A question that the earlier answers make irrelevant (its ``when`` in
``mlrig-questions.yml`` is false) is not asked and takes cookiecutter's default. A
choice is shown sorted and numbered, with its default once, and accepts the
value or its number. A bad answer is explained and asked again at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

import click

from toolkit.errors import UsageError
from toolkit.generate.answers import (
    Answers,
    choices,
    public_keys,
    sorted_choices,
    template_options,
    validator,
)
from toolkit.generate.questions import Question, applies, load_questions
from toolkit.generate.render import resolve_answers

Check = Callable[[str], list[str]]


def pick(options: list[str], typed: str) -> str | None:
    """The option ``typed`` names, by value or by its 1-based number; None if neither."""
    if typed in options:
        return typed
    if typed.isdigit() and 1 <= int(typed) <= len(options):
        return options[int(typed) - 1]
    return None


def _fitting(options: list[str], check: Check) -> list[str]:
    """The options that the answers so far allow, sorted; each one left out is named with
    the reason (all of them when none fits: the answer's own check then says why)."""
    refused = {option: check(option) for option in options}
    fitting = [option for option in options if not refused[option]]
    if not fitting or len(fitting) == len(options):
        return options
    for option in options:
        if refused[option]:
            click.echo(f"  not offered: {refused[option][0]}")
    return fitting


def _introduced(check: Check, key: str, default: str, options: list[str]) -> Check:
    """``check`` less the problems that no answer to ``key`` can cause or cure (an earlier
    answer's own): those of every option, or of the default's for free text."""
    if options:
        every = [set(check(option)) for option in options]
        baseline = set.intersection(*every)
    else:
        baseline = {p for p in check(default) if not p.startswith(f"{key} ")}
    return lambda value: [p for p in check(value) if p not in baseline]


def _ask_one(
    key: str, label: str, question: Question, default: str, options: list[str], *, check: Check
) -> str:
    if question.help:
        click.echo(f"  {question.help}")
    check = _introduced(check, key, default, sorted_choices(options))
    shown = _fitting(sorted_choices(options), check) if options else []
    if len(shown) == 1 and len(options) > 1:
        click.echo(f"{label}: {shown[0]} (the only choice that fits the answers so far)")
        return shown[0]
    if shown:
        click.echo("  " + "   ".join(f"{n}: {value}" for n, value in enumerate(shown, 1)))
        default = default if default in shown else shown[0]
    _refuse_without_terminal(key)
    while True:
        typed = str(click.prompt(label, default=default, show_default=True)).strip()
        value = pick(shown, typed) if shown else typed
        if value is None:
            click.echo(f"  error: {typed!r} is not one of {', '.join(shown)} (or 1-{len(shown)})")
            continue
        problems = check(value)
        if not problems:
            return value
        for problem in problems:
            click.echo(f"  error: {problem}")


def _refuse_without_terminal(key: str) -> None:
    """Stop before a prompt that nobody can answer (click would read the end of a pipe
    as Ctrl-D and say only "Aborted.")."""
    if not sys.stdin.isatty():
        raise UsageError(
            f"cannot ask for {key}: standard input is not a terminal; pass --no-input to "
            "take the defaults, with --set KEY=VALUE or --answers FILE for your answers"
        )


def _checker(template: Path, answers: Answers, key: str) -> Check:
    """The problems an answer to ``key`` has, or gives an answer already fixed."""
    validate = validator(template)
    allowed = choices(template_options(template))
    fixed = tuple(f"{k} " for k in [*answers, key])

    def check(value: str) -> list[str]:
        if validate is None:
            return [] if key not in allowed or value in allowed[key] else [f"{key} {value!r}"]
        trial = resolve_answers(template, {**answers, key: value})
        return [p for p in validate(trial, allowed) if p.startswith(fixed)]

    return check


def ask_answers(
    template: Path, given: Mapping[str, Any], only: Collection[str] | None = None
) -> Answers:
    """Every answer: ``given`` as it is, the rest asked in the template's order (only the
    questions in ``only``, when given; the others take their defaults)."""
    return resolve_answers(template, ask_missing(template, given, only))


def ask_missing(
    template: Path, given: Mapping[str, Any], only: Collection[str] | None = None
) -> Answers:
    """``given`` and the answers asked (see :func:`ask_answers`): the ones someone chose."""
    raw = template_options(template)
    labels: Mapping[str, str] = raw.get("__prompts__", {})
    questions = load_questions(template)
    answers: Answers = dict(given)
    for key in public_keys(raw):
        if key in given or (only is not None and key not in only):
            continue
        current = resolve_answers(template, answers)
        if not applies(questions.get(key), current):
            continue
        options = [str(option) for option in raw[key]] if isinstance(raw[key], list) else []
        answers[key] = _ask_one(
            key,
            str(labels.get(key, key)),
            questions.get(key),
            str(current[key]),
            options,
            check=_checker(template, answers, key),
        )
    return answers
