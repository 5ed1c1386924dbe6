"""Throw hostile trees at ``mlrig check`` (and ``lineage``) and count what goes wrong.

    python -m bench.fuzz_check --runs 1000 --seed 1

Each tree starts as a copy of a rule fixture (real workflows, DVC, Terraform,
dependency files), inside git or not, and gets hostile entries: links out of the
repository (to a secret file, ``/dev/zero``, ``/proc/self/environ``), FIFOs,
sockets, huge, deeply nested, NUL, UTF-16 and alias-bomb files, invalid YAML,
TOML and HCL, random mutations of real workflows, unreadable files. Between runs
the tree is edited and the cache file is corrupted at random; each run takes
random path arguments, ``--select``, format and sometimes ``--fix``.

Counted, per run: tracebacks, exit code 3, hangs (30 s) and memory blow-ups (a
2 GiB limit), the secret's text in any output, writes outside the repository
(the folder beside it is hashed before and after), and stale results: every
cached run (without ``--fix``) is repeated with ``--no-cache`` and the two must
print the same report with the same exit code.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "rules" / "fixtures"
SECRET = "FUZZ-SECRET-4f1c2d"
WORKFLOW = ".github/workflows/ci.yml"
NAMES = [
    WORKFLOW,
    ".github/workflows/other.yaml",
    "requirements.txt",
    "constraints-x.txt",
    "pyproject.toml",
    "mlrig.toml",
    "Dockerfile",
    "dvc.yaml",
    "dvc.lock",
    ".pre-commit-config.yaml",
    "main.tf",
    ".terraform.lock.hcl",
    "deploy/staging.yaml",
    "action.yml",
    ".python-version",
]
SELECTS = [(), ("GHA",), ("PY",), ("MLR",), ("DVC", "TF"), ("X",), ("GHA001", "MLR001")]
FORMATS = ["text", "json", "sarif", "github"]


def _fixture_cases() -> list[Path]:
    return sorted(case for case in FIXTURES.glob("*/*/*") if case.is_dir())


# -- hostile entries -----------------------------------------------------------------


def _write(tree: Path, name: str, data: bytes) -> None:
    path = tree / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    path.write_bytes(data)


def _replace_with(tree: Path, name: str, make: Callable[[Path], object]) -> None:
    path = tree / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    make(path)


def _real_text(tree: Path, rng: random.Random) -> bytes:
    files = [p for p in tree.rglob("*") if p.is_file() and not p.is_symlink()]
    if not files:
        return b"on: push\njobs: {}\n"
    try:
        return rng.choice(files).read_bytes()
    except OSError:
        return b""


def _mutate(data: bytes, rng: random.Random) -> bytes:
    lines = data.splitlines(keepends=True) or [b"\n"]
    for _ in range(rng.randint(1, 6)):
        index = rng.randrange(len(lines))
        choice = rng.randrange(6)
        if choice == 0:
            del lines[index]
        elif choice == 1:
            lines.insert(index, lines[index])
        elif choice == 2:
            token = rng.choice([b"{", b"[", b"&a ", b"*a", b": ", b"\t", b"'", b'"', b"#", b"@"])
            lines[index] = token + lines[index]
        elif choice == 3:
            rng.shuffle(lines)
        elif choice == 4:
            lines[index] = lines[index][: rng.randrange(len(lines[index]) + 1)]
        else:
            lines[index] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        lines = lines or [b"\n"]
    return b"".join(lines)


def _nested(rng: random.Random) -> bytes:
    depth = rng.choice([1_000, 20_000, 100_000])
    return rng.choice(
        [
            b"a: " + b"[" * depth + b"]" * depth + b"\n",
            b"a = " + b"[" * depth + b"]" * depth + b"\n",
            b"x = " + b"{a=" * depth + b"1" + b"}" * depth + b"\n",
            b"locals { a = " + b"[" * depth + b"]" * depth + b" }\n",
        ]
    )


def _bomb() -> bytes:
    lines = [b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join(f"*{chr(96 + level)}" for _ in range(9)).encode()
        lines.append(
            chr(97 + level).encode() + b": &" + chr(97 + level).encode() + b" [" + refs + b"]"
        )
    return b"\n".join(lines) + b"\n"


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
    except OSError:
        path.write_bytes(b"")
    finally:
        server.close()


def _link_out(tree: Path, name: str, outside: Path, rng: random.Random) -> None:
    target = rng.choice([outside / "secret.env", outside])
    _replace_with(tree, name, lambda p: p.symlink_to(target))


def _link_device(tree: Path, name: str, outside: Path, rng: random.Random) -> None:
    target = rng.choice(["/dev/zero", "/dev/urandom", "/proc/self/environ", "/dev/stdin"])
    _replace_with(tree, name, lambda p: p.symlink_to(target))


def _nul(tree: Path, name: str, outside: Path, rng: random.Random) -> None:
    data = _real_text(tree, rng)
    at = rng.randrange(len(data) + 1)
    _write(tree, name, data[:at] + b"\x00" * rng.randint(1, 50) + data[at:])


def _utf16(tree: Path, name: str, outside: Path, rng: random.Random) -> None:
    text = _real_text(tree, rng).decode("utf-8", "replace")
    _write(tree, name, text.encode(rng.choice(["utf-16", "utf-16-le", "utf-32-be"])))


def _unreadable(tree: Path, name: str, outside: Path, rng: random.Random) -> None:
    _write(tree, name, _real_text(tree, rng))
    (tree / name).chmod(0)


def _unreadable_folder(tree: Path, name: str, outside: Path, rng: random.Random) -> None:
    folder = tree / rng.choice([".github", "deploy", "sub"])
    folder.mkdir(exist_ok=True)
    folder.chmod(0)


Maker = Callable[[Path, str, Path, random.Random], None]
MAKERS: dict[str, Maker] = {
    "link-out": _link_out,
    "link-device": _link_device,
    "link-dangling": lambda t, n, o, r: _replace_with(t, n, lambda p: p.symlink_to(t / "no/x")),
    "fifo": lambda t, n, o, r: _replace_with(t, n, os.mkfifo),
    "socket": lambda t, n, o, r: _replace_with(t, n, _socket),
    "huge": lambda t, n, o, r: _replace_with(t, n, lambda p: os.truncate(_touch(p), 11 << 20)),
    "deep": lambda t, n, o, r: _write(t, n, _nested(r)),
    "nul": _nul,
    "utf16": _utf16,
    "bomb": lambda t, n, o, r: _write(t, n, _bomb()),
    "mutation": lambda t, n, o, r: _write(t, n, _mutate(_real_text(t, r), r)),
    "unreadable": _unreadable,
    "unreadable-folder": _unreadable_folder,
}
KINDS = sorted(MAKERS)


def hostile(kind: str, tree: Path, outside: Path, rng: random.Random) -> None:
    """Add one hostile entry of ``kind`` to ``tree``."""
    MAKERS[kind](tree, rng.choice(NAMES), outside, rng)


def _touch(path: Path) -> Path:
    path.write_bytes(b"")
    return path


# -- cache corruption ----------------------------------------------------------------


def corrupt_cache(cache: Path, rng: random.Random) -> str | None:
    """Damage a stored cache file at random; the kind of damage, or ``None``."""
    import marshal
    import pickle

    stored = [p for p in cache.rglob("check.marshal") if p.is_file()]
    if not stored:
        return None
    path = rng.choice(stored)
    data = path.read_bytes()
    kind = rng.choice(["truncate", "flip", "garbage", "pickle", "marshal-shape", "empty"])
    if kind == "truncate":
        data = data[: rng.randrange(len(data) + 1)]
    elif kind == "flip" and data:
        index = rng.randrange(len(data))
        data = data[:index] + bytes([data[index] ^ (1 << rng.randrange(8))]) + data[index + 1 :]
    elif kind == "garbage":
        data = os.urandom(rng.randint(1, 4096))
    elif kind == "pickle":
        data = pickle.dumps({"format": 2, "memos": [1, 2, 3]})
    elif kind == "marshal-shape":
        data = marshal.dumps(rng.choice([[1], {"format": 2}, {"format": 2, "memos": 1}, "x"]))
    else:
        data = b""
    path.write_bytes(data)
    return kind


# -- runs -------------------------------------------------------------------------------


def _limit() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    command = [sys.executable, "-m", "toolkit", *args]
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=30,
            preexec_fn=_limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return -1, "", "TIMEOUT"
    return (
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def _snapshot(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path).encode("utf-8", "surrogateescape"))
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _paths(tree: Path, rng: random.Random) -> list[str]:
    if rng.random() < 0.4:
        return []
    candidates = [".", ".github", "deploy", *NAMES]
    picked = rng.sample(candidates, rng.randint(1, 3))
    return [p for p in picked if os.path.lexists(tree / p)]


class Tally:
    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()
        self.corruptions: Counter[str] = Counter()
        self.problems: Counter[str] = Counter()
        self.exits: Counter[int] = Counter()
        self.runs = 0
        self.examples: list[str] = []

    def problem(self, what: str, detail: str) -> None:
        self.problems[what] += 1
        if len(self.examples) < 20:
            self.examples.append(f"{what}: {detail[:400]}")


def one_tree(base: Path, cache: Path, rng: random.Random, tally: Tally, runs: int) -> None:
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.env").write_text(f"{SECRET}=1\n{SECRET}-two\n", encoding="utf-8")
    tree = base / "repo"
    shutil.copytree(rng.choice(_fixture_cases()), tree, symlinks=True)
    if rng.random() < 0.5:
        subprocess.run(["git", "init", "-q", str(tree)], check=True)
    env = {**os.environ, "MLRIG_CACHE_DIR": str(cache)}
    for number in range(runs):
        kind = rng.choice(KINDS)
        hostile(kind, tree, outside, rng)
        if number % 2:  # an ordinary edit too, with a distinct time in the past
            name = rng.choice(NAMES)
            if not os.path.lexists(tree / name) or (tree / name).is_file():
                _write(tree, name, _mutate(_real_text(tree, rng), rng))
                stamp = time.time() - 3600 + number
                os.utime(tree / name, (stamp, stamp), follow_symlinks=False)
        if rng.random() < 0.3:
            damage = corrupt_cache(cache, rng)
            if damage:
                tally.corruptions[damage] += 1
        tally.kinds[kind] += 1
        if _one_run(Case(tree, outside, base, env), rng, tally) == 2 and rng.random() < 0.7:
            for name in ("mlrig.toml", "pyproject.toml"):  # a broken configuration stops
                _remove(tree / name)  # every later run: give the next ones a chance


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file() or (path.exists() and not path.is_dir()):
        path.unlink()


class Case:
    """Where one run happens: the tree, the folder beside it, the folder of both."""

    def __init__(self, tree: Path, outside: Path, base: Path, env: dict[str, str]) -> None:
        self.tree, self.outside, self.base, self.env = tree, outside, base, env
        self.report = base / "report.out"


def _arguments(case: Case, rng: random.Random) -> list[str]:
    if rng.random() < 0.1:
        return ["lineage", "-C", str(case.tree)]
    args = ["check", "--format", rng.choice(FORMATS)]
    for selected in rng.choice(SELECTS):
        args += ["--select", selected]
    if rng.random() < 0.15:
        args.append("--fix")
    if rng.random() < 0.2:
        args += ["--output", str(case.report)]
    return args + _paths(case.tree, rng)


def _one_run(case: Case, rng: random.Random, tally: Tally) -> int:
    """One mlrig run (and its uncached twin); its exit code."""
    before = _snapshot(case.outside)
    args = _arguments(case, rng)
    shown = " ".join(args)
    case.report.unlink(missing_ok=True)
    code, out, err = _run(args, case.tree, case.env)
    tally.runs += 1
    tally.exits[code] += 1
    written = _read_report(case.report)
    checks = {
        "hang": code == -1,
        "exit-3": code == 3,
        "traceback": "Traceback" in err,
        "killed": code < -1,
        "secret-printed": SECRET in out + err + written,
        "write-outside": _snapshot(case.outside) != before,
    }
    for what, failed in checks.items():
        if failed:
            tally.problem(what, f"{shown} :: {code} {err}")
    if args[0] == "check" and "--fix" not in args:
        case.report.unlink(missing_ok=True)
        uncached = _run([*args, "--no-cache"], case.tree, case.env)
        tally.runs += 1
        if (uncached[0], uncached[1], _read_report(case.report)) != (code, out, written):
            tally.problem("stale", f"{shown} :: cached {code} vs uncached {uncached[0]}")
    return code


def _read_report(path: Path) -> str:
    try:
        return path.read_text("utf-8", "replace")
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="hostile inputs to try")
    parser.add_argument("--per-tree", type=int, default=8, help="runs on each tree")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    rng = random.Random(options.seed)
    tally = Tally()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mlrig-fuzz-") as folder:
        cache = Path(folder) / "cache"
        trees = 0
        while sum(tally.kinds.values()) < options.runs:
            base = Path(folder) / f"tree-{trees}"
            base.mkdir()
            one_tree(base, cache, rng, tally, options.per_tree)
            _make_removable(base)
            shutil.rmtree(base, ignore_errors=True)
            trees += 1
    _print(tally, trees, time.monotonic() - started)
    return 1 if tally.problems else 0


def _make_removable(base: Path) -> None:
    for path in base.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
        elif path.is_file() and not path.is_symlink():
            path.chmod(0o644)


def _print(tally: Tally, trees: int, seconds: float) -> None:
    hostile_inputs = sum(tally.kinds.values())
    print(f"hostile inputs: {hostile_inputs} on {trees} trees; mlrig runs: {tally.runs}")
    print(f"time: {seconds:.0f} s")
    print("inputs by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(tally.kinds.items())))
    print(
        "cache corruptions: " + ", ".join(f"{k} {n}" for k, n in sorted(tally.corruptions.items()))
    )
    print("exit codes: " + ", ".join(f"{k}: {n}" for k, n in sorted(tally.exits.items())))
    for what in (
        "traceback",
        "exit-3",
        "hang",
        "killed",
        "stale",
        "secret-printed",
        "write-outside",
    ):
        print(f"{what}: {tally.problems.get(what, 0)}")
    for example in tally.examples:
        print("  " + example)


if __name__ == "__main__":
    raise SystemExit(main())
