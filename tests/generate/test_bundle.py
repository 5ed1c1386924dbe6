"""The templates of earlier releases are bundled, exactly as git has them."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import REPO_ROOT
from toolkit.generate.bundle import changelog_releases, stale
from toolkit.generate.releases import bundled_releases, releases_dir


def test_every_changelog_release_is_bundled() -> None:
    releases = changelog_releases(REPO_ROOT)
    assert releases, "CHANGELOG.md names no release"
    bundled = {(r.version, r.commit) for r in bundled_releases("ml-repo", releases_dir())}
    assert set(releases) == bundled
    for release in bundled_releases("ml-repo", releases_dir()):
        assert release.archive.is_file()
        assert release.archive.stat().st_size < 512 * 1024, "keep the wheel small"


def test_the_archives_are_what_git_has_at_each_release() -> None:
    shallow = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if shallow.returncode != 0 or shallow.stdout.strip() == "true":
        pytest.skip("needs the whole git history of mlrig")
    assert sorted(stale(REPO_ROOT)) == []
