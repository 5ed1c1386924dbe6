"""A pull request waits for CT only where CT runs: the workflow says so in MLRIG_CT_ENABLED.

The generated ``ci.yml`` sets it from the repository variables that ``ct.yml``'s plan
job requires; until they are set, CT trains no pull request, so its stale lock fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.test_ct_pending import DATA_PR, FOUND, ON_MAIN, PENDING, _check, _github, _repo


@pytest.mark.parametrize("value", ["false", "", "True"])
def test_a_pull_request_fails_while_ct_is_not_enabled(tmp_path: Path, value: str) -> None:
    repo = _repo(tmp_path, DATA_PR)
    run = _check(repo, _github(tmp_path, "pull_request") | {"MLRIG_CT_ENABLED": value})
    assert (run.code, run.out) == (1, f"{ON_MAIN}\n{FOUND}")


def test_a_pull_request_waits_once_ct_is_enabled(tmp_path: Path) -> None:
    repo = _repo(tmp_path, DATA_PR)
    run = _check(repo, _github(tmp_path, "pull_request") | {"MLRIG_CT_ENABLED": "true"})
    assert (run.code, run.out) == (0, f"{PENDING}\n{FOUND}")
    forked = _github(tmp_path, "pull_request", head="stranger/my-ml-project")
    fork = _check(repo, forked | {"MLRIG_CT_ENABLED": "true"})
    assert (fork.code, fork.out) == (1, f"{ON_MAIN}\n{FOUND}")
