"""The results cache: a warm run reports exactly what a cold run reports, and reads less.

Files are aged (their times set an hour back) before a run that should reuse
results, because the cache does not trust a file modified within the last
seconds: its time stamp could not tell a second edit in the same tick.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from tests.check.helpers import SHA, WORKFLOW, build_file_tree, mlrig, workflow
from toolkit.check.cache import Cache
from toolkit.check.cache_store import cache_file
from toolkit.check.config import load_config
from toolkit.check.engine import Result, check_project, selected_rules
from toolkit.check.project import Project

FIXTURES = Path(__file__).resolve().parents[1] / "rules" / "fixtures"
CASES = sorted(case for case in FIXTURES.glob("*/*/*") if case.is_dir())
AN_HOUR = 3600


def age(root: Path, seconds: int = AN_HOUR) -> None:
    """Set every file's times ``seconds`` back (distinct per call: ``seconds`` differs)."""
    stamp = time.time() - seconds
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(Path(folder) / name, (stamp, stamp))


def check(root: Path, cache: bool) -> tuple[Result, Project]:
    """Every rule on ``root`` (no git), with or without the cache; and the project read."""
    project = Project.discover(root, use_git=False)
    config = load_config(root)
    stored = Cache.load(root) if cache else None
    return check_project(project, config, selected_rules(config), stored), project


def texts(result: Result) -> list[str]:
    return [finding.text() for finding in result.findings]


def copy_case(case: Path, dest: Path) -> Path:
    tree = dest / "tree"
    shutil.copytree(case, tree, symlinks=True)
    return tree


@pytest.mark.parametrize("case", CASES, ids=lambda case: "-".join(case.parts[-3:]))
def test_a_warm_run_reports_what_a_cold_run_reports(case: Path, tmp_path: Path) -> None:
    tree = copy_case(case, tmp_path)
    age(tree)
    cold, _ = check(tree, cache=False)
    first, _ = check(tree, cache=True)
    warm, project = check(tree, cache=True)
    assert texts(first) == texts(cold)
    assert texts(warm) == texts(cold)
    # Only rules that ask what no file signature covers read anything again: git history
    # (the model pins) and the listing of a folder that a DVC stage depends on.
    if not case.parts[-3].startswith("MOD") and not case.name.startswith("real-dvc"):
        assert project.read_texts() == {}


@pytest.mark.parametrize("case", CASES, ids=lambda case: "-".join(case.parts[-3:]))
def test_after_an_edit_the_warm_run_still_matches_a_cold_run(case: Path, tmp_path: Path) -> None:
    tree = copy_case(case, tmp_path)
    age(tree)
    check(tree, cache=True)
    files = sorted(p for p in tree.rglob("*") if p.is_file())
    edited = files[len(files) // 2]
    data = edited.read_bytes()
    if edited.name in {"mlrig.toml", "pyproject.toml"} or b"\n" not in data:
        data += b"\n"  # configuration stays valid
    else:
        # The same size: only the times and the content differ.
        data = data.replace(b"\n", b"\r", 1)
    edited.write_bytes(data)
    age(tree)
    warm, _ = check(tree, cache=True)
    cold, _ = check(tree, cache=False)
    assert texts(warm) == texts(cold)


def _tree(tmp_path: Path, steps: str, extra: dict[str, str] | None = None) -> Path:
    tree = build_file_tree(tmp_path / "repo", {WORKFLOW: workflow(steps), **(extra or {})})
    age(tree)
    return tree


def test_suppressions_and_unused_suppressions_survive_a_warm_run(tmp_path: Path) -> None:
    steps = (
        "      - uses: actions/checkout@v4  # mlrig: ignore[GHA001] reviewed tag pin\n"
        "      - uses: actions/setup-python@v5  # mlrig: ignore[GHA004] nothing to suppress\n"
    )
    tree = _tree(tmp_path, steps)
    first = mlrig("check", ".", cwd=tree)
    second = mlrig("check", ".", cwd=tree)
    assert (second.code, second.out) == (first.code, first.out)
    assert "MLR004" in first.out
    assert "GHA001" in first.out  # the second uses: line is not suppressed for GHA001
    assert first.out.count("GHA001") == 1


def test_a_parse_error_is_reported_by_every_warm_run(tmp_path: Path) -> None:
    tree = build_file_tree(tmp_path / "repo", {WORKFLOW: "jobs: [\n"})
    age(tree)
    runs = [mlrig("check", ".", cwd=tree) for _ in range(3)]
    assert {run.code for run in runs} == {1}
    assert all("MLR001" in run.out for run in runs)
    assert len({run.out for run in runs}) == 1


def test_a_warm_run_imports_no_yaml_and_no_rule(tmp_path: Path) -> None:
    tree = _tree(tmp_path, f"      - uses: actions/checkout@{SHA}  # v4.2.2\n")
    mlrig("check", ".", cwd=tree)
    command = [sys.executable, "-X", "importtime", "-m", "toolkit", "check", "."]
    import subprocess

    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "yaml" not in modules
    assert not any(name.startswith("toolkit.rules.gha_") for name in modules)


def test_a_file_just_written_is_never_trusted(tmp_path: Path) -> None:
    tree = build_file_tree(
        tmp_path / "repo", {WORKFLOW: workflow("      - uses: actions/checkout@v4\n")}
    )
    check(tree, cache=True)
    _, project = check(tree, cache=True)
    assert WORKFLOW in project.read_texts()


def test_a_new_file_and_a_deleted_file_are_seen(tmp_path: Path) -> None:
    tree = _tree(tmp_path, f"      - uses: actions/checkout@{SHA}  # v4.2.2\n")
    assert mlrig("check", ".", cwd=tree).code == 0
    other = ".github/workflows/other.yml"
    build_file_tree(tree, {other: workflow("      - uses: actions/checkout@main\n")})
    age(tree, AN_HOUR + 10)
    added = mlrig("check", ".", cwd=tree)
    assert added.code == 1
    assert other in added.out
    (tree / other).unlink()
    assert mlrig("check", ".", cwd=tree).code == 0


def test_changed_rule_options_are_not_answered_from_the_cache(tmp_path: Path) -> None:
    tree = _tree(tmp_path, "      - uses: acme/deploy@v1\n")
    assert "GHA001" in mlrig("check", ".", cwd=tree).out
    build_file_tree(tree, {"mlrig.toml": '[rules.GHA001]\ntag-owners = ["acme"]\n'})
    age(tree, AN_HOUR + 10)
    assert "GHA001" not in mlrig("check", ".", cwd=tree).out


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    tree = _tree(tmp_path, "      - uses: actions/checkout@v4\n")
    assert mlrig("check", "--no-cache", ".", cwd=tree).code == 1
    assert not cache_file(tree).exists()


def test_the_cache_stays_out_of_the_work_tree(tmp_path: Path) -> None:
    tree = _tree(tmp_path, f"      - uses: actions/checkout@{SHA}  # v4.2.2\n")
    before = sorted(tree.rglob("*"))
    first = mlrig("check", ".", cwd=tree)
    assert cache_file(tree).is_file()
    assert tree not in cache_file(tree).parents
    assert mlrig("check", ".", cwd=tree).out == first.out == "All checks passed (1 file checked).\n"
    assert sorted(tree.rglob("*")) == before


def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    tree = _tree(tmp_path, "      - uses: actions/checkout@v4\n")
    first = mlrig("check", ".", cwd=tree)
    stored = cache_file(tree)
    stored.write_bytes(b"\x00not a cache")
    damaged = mlrig("check", ".", cwd=tree)
    assert (damaged.code, damaged.out, damaged.err) == (first.code, first.out, "")
    assert stored.read_bytes() != b"\x00not a cache"


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    tree = _tree(tmp_path, "      - uses: actions/checkout@v4\n")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    env = {**os.environ, "MLRIG_CACHE_DIR": str(blocker / "cache")}
    run = mlrig("check", ".", cwd=tree, env=env)
    assert (run.code, run.err) == (1, "")
    assert "GHA001" in run.out


def test_mlrig_cache_dir_moves_the_cache(tmp_path: Path) -> None:
    tree = _tree(tmp_path, "      - uses: actions/checkout@v4\n")
    env = {**os.environ, "MLRIG_CACHE_DIR": str(tmp_path / "elsewhere")}
    mlrig("check", ".", cwd=tree, env=env)
    assert list((tmp_path / "elsewhere").glob("*/check.marshal"))


FORKED = [case for case in CASES if case.parts[-3][:3] in {"DVC", "MOD", "X00"}]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the split into two processes needs fork")
@pytest.mark.parametrize("case", FORKED, ids=lambda case: "-".join(case.parts[-3:]))
def test_rules_run_in_a_second_process_are_cached_alike(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.check import engine

    monkeypatch.setattr(engine, "PARALLEL_FILES", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    tree = copy_case(case, tmp_path)
    age(tree)
    cold, _ = check(tree, cache=False)
    check(tree, cache=True)
    warm, _ = check(tree, cache=True)
    assert texts(warm) == texts(cold)


def test_a_crafted_cache_cannot_silence_a_rule(tmp_path: Path) -> None:
    """A cache file written by anyone but mlrig, whose results name no inputs or inputs
    with made-up signatures, is never believed."""
    import marshal

    from toolkit.check.cache_store import seal, unseal

    tree = _tree(tmp_path, "      - uses: actions/checkout@v4\n")
    honest = mlrig("check", ".", cwd=tree)
    assert "GHA001" in honest.out
    stored = cache_file(tree)
    payload = unseal(stored.read_bytes())
    assert payload is not None
    data = marshal.loads(payload)
    for mode in ("no inputs", "made-up signatures"):
        for key, memo in list(data["memos"].items()):
            if mode == "no inputs":
                data["memos"][key] = ((), (), (), "", (), memo[5])
            else:
                inputs = tuple((path, (1, 2, 3, 4)) for path, _ in memo[2])
                data["memos"][key] = ((), memo[1], inputs, memo[3], (), memo[5])
                for path, _ in memo[2]:
                    data["files"][path] = ((1, 2, 3, 4), (), ())
        stored.write_bytes(seal(marshal.dumps(data)))
        assert mlrig("check", ".", cwd=tree).out == honest.out, mode


def test_the_github_actions_hook_reuses_what_a_whole_run_found(tmp_path: Path) -> None:
    """pre-commit hands the per-file hooks the changed files; a file's findings are its
    own, so they are shared between runs over different sets of files."""
    import subprocess

    other = ".github/workflows/other.yml"
    tree = _tree(
        tmp_path,
        "      - uses: actions/checkout@v4\n",
        {other: workflow(f"      - uses: actions/checkout@{SHA}  # v4.2.2\n")},
    )
    whole = mlrig("check", ".", cwd=tree)
    command = [sys.executable, "-X", "importtime", "-m", "toolkit", "check"]
    hook = [*command, "--select", "GHA,MLR", WORKFLOW, other]
    done = subprocess.run(hook, cwd=tree, capture_output=True, text=True, check=False)
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "yaml" not in modules
    assert done.stdout == whole.out
    assert done.returncode == whole.code == 1


def test_caches_of_repositories_unused_for_a_month_are_removed(tmp_path: Path) -> None:
    from toolkit.check.cache_store import DAY, STALE_DAYS, prune

    folder = tmp_path / "caches"
    for name, age_days in (("old-1", STALE_DAYS + 1), ("recent-2", 1)):
        stored = folder / name / "check.marshal"
        stored.parent.mkdir(parents=True)
        stored.write_bytes(b"")
        stamp = time.time() - age_days * DAY
        os.utime(stored, (stamp, stamp))
    now = time.time()
    assert prune(folder, now) == 1
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["recent-2"]
    assert prune(folder, now) == 0  # once a day


def test_without_a_cache_folder_the_check_runs_uncached(tmp_path: Path) -> None:
    tree = _tree(tmp_path, "      - uses: actions/checkout@v4\n")
    env = {**os.environ, "MLRIG_CACHE_DIR": "relative/cache"}
    run = mlrig("check", ".", cwd=tree, env=env)
    assert (run.code, run.err) == (1, "")
    assert "GHA001" in run.out
    assert not (tree / "relative").exists()
