"""The generating commands: ``new``, ``add`` and ``update``; each calls one library function.

Imports happen inside the commands, so that ``mlrig check`` loads none of them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from toolkit.cli_options import repo_option


@click.command()
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Parent folder of the new repository.",
)
@click.option(
    "--no-input", is_flag=True, help="Do not prompt; take the defaults and the given answers."
)
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML file of answers (a mapping, or a previous .mlrig-answers.yml).",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="One answer; repeatable; wins over --answers.",
)
@click.option(
    "-f",
    "--force",
    is_flag=True,
    help="Generate into an existing folder, refusing to overwrite files that differ.",
)
@click.option(
    "--template",
    default="ml-repo",
    show_default=True,
    metavar="NAME|PATH|URL",
    help="mlrig's template, a template folder, or a git URL of one (a fork).",
)
@click.option("--directory", default="", metavar="DIR", help="The template's folder in a git URL.")
def new(
    *,
    output_dir: Path,
    no_input: bool,
    answers_file: Path | None,
    overrides: tuple[str, ...],
    force: bool,
    template: str,
    directory: str,
) -> int:
    """Generate an ML repository from the ml-repo template."""
    from toolkit.generate import NewOptions, run_new
    from toolkit.generate.answers import parse_set

    options = NewOptions(
        output_dir=output_dir,
        no_input=no_input,
        answers_file=answers_file,
        overrides=parse_set(overrides),
        force=force,
        template=template,
        directory=directory,
    )
    result = run_new(options)
    record = result.record
    click.echo(
        f"Generated {result.path} ({len(record.files)} files) "
        f"from template {record.template} {record.template_version}."
    )
    if result.next_steps:
        click.echo("\n" + result.next_steps, nl=False)
    return 0


@click.command()
@click.argument("components", nargs=-1, required=True)
@repo_option("The repository to add to.")
@click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="One answer; repeatable."
)
@click.option("--no-input", is_flag=True, help="Do not prompt (the default when not a terminal).")
@click.option(
    "--dry-run", is_flag=True, help="List what would be written; write nothing, run no hook."
)
@click.option(
    "--template",
    metavar="NAME|PATH",
    help="The template to take the parts from (default: mlrig's own that the answers file "
    "names; a template path in a repository is never used).",
)
def add(  # noqa: PLR0917 (one parameter per option)
    components: tuple[str, ...],
    repo: Path,
    overrides: tuple[str, ...],
    no_input: bool,
    dry_run: bool,
    template: str | None,
) -> int:
    """Add parts to a repo: pre-commit, ci, cd, ct, serve, infra, dvc, dvc-remote, dependabot."""
    from toolkit.generate.add import AddOptions, run_add
    from toolkit.generate.answers import parse_set

    options = AddOptions(
        components=components,
        repo=repo,
        overrides=parse_set(overrides),
        dry_run=dry_run,
        no_input=no_input or not sys.stdin.isatty(),
        template=template,
    )
    result = run_add(options)
    for key, found in sorted(result.inferred.items()):
        click.echo(f"{key}={found.value} (from {found.source})")
    verb = "would write" if dry_run else "wrote"
    for path in result.written:
        click.echo(f"{verb} {path}")
    click.echo(f"{len(result.written)} file(s) to write, {len(result.present)} already in place.")
    if result.missing:
        click.echo(
            f"note: the added files import {', '.join(result.missing)}, which the project does "
            "not depend on; add them to its dependencies (and lock them)"
        )
    return 0


@click.command()
@repo_option("The generated repository.")
@click.option(
    "--to",
    "to",
    metavar="REF",
    help="A tag or commit of the template's git history (default: the installed template).",
)
@click.option(
    "--template",
    metavar="PATH|URL",
    help="A template folder or git URL to update to (default: mlrig's own that the answers "
    "file names; a folder or URL that the answers file records is never used without it).",
)
@click.option("--directory", default="", metavar="DIR", help="The template's folder in a git URL.")
@click.option(
    "--base",
    metavar="URL|PATH",
    help="A git URL or clone holding the template at the recorded commit: only the merge "
    "base comes from it (for a repository made by a build of mlrig between releases).",
)
@click.option(
    "--base-directory",
    default="",
    metavar="DIR",
    help="The template's folder in --base (default: the recorded one, else templates/ml-repo).",
)
@click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Change one answer; repeatable."
)
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing, run no hook.")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Change nothing; exit 1 when behind the template, 2 when there is no merge base "
    "(0, with a note, when the repository is ahead of it).",
)
@click.option(
    "--allow-downgrade",
    is_flag=True,
    help="Move to an older template than the one that generated the repository.",
)
def update(  # noqa: PLR0917 (one parameter per option)
    repo: Path,
    to: str | None,
    template: str | None,
    directory: str,
    base: str | None,
    base_directory: str,
    overrides: tuple[str, ...],
    dry_run: bool,
    check_only: bool,
    allow_downgrade: bool,
) -> int:
    """Bring a generated repository up to a newer template, keeping local edits."""
    from toolkit.generate.answers import parse_set
    from toolkit.generate.update import UpdateOptions, run_update
    from toolkit.generate.update_report import report_update

    options = UpdateOptions(
        repo=repo,
        to=to,
        template=template,
        directory=directory,
        overrides=parse_set(overrides),
        dry_run=dry_run or check_only,
        allow_downgrade=allow_downgrade,
        check=check_only,
        base=base,
        base_directory=base_directory,
    )
    report = report_update(run_update(options), dry_run=dry_run, check=check_only)
    click.echo(report.out, nl=False)
    if report.err:
        click.echo(report.err, err=True, nl=False)
    return report.code
