"""Render the cookiecutter template: the one way every command makes files."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from toolkit.archive import extract_all
from toolkit.errors import AnswerError, UserInputError
from toolkit.generate.answers import (
    Answers,
    hook_syntax_error,
    protect_overrides,
    template_options,
)
from toolkit.generate.artefacts import clean_copy
from toolkit.resources import template_repository


@contextmanager
def template_importable(template: Path) -> Iterator[None]:
    """Let cookiecutter import a template's own Jinja extensions (``_extensions``), as its
    CLI does, without writing ``__pycache__`` into the template and without reusing the
    module of the same name that another template (the other side of an update) loaded."""
    saved_path, saved_flag = list(sys.path), sys.dont_write_bytecode
    saved_modules = set(sys.modules)
    sys.path.append(str(template))
    sys.dont_write_bytecode = True
    try:
        yield
    finally:
        sys.path[:] = saved_path
        sys.dont_write_bytecode = saved_flag
        for name in set(sys.modules) - saved_modules:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            if module_file.startswith(str(template)):
                del sys.modules[name]


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


def render(template: Path, answers: Answers, into: Path, hooks: bool = True) -> Path:
    """Render ``template`` with final ``answers`` under ``into``; return the project folder.

    ``hooks=False`` runs none of the template's hook scripts (a dry run): the files
    its ``_remove_when`` table names for these answers are removed instead, which is
    what mlrig's own post-generation hook does.

    Cookiecutter copies every file it finds, so it renders a copy of the template
    without build artefacts (see :mod:`toolkit.generate.artefacts`).
    """
    with tempfile.TemporaryDirectory(prefix="mlrig-clean-") as scratch:
        clean = clean_copy(template, Path(scratch) / template.name)
        return _generate(clean, answers, into, hooks, template)


def _generate(template: Path, answers: Answers, into: Path, hooks: bool, named: Path) -> Path:
    """Render the clean copy ``template``; ``named`` is the folder that messages name."""
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
        with template_importable(template), _hook_scripts_in(into):
            folder = generate_files(
                repo_dir=str(template), context=context, output_dir=str(into), accept_hooks=hooks
            )
    except FailedHookException as err:
        raise _hook_error(named) or AnswerError(
            f"the template refused the answers: {err}"
        ) from None
    except CookiecutterException as err:
        raise AnswerError(f"rendering failed: {err}") from None
    if not hooks:
        remove_declared(Path(folder), raw.get("_remove_when"), answers)
    return Path(folder)


@contextmanager
def _hook_scripts_in(scratch: Path) -> Iterator[None]:
    """Cookiecutter writes each rendered hook to a temporary file it never removes: make
    those files in mlrig's own scratch folder, which is removed with it."""
    folder = (scratch / ".hooks").absolute()  # cookiecutter runs hooks in another folder
    folder.mkdir(parents=True, exist_ok=True)
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = saved


def _hook_error(template: Path) -> UserInputError | None:
    """A hook script of ``template`` that is not valid Python, named with its line."""
    for hook in sorted((template / "hooks").glob("*.py")):
        try:
            compile(hook.read_bytes(), str(hook), "exec")
        except SyntaxError as err:
            return hook_syntax_error(hook, err)
        except (OSError, ValueError):
            continue
    return None


def remove_declared(root: Path, table: object, answers: Mapping[str, Any]) -> None:
    """Remove what ``_remove_when`` (``[{"when": {answer: [values]}, "remove": [paths]}]``)
    names for ``answers``; paths are relative to ``root`` and never leave it."""
    for entry in table if isinstance(table, list) else []:
        when = entry.get("when", {}) if isinstance(entry, dict) else {}
        if not isinstance(when, dict) or not all(
            str(answers.get(key)) in values for key, values in when.items()
        ):
            continue
        for relative in entry.get("remove", []):
            path = root / str(relative)
            if root.resolve() not in path.resolve().parents:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.is_symlink() or path.exists():
                path.unlink()


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
            extract_all(tar, Path(scratch))
        yield Path(scratch) / inside
