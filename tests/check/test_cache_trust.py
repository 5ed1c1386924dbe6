"""The results cache can never be wrong, never runs code, and is private to its user.

A stored result is believed only while every input it read has the signature it
had when the result was computed; a cached run and a ``--no-cache`` run report the
same thing after any sequence of edits, path arguments and selections.
"""

from __future__ import annotations

import marshal
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.check.helpers import SHA, WORKFLOW, git_tree, mlrig, workflow
from toolkit.check import cache_store
from toolkit.check.cache_store import cache_dir, cache_file
from toolkit.check.command import CheckOptions, run_check

# The file's framing (magic line and checksums); ``getattr`` keeps this module importable
# by an mlrig from before it, against which these tests are shown to fail.
seal = getattr(cache_store, "seal", lambda payload: payload)
OTHER = ".github/workflows/other.yml"
PINNED = workflow(f"      - uses: actions/checkout@{SHA}  # v4.2.2\n")
VARIANTS = {
    WORKFLOW: [
        PINNED,
        workflow("      - uses: actions/checkout@v4\n"),
        workflow(f"      - uses: actions/checkout@{SHA}\n"),
        workflow("      - uses: actions/checkout@v4  # mlrig: ignore[GHA001] reviewed\n"),
        "jobs: [\n",
        None,  # deleted
    ],
    OTHER: [
        workflow(f"      - uses: actions/setup-python@{SHA}  # v5.0.0\n"),
        workflow("      - uses: actions/setup-python@main\n"),
        None,
    ],
    "requirements.txt": ["requests==2.31.0\n", "requests\n", "requests>=2\n", None],
    "mlrig.toml": [None, '[rules.GHA001]\ntag-owners = ["actions"]\n', 'ignore = ["GHA002"]\n'],
}
PATHS = [(), (".github",), (WORKFLOW,), (WORKFLOW, OTHER), ("requirements.txt",)]
SELECTS = [(), ("GHA",), ("GHA001",), ("PY",), ("MLR", "GHA002")]


def stored_data(tree: Path) -> tuple[dict[str, object], bool]:
    """The cache of ``tree`` as mlrig wrote it, and whether it was sealed."""
    raw = cache_file(tree).read_bytes()
    unseal = getattr(cache_store, "unseal", None)
    payload = unseal(raw) if unseal is not None else None
    data = marshal.loads(payload if payload is not None else raw)
    assert isinstance(data, dict)
    return data, payload is not None


def store_data(tree: Path, data: dict[str, object], sealed: bool) -> None:
    payload = marshal.dumps(data)
    cache_file(tree).write_bytes(seal(payload) if sealed else payload)


def set_time(path: Path, stamp: float) -> None:
    """A distinct time in the past: the cache trusts the file's signature at once."""
    os.utime(path, (stamp, stamp))


# -- the stale scoped run (the script) ------------------------------------------


def test_a_scoped_run_after_an_edit_and_a_full_run_reports_the_edit(tmp_path: Path) -> None:
    tree = git_tree(tmp_path / "repo", {WORKFLOW: PINNED, OTHER: PINNED})
    past = time.time() - 3600
    for path in (WORKFLOW, OTHER):
        set_time(tree / path, past)
    assert mlrig("check", ".github", cwd=tree).code == 0
    (tree / WORKFLOW).write_text(workflow("      - uses: actions/checkout@v4\n"))
    set_time(tree / WORKFLOW, past + 60)
    full = mlrig("check", cwd=tree)
    scoped = mlrig("check", ".github", cwd=tree)
    expected = [
        f"{WORKFLOW}:7:15: GHA001 actions/checkout is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)",
        "Found 1 finding in 1 file. 1 fixable with --fix.",
    ]
    assert full.out.splitlines() == expected
    assert (scoped.code, scoped.out.splitlines()) == (1, expected)


# -- cached and uncached runs agree over random histories -----------------------------

Run = tuple[tuple[str, ...], tuple[str, ...]]
Step = tuple[str, int, list[Run]]

steps = st.lists(
    st.tuples(
        st.sampled_from(sorted(VARIANTS)),
        st.integers(0, 5),
        st.lists(
            st.tuples(st.sampled_from(PATHS), st.sampled_from(SELECTS)), min_size=1, max_size=3
        ),
    ),
    min_size=3,
    max_size=7,
)


def _report(tree: Path, paths: tuple[str, ...], select: tuple[str, ...], cache: bool) -> str:
    out = tree.parent / "report.txt"
    options = CheckOptions(
        paths=tuple(Path(p) for p in paths),
        select=list(select),
        output=out,
        cwd=tree,
        cache=cache,
    )
    try:
        code = run_check(options)
    except Exception as err:  # a usage or configuration error is an answer too
        return f"error: {type(err).__name__}: {err}"
    return f"{code}\n{out.read_text(encoding='utf-8')}"


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(history=steps)
@example(  # the script: a scoped run, an edit, a full run, the scoped run again
    history=[
        ("requirements.txt", 0, [((".github",), ())]),
        (WORKFLOW, 1, [((), ())]),
        ("requirements.txt", 1, [((".github",), ())]),
    ]
)
def test_cached_runs_report_what_uncached_runs_report(history: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tree = git_tree(Path(folder) / "repo", {WORKFLOW: PINNED, OTHER: VARIANTS[OTHER][0]})
        stamp = time.time() - 7200
        for path in (WORKFLOW, OTHER):
            set_time(tree / path, stamp)
        for number, (path, choice, runs) in enumerate(history):
            variants = VARIANTS[path]
            content = variants[choice % len(variants)]
            target = tree / path
            if content is None:
                target.unlink(missing_ok=True)
            else:
                target.write_text(content, encoding="utf-8")
                set_time(target, stamp + 60 * (number + 1))
            for paths, select in runs:
                wanted = tuple(p for p in paths if (tree / p).exists())
                cached = _report(tree, wanted, select, cache=True)
                uncached = _report(tree, wanted, select, cache=False)
                assert cached == uncached, (number, path, choice, wanted, select)


# -- data only: a cache file cannot run code ------------------------------------------


def test_a_poisoned_cache_file_runs_no_code(tmp_path: Path) -> None:
    """Every stored value replaced by a pickle that would create a file when loaded."""
    import pickle

    tree = git_tree(
        tmp_path / "repo",
        {
            WORKFLOW: workflow(
                f"      - uses: actions/setup-python@{SHA}  # v5.0.0\n"
                "        with:\n          python-version: '3.11'\n"
            ),
            "pyproject.toml": '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\n',
            ".python-version": "3.11\n",
        },
    )
    for path in (WORKFLOW, "pyproject.toml", ".python-version"):
        set_time(tree / path, time.time() - 3600)
    clean = mlrig("check", cwd=tree)
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    poisoned = pickle.dumps(Payload())
    data, sealed = stored_data(tree)
    facts = data["facts"]
    assert isinstance(facts, dict)
    assert facts, "the tree gives per-file results to store"
    data["facts"] = {
        path: (entry[0], dict.fromkeys(entry[1], poisoned)) for path, entry in facts.items()
    }
    for written in (seal(poisoned), poisoned):
        cache_file(tree).write_bytes(written)
        run = mlrig("check", cwd=tree)
        assert (run.code, run.out, run.err) == (clean.code, clean.out, "")
    store_data(tree, data, sealed)
    # An edited pyproject runs the cross-file rules again; they ask for the stored
    # per-file results of the unchanged workflow, which is where a pickle would load.
    (tree / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "2"\nrequires-python = ">=3.11"\n'
    )
    set_time(tree / "pyproject.toml", time.time() - 1800)
    run = mlrig("check", cwd=tree)
    assert (run.code, run.err) == (clean.code, "")
    assert not marker.exists()


@pytest.mark.parametrize(
    "stored",
    [
        b"",
        b"\x00not a cache",
        marshal.dumps([1, 2, 3]),
        seal(marshal.dumps([1, 2, 3])),
        seal(marshal.dumps({"format": 2, "memos": 5, "files": "x"})),
        seal(b"\xff\xfe garbage that is not marshal"),
    ],
    ids=["empty", "bytes", "list", "sealed-list", "wrong-shape", "sealed-garbage"],
)
def test_a_cache_file_of_the_wrong_shape_is_rebuilt(tmp_path: Path, stored: bytes) -> None:
    tree = git_tree(tmp_path / "repo", {WORKFLOW: workflow("      - uses: actions/checkout@v4\n")})
    set_time(tree / WORKFLOW, time.time() - 3600)
    clean = mlrig("check", cwd=tree)
    cache_file(tree).write_bytes(stored)
    for _ in range(2):  # the damaged run, and the one after
        run = mlrig("check", cwd=tree)
        assert (run.code, run.out, run.err) == (clean.code, clean.out, "")


def test_entries_of_the_wrong_shape_in_a_sealed_cache_are_not_believed(tmp_path: Path) -> None:
    tree = git_tree(tmp_path / "repo", {WORKFLOW: workflow("      - uses: actions/checkout@v4\n")})
    set_time(tree / WORKFLOW, time.time() - 3600)
    clean = mlrig("check", cwd=tree)
    data, sealed = stored_data(tree)
    data["memos"] = dict.fromkeys(data["memos"], (1, 2))  # type: ignore[arg-type]
    data["files"] = dict.fromkeys(data["files"], "?")  # type: ignore[arg-type]
    data["memos"]["not a key mlrig makes"] = (1, 2)  # type: ignore[index]
    store_data(tree, data, sealed)
    for _ in range(2):
        run = mlrig("check", cwd=tree)
        assert (run.code, run.out, run.err) == (clean.code, clean.out, "")


# -- private to its user ----------------------------------------------------------------


def _warning_run(tree: Path, folder: Path) -> tuple[int, str, str]:
    env = {**os.environ, "MLRIG_CACHE_DIR": str(folder)}
    run = mlrig("check", cwd=tree, env=env)
    return run.code, run.out, run.err


def test_cache_folders_are_created_private(tmp_path: Path) -> None:
    tree = git_tree(tmp_path / "repo", {WORKFLOW: PINNED})
    folder = tmp_path / "new" / "cache"
    old = os.umask(0o022)
    try:
        code, _, err = _warning_run(tree, folder)
    finally:
        os.umask(old)
    assert (code, err) == (0, "")
    for each in (folder.parent, folder, *folder.rglob("*")):
        assert each.stat().st_mode & 0o777 == (0o700 if each.is_dir() else 0o600), each


def test_a_cache_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    tree = git_tree(tmp_path / "repo", {WORKFLOW: workflow("      - uses: actions/checkout@v4\n")})
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    code, out, err = _warning_run(tree, folder)
    assert code == 1
    assert "GHA001" in out
    assert err == f"mlrig: warning: not using the cache: {folder} can be written by other users\n"
    assert list(folder.iterdir()) == []


def test_a_cache_folder_of_another_user_is_refused(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    tree = git_tree(tmp_path / "repo", {WORKFLOW: workflow("      - uses: actions/checkout@v4\n")})
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    shutil.chown(folder, user="nobody", group="nogroup")
    code, out, err = _warning_run(tree, folder)
    assert code == 1
    assert "GHA001" in out
    assert err == f"mlrig: warning: not using the cache: {folder} belongs to another user\n"
    assert list(folder.iterdir()) == []
    assert cache_dir().is_absolute()


def test_fix_never_uses_cached_findings(tmp_path: Path) -> None:
    """--fix splices what this run found: a stored finding (here one whose fix was
    altered in the cache, which a plain run believes) is never applied."""
    first = workflow(f"      - uses: actions/checkout@{SHA}  # v4.2.2\n")
    tree = git_tree(
        tmp_path / "repo", {WORKFLOW: first + f"      - uses: actions/checkout@{SHA}\n"}
    )
    set_time(tree / WORKFLOW, time.time() - 3600)
    assert "GHA002" in mlrig("check", cwd=tree).out
    data, sealed = stored_data(tree)
    memos = data["memos"]
    assert isinstance(memos, dict)
    for key, memo in memos.items():
        rows = tuple(
            (*row[:4], "STORED", *row[5:7], (*row[7][:5], "  # v9.9.9", *row[7][6:]), *row[8:])
            for row in memo[0]
            if row[7] is not None
        )
        memos[key] = (rows, *memo[1:])
    store_data(tree, data, sealed)
    assert "GHA002 STORED" in mlrig("check", cwd=tree).out  # a plain run believes it
    run = mlrig("check", "--fix", cwd=tree)
    assert run.out == "Fixed 1 finding. All checks passed (1 file checked).\n"
    assert (tree / WORKFLOW).read_text().endswith(f"@{SHA}  # v4.2.2\n")
    assert "v9.9.9" not in (tree / WORKFLOW).read_text()
