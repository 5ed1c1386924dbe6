"""Accept the files a job that ran a branch's code produced, before a job with the GitHub
App's key commits them: CT's training results (ct.yml), the serving image's pin
(serve-image.yml), both as publish.yml's rebase job left them.

The jobs that ran the branch's code (``dvc repro``, the pins tool, the locked packages)
had no App key; they uploaded what they wrote as an artifact: ``<result>/files/<repository
path>``, ``<result>/meta.json`` and, for CT, ``<result>/pr-body.md``. This script, run
from the default branch's checkout (never the branch's), refuses the whole artifact
unless every entry is a regular file (no symlink, device or folder trick), its path is
one of ``--allow``, its size is within the bound and its text is UTF-8 with no NUL, and
(with ``--kind``) meta.json says what such a result must: its kind, the 40-hex commit the
rebase job built it on (``tip``), CT's decision (proposed or rejected) or the image by
digest. Then it copies the files into the checkout (``--into``), refusing a target that a
symlink would redirect, and writes the accepted paths to ``$GITHUB_OUTPUT`` (``paths``),
one per line, with ``tip``, ``decision`` and ``image``::

    python3 accept_result.py RESULT --into DIR --kind ct --allow dvc.lock --allow ...

Exit 0: accepted and copied; 1: refused (nothing copied), one line per reason.
Only the standard library: the job that runs it installs nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_BODY_BYTES = 256 * 1024  # GitHub's pull request body holds 65,536 characters
EXTRAS = ("meta.json", "pr-body.md")  # beside files/: the facts, the pull request's text
MAX_META_BYTES = 16 * 1024
COMMIT = re.compile(r"[0-9a-f]{40}\Z")
# An image by digest (the pins tool's own rule), short enough for a commit message.
IMAGE = re.compile(r"[a-z0-9][a-z0-9._/:-]{0,250}@sha256:[0-9a-f]{64}\Z")
DECISIONS = ("proposed", "rejected")


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


def meta_fields(result: Path, kind: str, into: Path) -> tuple[dict[str, str], list[str]]:
    """meta.json's fields that the publish job uses, or why they are refused (the tip must
    be the commit checked out in ``into``, which the result is committed on)."""
    path = result / "meta.json"
    if not path.is_file() or path.is_symlink() or path.lstat().st_size > MAX_META_BYTES:
        return {}, ["meta.json: missing, or not a small regular file"]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}, ["meta.json: not JSON"]
    data = data if isinstance(data, dict) else {}
    # Only what this kind uses is read (the image's result has no decision): every value
    # below is checked whole before it reaches $GITHUB_OUTPUT.
    decision = data.get("decision", "") if kind == "ct" else ""
    fields = {"tip": data.get("tip"), "decision": decision, "image": ""}
    problems = [] if data.get("kind") == kind else [f"meta.json: kind is not {kind}"]
    if not (isinstance(fields["tip"], str) and COMMIT.match(fields["tip"])):
        problems.append("meta.json: tip is not a 40-hex commit")
    elif fields["tip"] != head(into):
        problems.append(f"meta.json: tip {fields['tip']} is not the commit checked out")
    if kind == "ct" and fields["decision"] not in DECISIONS:
        problems.append(f"meta.json: decision is not one of {', '.join(DECISIONS)}")
    if kind == "serve-image":
        image = data.get("image")
        fields["image"] = image if isinstance(image, str) and IMAGE.match(image) else ""
        problems += [] if fields["image"] else ["meta.json: image is not <name>@sha256:<hex>"]
    return {k: str(v) for k, v in fields.items()}, problems


def head(into: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(into), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


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
    parser.add_argument("--kind", choices=["ct", "serve-image"])
    args = parser.parse_args(argv)
    files, problems = check(args.result, set(args.allow))
    fields: dict[str, str] = {}
    if args.kind:
        fields, wrong = meta_fields(args.result, args.kind, args.into)
        problems += wrong
    problems = problems or copy(files, args.into)
    for problem in problems:
        print(f"::error::refused: {problem}")
    if problems:
        return 1
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write("paths<<ACCEPT_EOF\n" + "\n".join(sorted(files)) + "\nACCEPT_EOF\n")
            handle.write("".join(f"{key}={value}\n" for key, value in sorted(fields.items())))
    print(f"accepted {len(files)} files: {', '.join(sorted(files))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
