"""Accept the files a job that ran a branch's code produced, before a job with the GitHub
App's key commits them: CT's training results (ct.yml), the serving image's pin
(serve-image.yml).

The job that ran the branch's code (``dvc repro``, the pins tool, the locked packages)
had no App key; it uploaded what it wrote as an artifact: ``<result>/files/<repository
path>`` and, for CT, ``<result>/pr-body.md``. This script, run from the base branch's
checkout (never the branch's), refuses the whole artifact unless every entry is a
regular file (no symlink, device or folder trick), its path is one of ``--allow``, its
size is within the bound and its text is UTF-8 with no NUL; then it copies the files
into the checkout (``--into``), refusing a target that a symlink would redirect, and
writes the accepted paths to ``$GITHUB_OUTPUT`` (``paths``), one per line::

    python3 accept_result.py RESULT --into DIR --allow dvc.lock --allow metrics.json ...

Exit 0: accepted and copied; 1: refused (nothing copied), one line per reason.
Only the standard library: the job that runs it installs nothing.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_BODY_BYTES = 256 * 1024  # GitHub's pull request body holds 65,536 characters
EXTRAS = {"pr-body.md"}  # beside files/: the pull request's text


def entries(result: Path) -> tuple[dict[str, Path], list[str]]:
    """The artifact's files by repository path, and why it is refused (empty: not)."""
    files: dict[str, Path] = {}
    problems: list[str] = []
    for top in sorted(os.listdir(result)):
        if top != "files" and top not in EXTRAS:
            problems.append(f"{top}: not part of a result (files/ and {', '.join(EXTRAS)})")
    for folder, dirs, names in os.walk(result / "files", followlinks=False):
        for name in sorted([*dirs, *names]):
            path = Path(folder, name)
            relative = path.relative_to(result / "files").as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                problems.append(f"{relative}: not a regular file (a symlink or a special file)")
            else:
                files[relative] = path
    return files, problems


def content_problem(path: Path, limit: int) -> str | None:
    """Why a file's content is refused (None: it is bounded UTF-8 text)."""
    size = path.lstat().st_size
    if size > limit:
        return f"{size} bytes, more than {limit}"
    data = path.read_bytes()
    if b"\0" in data:
        return "binary content (a NUL byte)"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return None


def check(result: Path, allowed: set[str]) -> tuple[dict[str, Path], list[str]]:
    """The accepted files, or every reason to refuse the result."""
    folder = result / "files"
    if result.is_symlink() or folder.is_symlink() or not folder.is_dir():
        return {}, [f"{result}: no result folder with files/"]
    files, problems = entries(result)
    for relative, path in sorted(files.items()):
        pure = PurePosixPath(relative)
        if relative not in allowed or pure.is_absolute() or ".." in pure.parts:
            problems.append(f"{relative}: not a file this job may change")
        elif (why := content_problem(path, MAX_FILE_BYTES)) is not None:
            problems.append(f"{relative}: {why}")
    for extra in sorted(EXTRAS):
        path = result / extra
        if path.is_symlink() or (path.exists() and not path.is_file()):
            problems.append(f"{extra}: not a regular file")
        elif path.exists() and (why := content_problem(path, MAX_BODY_BYTES)) is not None:
            problems.append(f"{extra}: {why}")
    if not files and not problems:
        problems.append("the result holds no file")
    return files, problems


def redirected(into: Path, relative: str) -> bool:
    """Whether writing ``relative`` under ``into`` would follow a symlink (the target or a
    folder on the way: the checkout is the branch's, which may hold symlinks)."""
    current = into
    for part in PurePosixPath(relative).parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def copy(files: dict[str, Path], into: Path) -> list[str]:
    """Copy the accepted files into the checkout; why not (nothing copied then)."""
    problems = [
        f"{rel}: the checkout's path is a symlink" for rel in files if redirected(into, rel)
    ]
    if problems:
        return problems
    for relative, source in files.items():
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="accept_result", description=__doc__.split("\n")[0])
    parser.add_argument("result", type=Path)
    parser.add_argument("--into", type=Path, required=True)
    parser.add_argument("--allow", action="append", default=[], metavar="PATH")
    args = parser.parse_args(argv)
    files, problems = check(args.result, set(args.allow))
    problems = problems or copy(files, args.into)
    for problem in problems:
        print(f"::error::refused: {problem}")
    if problems:
        return 1
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write("paths<<ACCEPT_EOF\n" + "\n".join(sorted(files)) + "\nACCEPT_EOF\n")
    print(f"accepted {len(files)} files: {', '.join(sorted(files))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
