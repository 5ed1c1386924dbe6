"""Tar extraction stays inside its folder, with or without tarfile's data filter."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from toolkit.archive import extract_all


def archive(tmp_path: Path) -> Path:
    path = tmp_path / "a.tar"
    with tarfile.open(path, "w") as tar:
        for name, kind, link in [
            ("ok/file.txt", tarfile.REGTYPE, ""),
            ("../escape.txt", tarfile.REGTYPE, ""),
            ("ok/inside-link", tarfile.SYMTYPE, "file.txt"),
            ("ok/outside-link", tarfile.SYMTYPE, "../../outside"),
        ]:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, link
            data = b"data\n" if kind == tarfile.REGTYPE else b""
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("has_filter", [True, False], ids=["data-filter", "older-python"])
def test_nothing_lands_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, has_filter: bool
) -> None:
    if not has_filter:
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    into = tmp_path / "into"
    into.mkdir()
    with tarfile.open(archive(tmp_path)) as tar:
        try:
            extract_all(tar, into)
        except tarfile.TarError:
            assert has_filter  # the data filter refuses the whole archive instead
    assert not (tmp_path / "escape.txt").exists()
    assert not (into / "ok" / "outside-link").is_symlink()
    if not has_filter:
        assert (into / "ok" / "file.txt").read_bytes() == b"data\n"
        assert (into / "ok" / "inside-link").readlink() == Path("file.txt")
