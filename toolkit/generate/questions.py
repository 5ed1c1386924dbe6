"""How ``mlrig new`` asks the template's questions: the metadata beside ``cookiecutter.json``.

``mlrig-questions.yml`` (plain cookiecutter never reads it) gives each question
an optional ``help`` line and a ``when`` condition, a Jinja expression over the
answers given so far; a question whose condition is false is not asked and
takes its default, exactly what plain cookiecutter would give it. The file's
``next_steps`` is a Jinja template printed after generating.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import AnswerError, UsageError
from toolkit.generate.render import resolve_answers

QUESTIONS_FILE = "mlrig-questions.yml"


@dataclass(frozen=True)
class Question:
    """What mlrig knows about one question besides cookiecutter's default and label."""

    help: str = ""
    when: str = ""
    # Files use the answer even when the question is not asked (CUDA picks the GPU
    # runners' image with sklearn too): --set may change it then.
    used_anyway: bool = False


@dataclass(frozen=True)
class Questions:
    """The template's question metadata (empty for a template without the file)."""

    questions: dict[str, Question] = field(default_factory=dict)
    next_steps: str = ""

    def get(self, key: str) -> Question:
        return self.questions.get(key, Question())


def _question(path: Path, key: str, value: object) -> Question:
    if not isinstance(value, Mapping) or set(value) - {"help", "when", "used_anyway"}:
        raise UsageError(f"{path}: question {key!r} takes only 'help', 'when' and 'used_anyway'")
    return Question(
        help=str(value.get("help", "")),
        when=str(value.get("when", "")),
        used_anyway=value.get("used_anyway") is True,
    )


def load_questions(template: Path) -> Questions:
    """The metadata of ``template``; none when it has no questions file."""
    path = template / QUESTIONS_FILE
    if not path.is_file():
        return Questions()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        raise UsageError(f"{path}:1: not valid YAML") from None
    raw = data.get("questions", {}) if isinstance(data, Mapping) else None
    if not isinstance(raw, Mapping):
        raise UsageError(f"{path}:1: expected a mapping with 'questions'")
    return Questions(
        questions={str(k): _question(path, str(k), v) for k, v in raw.items()},
        next_steps=str(data.get("next_steps", "")),
    )


def _environment() -> Any:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(keep_trailing_newline=True)


def applies(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether ``question`` is worth asking after ``answers``."""
    if not question.when:
        return True
    return bool(_environment().compile_expression(question.when)(**answers))


def refuse_inapplicable(template: Path, answers: Mapping[str, Any], given: Iterable[str]) -> None:
    """Refuse an answer given with ``--set`` that the other answers make irrelevant (it
    would be recorded, yet nothing uses it): ``region`` with ``cloud=none``."""
    questions = load_questions(template)
    for key in given:
        question = questions.get(key)
        if question.used_anyway or applies(question, answers):
            continue
        if not _is_default(template, answers, key):
            raise AnswerError(
                f"--set {key}={answers.get(key)}: {key} does not apply to these answers "
                f"(it is asked only when {question.when}); leave it out"
            )


def _is_default(template: Path, answers: Mapping[str, Any], key: str) -> bool:
    """Whether ``answers[key]`` is what the template gives ``key`` anyway after the other
    answers: ``--set deploy_target=kserve`` with ``cloud=none`` changes nothing, so it
    is no contradiction to refuse."""
    others = {
        name: value
        for name, value in answers.items()
        if name != key and not name.startswith("_")  # private keys are the template's own
    }
    return str(resolve_answers(template, others).get(key)) == str(answers.get(key))


def next_steps(template: Path, answers: Mapping[str, Any], target: Path) -> str:
    """The template's next steps for a repository generated at ``target``."""
    text = load_questions(template).next_steps
    if not text:
        return ""
    quoted = shlex.quote(str(target))
    rendered: str = _environment().from_string(text).render(**answers, path=quoted)
    return "\n".join(line.rstrip() for line in rendered.strip().splitlines()) + "\n"
