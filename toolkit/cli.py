"""The ``mlrig`` command line: one short function per command, one error funnel.

Each command turns its options into typed arguments, calls one library
function and returns its exit code. Imports happen inside the commands so that
``mlrig check`` starts with click and PyYAML alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from toolkit import __version__
from toolkit.cli_generate import add, new, update
from toolkit.cli_options import check_options, codes, repo_option
from toolkit.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, MlrigError

REPORT_URL = "https://github.com/mlrig/mlrig/issues"


class _Interrupted(Exception):
    """Ctrl-C inside a command; click would print a blank line and 'Aborted.' for it."""


class _Group(click.Group):
    """The command group; a Ctrl-C in a command reaches :func:`_run` as one exception."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlrig")
def cli() -> None:
    """Generate pinned machine-learning repositories and prove they stay pinned."""


@cli.command()
@check_options
def check(**given: Any) -> int:
    """Check that code, data, models and infrastructure are pinned, consistently."""
    global _FAST_EXIT  # noqa: PLW0603 (the one flag main reads after the command)
    _FAST_EXIT = True
    import gc

    gc.disable()  # as run_check does, but before its imports: ~0.5 ms of collections
    from toolkit.check.discovery import prefetch

    repo: Path = given.pop("repo")
    prefetch(Path.cwd() / repo, given["paths"])  # git ls-files runs while the checker loads
    from toolkit.check.command import CheckOptions, run_check

    options = CheckOptions(
        cwd=Path.cwd() / repo,
        select=codes(given.pop("select")),
        ignore=codes(given.pop("ignore")),
        cache=not given.pop("no_cache"),
        **given,
    )
    return run_check(options)


@cli.command()
@click.argument("code", required=False)
def rules(code: str | None) -> int:
    """List the rules, or show one rule's documentation."""
    from toolkit.check.listing import rule_page, rules_table

    click.echo(rule_page(code) if code else rules_table(), nl=False)
    return 0


@cli.command()
@repo_option("The repository whose deploy/<env>.yaml pins to read.")
@click.option(
    "--format", "output_format", type=click.Choice(["md", "json"]), default="md", show_default=True
)
def lineage(repo: Path, output_format: str) -> int:
    """Show which commit, data hashes and parameters produced each pinned model."""
    from toolkit.lineage import run_lineage

    click.echo(run_lineage(repo, output_format), nl=False)
    return 0


for _command in (new, add, update):
    cli.add_command(_command)


def _run(command: Callable[[], object]) -> int:  # noqa: PLR0911 (one return per outcome)
    """Run the click command line and turn every outcome into an exit code."""
    try:
        result = command()
    except MlrigError as err:
        click.echo(f"mlrig: error: {err}", err=True)
        return err.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as err:
        err.show()
        return EXIT_USAGE if err.exit_code == 2 else err.exit_code
    except click.exceptions.Exit as err:
        return err.exit_code
    except (KeyboardInterrupt, _Interrupted):
        click.echo("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as err:  # the funnel: anything else is our bug
        click.echo(f"mlrig: internal error: {type(err).__name__}: {err}", err=True)
        click.echo(
            f"This is a bug in mlrig {__version__}; please report it at {REPORT_URL}", err=True
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (``argv`` given: called in-process, as tests do)."""
    args = sys.argv[1:] if argv is None else argv
    code = _run(lambda: cli.main(args=args, prog_name="mlrig", standalone_mode=False))
    if argv is None and _FAST_EXIT:
        _exit_now(code)
    sys.exit(code)


# Set by commands that leave nothing for interpreter shutdown to do (no temporary
# folders, no open files, no atexit work): ``check`` on one workflow spends ~7 ms
# of a ~65 ms run tearing down modules that are about to vanish with the process.
_FAST_EXIT = False


def _exit_now(code: int) -> None:
    """Flush the standard streams and end the process without interpreter shutdown."""
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing left to say
            stream.flush()
    os._exit(code)
