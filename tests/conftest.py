"""Fixtures shared by the whole suite: run the command line as a user would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Result:
    """What one ``mlrig`` invocation printed and returned."""

    code: int
    out: str
    err: str


RunMlrig = Callable[..., Result]


@pytest.fixture(autouse=True, scope="session")
def _private_check_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """``mlrig check`` keeps its cache in the user's cache folder; the tests (and the
    processes they start, from fixtures of any scope) use one of their own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLRIG_CACHE_DIR", str(tmp_path_factory.mktemp("mlrig-cache")))
        yield


@pytest.fixture
def run_mlrig(capsys: pytest.CaptureFixture[str]) -> RunMlrig:
    """Call ``mlrig ARGS...`` in-process through the real entry point."""

    def run(*args: str | Path) -> Result:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            main([str(arg) for arg in args])
        captured = capsys.readouterr()
        code = exit_info.value.code
        return Result(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run
