"""Find ``pip install`` and ``uv pip install`` commands in shell text, and what they install."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from toolkit.check._record import lazy_pattern
from toolkit.check.pip_options import WITH_VALUE, hold_expressions, release
from toolkit.check.refs import floating_vcs, is_sha, is_vcs_url

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", ";;"})
_PREFIXES = frozenset({"sudo", "env", "time", "exec", "command", "nice"})
_COMMENT = re.compile(r"(?:^|\s)#.*$")
_PINNED = lazy_pattern(r"[A-Za-z0-9._\[\],-]+\s*===?\s*[^*\s,;]+")
_ARCHIVE = (".whl", ".tar.gz", ".zip", ".tar.bz2")
_VCS_AT = re.compile(r"(?:git|hg|svn|bzr)\+[a-z]+://", re.IGNORECASE)


class PipInstall:
    """One install command: its 0-based logical line in the script and what it names."""

    __slots__ = ("floating_vcs", "line", "require_hashes", "requirement_files", "unpinned")

    def __init__(self, line: int) -> None:
        self.line = line
        self.unpinned: list[str] = []
        self.floating_vcs: list[str] = []  # VCS URLs at a branch, a tag or no revision
        self.requirement_files: list[str] = []
        self.require_hashes = False

    def __repr__(self) -> str:
        return f"PipInstall({self.line}, {self.unpinned}, {self.requirement_files})"


def logical_lines(script: str) -> Iterator[tuple[int, str]]:
    """``(first physical line index, text)`` with backslash continuations joined."""
    pending: list[str] = []
    start = 0
    for index, raw in enumerate(script.splitlines()):
        if not pending:
            start = index
        line = _COMMENT.sub("", raw)
        if line.rstrip().endswith("\\"):
            pending.append(line.rstrip()[:-1])
            continue
        pending.append(line)
        yield start, " ".join(pending)
        pending = []
    if pending:
        yield start, " ".join(pending)


def pip_installs(script: str) -> Iterator[PipInstall]:
    """Every pip install in ``script``."""
    for index, line in logical_lines(script):
        if "install" not in line:
            continue
        for command in _commands(line):
            found = _install(command)
            if found is not None:
                found.line = index
                yield found


_OPERATORS = re.compile(r"(;;|&&|\|\||[;&|()])")


def _commands(line: str) -> list[list[str]]:
    line, held = hold_expressions(line)
    if not any(char in line for char in "'\"\\`"):  # nothing to unquote: split fast
        tokens = _OPERATORS.sub(r" \1 ", line).split()
    else:
        import shlex

        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
        lexer.commenters = ""
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError:
            return []
    return _split_commands([release(token, held) for token in tokens])


def _split_commands(tokens: list[str]) -> list[list[str]]:
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in _SEPARATORS:
            commands.append([])
        else:
            commands[-1].append(token)
    return [c for c in commands if c]


def _install(tokens: list[str]) -> PipInstall | None:
    words = [t.rsplit("/", 1)[-1] for t in tokens]
    while words and (words[0] in _PREFIXES or "=" in words[0]):
        words, tokens = words[1:], tokens[1:]
        while words and words[0].startswith("-"):  # sudo -H, env -i
            words, tokens = words[1:], tokens[1:]
    if re.fullmatch(r"python[0-9.]*", words[0] if words else "") and words[1:3] == ["-m", "pip"]:
        words, tokens = words[2:], tokens[2:]
    elif words[:1] == ["uv"]:
        words, tokens = words[1:], tokens[1:]
    if words[:2] == ["pipx", "install"]:
        return _arguments(tokens[2:])
    if not words or not re.fullmatch(r"pip[0-9.]*", words[0]):
        return None
    index = _after_general_options(words, 1)  # pip --no-cache-dir -q install ...
    if index < len(words) and words[index] == "install":
        return _arguments(tokens[index + 1 :])
    return None


# Where an install command starts on a line: pip (any general options before
# ``install``) or pipx, up to ``install`` within the same command.
INSTALL_AT = re.compile(r"\bpipx?[0-9.]*\s[^;&|\n]*?\binstall\b")

# pip's general options that take a value (``pip --cache-dir DIR install ...``).
_GENERAL_WITH_VALUE = frozenset(
    (
        "--cache-dir",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--trusted-host",
        "--cert",
        "--client-cert",
        "--python",
        "--use-feature",
        "--use-deprecated",
        "--keyring-provider",
        "--resume-retries",
    )
)


def _after_general_options(words: list[str], index: int) -> int:
    """The index of the first word after pip's general options, from ``index``."""
    while index < len(words) and words[index].startswith("-"):
        option = words[index]
        index += 2 if option in _GENERAL_WITH_VALUE else 1
    return index


def _arguments(args: list[str]) -> PipInstall:
    found = PipInstall(0)
    args = _join_direct_references(args)
    index = 0
    while index < len(args):
        arg = args[index]
        name, _, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in ("-r", "--requirement", "-e", "--editable") and not inline:
            value = args[index + 1] if index + 1 < len(args) else ""
            _record(found, name, value)
            index += 2
            continue
        if name in ("--requirement", "--editable"):
            _record(found, name, inline)
        elif arg == "--require-hashes":
            found.require_hashes = True
        elif name in WITH_VALUE and not inline:
            index += 1
        elif arg.startswith("-r") and len(arg) > 2:
            found.requirement_files.append(arg[2:])
        elif not arg.startswith("-"):
            _requirement(found, arg)
        index += 1
    return found


def _join_direct_references(args: list[str]) -> list[str]:
    """``name @ URL`` written unquoted is one requirement, not three words."""
    joined: list[str] = []
    index = 0
    while index < len(args):
        if args[index + 1 : index + 2] == ["@"] and index + 2 < len(args):
            joined.append(" ".join(args[index : index + 3]))
            index += 3
        else:
            joined.append(args[index])
            index += 1
    return joined


def install_messages(install: PipInstall, covered: Callable[[str], bool]) -> Iterator[str]:
    """What is wrong with one install; ``covered(file)`` says that a ``-r`` file needs no
    ``--require-hashes`` here (it holds hashes, or its own findings say what it lacks)."""
    if install.unpinned:
        yield (
            f"pip install of {', '.join(install.unpinned)} without an exact == pin; "
            "pin with == or install a lock"
        )
    if install.floating_vcs:
        urls = ", ".join(install.floating_vcs)
        yield f"pip install of {urls} at no fixed commit; pin a full commit SHA (@<40 hex>)"
    files = [name for name in install.requirement_files if not covered(name)]
    if files and not install.require_hashes:
        yield (
            f"pip install -r {', '.join(files)} without --require-hashes; add it, with hashed pins"
        )


def _record(found: PipInstall, option: str, value: str) -> None:
    if option in ("-r", "--requirement"):
        found.requirement_files.append(value)
    elif is_vcs_url(value) and floating_vcs(value):  # -e: a VCS URL or a local folder
        found.floating_vcs.append(value)


def _requirement(found: PipInstall, arg: str) -> None:
    vcs = _VCS_AT.search(arg)
    if vcs is not None:
        if floating_vcs(arg[vcs.start() :]):
            found.floating_vcs.append(arg)
    elif not _is_pinned(arg):
        found.unpinned.append(arg)


def _is_pinned(requirement: str) -> bool:
    """Exact (``==``), local, an archive, a URL at a commit, or only known at run time."""
    if "$" in requirement or requirement.startswith((".", "/", "~")):
        return True
    if "/" in requirement and "://" not in requirement:  # a local folder, as pip reads it
        return True
    if requirement.endswith(_ARCHIVE) or "#sha256=" in requirement:
        return True
    if "://" in requirement:
        ref = requirement.rsplit("@", 1)[-1].split("#", 1)[0]
        return is_sha(ref)
    return _PINNED.fullmatch(requirement.split(";", 1)[0].strip()) is not None
