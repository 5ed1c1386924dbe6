"""``apply_changes`` leaves the tree as it was when Ctrl-C lands at the worst instants."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from toolkit.errors import UserInputError
from toolkit.generate import atomic


def _tree(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("after", [1, 2, 3])
def test_ctrl_c_right_after_a_temporary_file_is_made_leaves_no_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    (tmp_path / "a.txt").write_text("old a\n")
    (tmp_path / "b.txt").write_text("old b\n")
    before = _tree(tmp_path)
    made = []
    real = tempfile.mkstemp

    def mkstemp_then_ctrl_c(*args: object, **kwargs: object) -> tuple[int, str]:
        result = real(*args, **kwargs)  # type: ignore[call-overload]
        made.append(result[1])
        if len(made) == after:  # the file exists, its name never reaches the caller
            raise KeyboardInterrupt
        return result  # type: ignore[no-any-return]

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp_then_ctrl_c)
    changes = {"a.txt": b"new a\n", "b.txt": b"new b\n", "new/deep/c.txt": b"c\n"}
    with pytest.raises(KeyboardInterrupt):
        atomic.apply_changes(tmp_path, changes)
    assert len(made) == after
    assert _tree(tmp_path) == before


def test_ctrl_c_between_making_a_folder_and_recording_it_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path.mkdir

    def mkdir_then_ctrl_c(self: Path, *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "mkdir", mkdir_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        atomic.apply_changes(tmp_path, {"new/c.txt": b"c\n"})
    assert list(tmp_path.iterdir()) == []


def test_a_complete_run_replaces_and_deletes(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").write_text("x")
    atomic.apply_changes(tmp_path, {"gone.txt": None, "d/new.txt": b"n"})
    assert _tree(tmp_path) == {"d": None, "d/new.txt": b"n"}


@pytest.mark.parametrize("nth", [1, 2, 3])
def test_a_failing_rename_half_way_puts_back_every_file_already_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nth: int
) -> None:
    """The ``nth`` target becomes a folder after the changes were staged (a real
    EISDIR in the rename pass): the files renamed before it, and a deletion, are undone."""
    for name in ("a.txt", "b.txt", "c.txt", "gone.txt"):
        (tmp_path / name).write_text(f"old {name}\n")
    changes: dict[str, bytes | None] = {
        "a.txt": b"new a\n",
        "b.txt": b"new b\n",
        "c.txt": b"new c\n",
        "d/new.txt": b"n\n",
        "gone.txt": None,
    }
    in_the_way = ["a.txt", "b.txt", "c.txt"][nth - 1]
    real = tempfile.mkstemp
    calls = []

    def mkstemp_then_a_folder_appears(*args: object, **kwargs: object) -> tuple[int, str]:
        result = real(*args, **kwargs)  # type: ignore[call-overload]
        calls.append(result[1])
        if len(calls) == 4:  # every change staged: now the target is replaced by a folder
            (tmp_path / in_the_way).unlink()
            (tmp_path / in_the_way).mkdir()
            (tmp_path / in_the_way / "keep.txt").write_text("mine\n")
        return result  # type: ignore[no-any-return]

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp_then_a_folder_appears)
    with pytest.raises(UserInputError) as failed:
        atomic.apply_changes(tmp_path, changes)
    assert str(failed.value) == (
        f"{tmp_path / in_the_way}: a folder is in the way; nothing was written"
    )
    expected: dict[str, bytes | None] = {
        name: f"old {name}\n".encode() for name in ("a.txt", "b.txt", "c.txt", "gone.txt")
    }
    expected[in_the_way] = None
    expected[f"{in_the_way}/keep.txt"] = b"mine\n"
    assert _tree(tmp_path) == dict(sorted(expected.items()))


def test_a_replaced_file_keeps_no_second_name_after_success(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old\n")
    (tmp_path / "gone.txt").write_text("x\n")
    atomic.apply_changes(tmp_path, {"a.txt": b"new\n", "gone.txt": None})
    assert _tree(tmp_path) == {"a.txt": b"new\n"}
    assert (tmp_path / "a.txt").stat().st_nlink == 1
