"""Render the cookiecutter template: the one way every command makes files."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from toolkit.errors import AnswerError, UserInputError
from toolkit.generate.answers import Answers, protect_overrides, template_options
from toolkit.generate.artefacts import clean_copy
from toolkit.resources import template_repository


@contextmanager
def template_importable(template: Path) -> Iterator[None]:
    """Let cookiecutter import the template's ``local_extensions``, as its CLI does."""
    saved = list(sys.path)
    sys.path.append(str(template))
    try:
        yield
    finally:
        sys.path[:] = saved


def resolve_answers(template: Path, given: Mapping[str, Any], no_input: bool = True) -> Answers:
    """Defaults of ``template`` overridden by ``given`` (verbatim); prompts unless ``no_input``."""
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    raw = template_options(template)
    known = {key: value for key, value in given.items() if key in raw}
    context = generate_context(
        context_file=str(template / "cookiecutter.json"),
        default_context={},
        extra_context=protect_overrides(raw, known),
    )
    with template_importable(template):
        return dict(prompt_for_config(context, no_input))


def explicit_answers(template: Path, answers: Mapping[str, Any]) -> Answers:
    """The answers that differ from what ``template`` would default them to.

    An answer that was left at its default (a module ref naming the release, a
    remote URL made from the cloud) then follows the defaults of a newer
    template or of changed answers, as it would have at generation.
    """
    raw = template_options(template)
    explicit: Answers = {}
    for key in raw:
        if key.startswith("_") or key not in answers:
            continue
        if str(resolve_answers(template, explicit).get(key)) != str(answers[key]):
            explicit[key] = answers[key]
    return explicit


def render(template: Path, answers: Answers, into: Path) -> Path:
    """Render ``template`` with final ``answers`` under ``into``; return the project folder.

    Cookiecutter copies every file it finds, so it renders a copy of the template
    without build artefacts (see :mod:`toolkit.generate.artefacts`).
    """
    with tempfile.TemporaryDirectory(prefix="mlrig-clean-") as scratch:
        clean = clean_copy(template, Path(scratch) / template.name)
        return _generate(clean, answers, into)


def _generate(template: Path, answers: Answers, into: Path) -> Path:
    from cookiecutter.exceptions import CookiecutterException, FailedHookException
    from cookiecutter.generate import generate_files

    raw = template_options(template)
    context: dict[str, Any] = {
        "cookiecutter": {**answers, "_template": str(template), "_output_dir": str(into)},
        "_cookiecutter": {k: v for k, v in raw.items() if not k.startswith("_")},
    }
    for key, value in raw.items():
        if key.startswith("_") and not key.startswith("__"):
            context["cookiecutter"].setdefault(key, value)
    try:
        with template_importable(template):
            folder = generate_files(repo_dir=str(template), context=context, output_dir=str(into))
    except FailedHookException as err:
        raise AnswerError(f"the template refused the answers: {err}") from None
    except CookiecutterException as err:  # pragma: no cover - a template defect
        raise AnswerError(f"rendering failed: {err}") from None
    return Path(folder)


def _repository(template: Path) -> tuple[Path, str]:
    found = template_repository(template)
    if found is None:
        raise UserInputError(f"{template}: not in a git work tree, so its history is unknown")
    return found


def resolve_commit(ref: str, template: Path) -> str:
    """The full commit of ``ref`` (a tag, branch or commit) in the template's history."""
    top, _ = _repository(template)
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        cwd=top,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise UserInputError(f"{ref!r}: no such tag or commit in the history of {top}")
    return result.stdout.strip()


@contextmanager
def template_at(commit: str, template: Path) -> Iterator[Path]:
    """``template`` as it was at ``commit`` of the git history that holds it."""
    top, inside = _repository(template)
    with tempfile.TemporaryDirectory(prefix="mlrig-template-") as scratch:
        archive = Path(scratch) / "template.tar"
        try:
            with archive.open("wb") as out:
                subprocess.run(
                    ["git", "archive", "--format=tar", commit, inside],
                    cwd=top,
                    stdout=out,
                    stderr=subprocess.PIPE,
                    check=True,
                )
        except (OSError, subprocess.CalledProcessError):
            raise UserInputError(f"commit {commit} of {top} is not available here") from None
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")  # Python >= 3.10.12
        yield Path(scratch) / inside
