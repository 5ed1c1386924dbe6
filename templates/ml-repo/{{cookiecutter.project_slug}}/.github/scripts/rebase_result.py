"""Move a CT or serving-image result onto the branch's current tip, for publish.yml.

CT (ct.yml) and the serving image (serve-image.yml) both commit to a pull request that
changes the training lock, and both write deploy/staging.yaml and the overlay files that
the pins tool derives from it. publish.yml publishes one result at a time per branch;
this script, in its ``rebase`` job (no key, no secret), takes the finished run's
artifact (``RESULT/files/<path>``, ``RESULT/meta.json``, ``RESULT/pr-body.md``) and the
branch checked out at its tip (``--repo``), and decides:

- the tip is the commit the run worked on: the result passes through;
- the tip moved only in files the publishers write (``--ct`` and ``--image``, the union):
  the result is applied again on the tip with the default branch's pins tool (``--tools``:
  CT: its dvc.lock, metrics and plots data, then ``pins update staging --commit <the
  trained commit>``; the image: ``pins image staging <ref> --freeze``, then
  ``pins check --skip-training``), so the other publisher's change stays and every
  derived overlay file is regenerated, never merged as text. None of the branch's code
  runs: this job runs in the default branch's context (its caches, for one), where a
  branch's code must never run; the branch's files are only read, as data;
- the tip moved in anything else (or was rewritten): the result is stale, and the new
  commit's own runs publish; nothing is uploaded.

It writes the files for git to ``--out`` (``files/``, ``meta.json`` with the tip it used,
``pr-body.md``) and ``publish`` (true/false) and ``tip`` to ``$GITHUB_OUTPUT``. The job that
commits checks all of it again (accept_result.py): nothing here is trusted there.
Only the standard library; the pins tool is the default branch's (``--tools``, a checkout
whose ``src/`` holds ``PACKAGE.pins``), run in the branch's checkout. Should the branch
change the pins tool's output, its CI's `pins check` says so ("run `pins sync`").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

MAX_META_BYTES = 16 * 1024
COMMIT = re.compile(r"[0-9a-f]{40}\Z")
FREEZE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!_-]+\Z")
KINDS = ("ct", "serve-image")


class Stale(Exception):
    """The result belongs to a commit the branch has left behind."""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    if done.returncode:
        raise Stale(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def read_meta(result: Path) -> dict[str, str]:
    """meta.json's string fields (refused whole if it is not a bounded JSON object)."""
    path = result / "meta.json"
    if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_META_BYTES:
        raise ValueError("meta.json: missing, not a regular file, or too large")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("meta.json: not a JSON object")
    return {str(k): v for k, v in data.items() if isinstance(v, str)}


def moved_since(repo: Path, commit: str, publishers: set[str]) -> list[str]:
    """The files the tip changed since ``commit`` that no publisher writes; Stale if the
    branch does not descend from it."""
    if not COMMIT.match(commit):
        raise Stale(f"the run names no commit ({commit!r})")
    git(repo, "cat-file", "-e", commit + "^{commit}")
    git(repo, "merge-base", "--is-ancestor", commit, "HEAD")
    moved = git(repo, "diff", "--name-only", "--no-renames", commit, "HEAD").split("\n")
    return sorted(path for path in moved if path and path not in publishers)


def copy_files(result: Path, repo: Path, paths: set[str]) -> None:
    """Copy the artifact's regular files among ``paths`` into the checkout."""
    for path in sorted(paths):
        source, target = result / "files" / path, repo / path
        if source.is_symlink() or not source.is_file():
            continue
        if any(parent.is_symlink() for parent in [target, *target.parents]):
            raise ValueError(f"{path}: the checkout's path is a symlink")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def pins(repo: Path, tools: Path, package: str, *args: str) -> None:
    """The default branch's pins tool (``tools/src``), on the branch's files."""
    src = str((tools / "src").resolve())
    env = {**os.environ, "PYTHONPATH": src, "PYTHONDONTWRITEBYTECODE": "1"}
    # -P: the working directory (the branch's checkout) is not put on sys.path, so that a
    # module the branch adds at its root (a package of the same name, a yaml.py) never
    # shadows the default branch's.
    done = subprocess.run(
        [sys.executable, "-P", "-m", f"{package}.pins", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stdout.write(done.stdout + done.stderr)
    if done.returncode:
        raise ValueError(f"pins {args[0]} failed (exit {done.returncode})")


def reapply(args: argparse.Namespace, meta: dict[str, str], own: set[str]) -> None:
    """Apply the run's change again on the tip, with the default branch's pins tool."""
    if args.kind == "ct":
        data = {path for path in own if not path.startswith("deploy/")}  # the pins tool's
        copy_files(args.result, args.repo, data)
        # The trained commit (validated by moved_since: an ancestor of the tip), not the
        # tip the image's pin made: either order gives the same pin.
        commit = meta["commit"]
        pins(args.repo, args.tools, args.package, "update", "staging", "--commit", commit)
        return
    image, framework = meta.get("image", ""), meta.get("framework", "")
    if not FREEZE.match(framework) or not image or image.startswith("-"):
        raise ValueError("meta.json: no image and framework (name==version) to pin")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    freeze = args.out.parent / "image-freeze.txt"
    freeze.write_text(framework + "\n", encoding="utf-8")
    tool = (args.repo, args.tools, args.package)
    pins(*tool, "image", "staging", image, "--freeze", str(freeze.resolve()))
    # As serve-image.yml's pin job: the image and every derived file, not the training
    # record, which CT's result brings (stale until then on a pull request of a new lock).
    pins(*tool, "check", "--skip-training")


def changed(repo: Path) -> list[str]:
    status = git(repo, "status", "--porcelain", "--untracked-files=all", "--no-renames")
    return sorted(line[3:] for line in status.splitlines() if line)


def rebase(args: argparse.Namespace) -> tuple[bool, str, str]:
    """(publish?, the tip used, what happened)."""
    meta = read_meta(args.result)
    own = set(args.ct if args.kind == "ct" else args.image)
    tip = git(args.repo, "rev-parse", "HEAD").strip()
    commit = meta.get("commit", "")
    try:
        foreign = moved_since(args.repo, commit, set(args.ct) | set(args.image))
    except Stale as why:
        return False, tip, f"stale: {why}; the branch's newer runs publish"
    if foreign:
        moved = f"moved since {commit[:12]} in {', '.join(foreign)} (not a publisher's file)"
        return False, tip, f"stale: the branch {moved}; the new commit's own runs publish"
    if commit == tip:
        copy_files(args.result, args.repo, own)
        how = f"the branch is still at {tip[:12]}: the result passes through"
    else:
        reapply(args, meta, own)
        how = f"re-applied on the tip {tip[:12]} (moved since {commit[:12]} by publishers only)"
    files = changed(args.repo)
    if stray := sorted(set(files) - own):
        raise ValueError(f"the pins tool changed files {args.kind} may not: {', '.join(stray)}")
    if not files:
        return False, tip, f"nothing to publish: the tip {tip[:12]} already holds this result"
    write_out(args, meta, tip, files)
    return True, tip, f"{how}: {', '.join(files)}"


def write_out(args: argparse.Namespace, meta: dict[str, str], tip: str, files: list[str]) -> None:
    shutil.rmtree(args.out, ignore_errors=True)
    for path in files:
        target = args.out / "files" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.repo / path, target)
    body = args.result / "pr-body.md"
    if body.is_file() and not body.is_symlink():
        shutil.copyfile(body, args.out / "pr-body.md")
    kept = {key: meta[key] for key in ("decision", "image", "commit") if key in meta}
    fields = {**kept, "kind": args.kind, "tip": tip}
    (args.out / "meta.json").write_text(json.dumps(fields, indent=2) + "\n", encoding="utf-8")


def append(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rebase_result", description=__doc__.split("\n")[0])
    parser.add_argument("result", type=Path)
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--package", required=True)
    parser.add_argument("--tools", type=Path, required=True, metavar="CHECKOUT")
    parser.add_argument("--ct", action="append", default=[], metavar="PATH")
    parser.add_argument("--image", action="append", default=[], metavar="PATH")
    args = parser.parse_args(argv)
    try:
        publish, tip, how = rebase(args)
    except (ValueError, OSError) as error:
        print(f"::error::{args.kind} result not published: {error}")
        return 1
    print(how)
    append("GITHUB_STEP_SUMMARY", f"{args.kind}: {how}\n")
    append("GITHUB_OUTPUT", f"publish={str(publish).lower()}\ntip={tip}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
