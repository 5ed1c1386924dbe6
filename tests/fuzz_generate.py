"""Fuzz ``mlrig new``, ``add`` and ``update`` with hostile inputs and a hostile disk.

    python -m tests.fuzz_generate [--seed N] [--runs-per-kind N]

Each run is a real ``mlrig`` process in a sandbox that holds the target and, beside
it, an ``outside/`` folder that symlinks point at. Counted per kind: runs, exit
codes, tracebacks, exit 3 (internal error), writes outside the target, half-done
trees after an interrupt, and template code that ran although no command line
named the template. Needs root for the tmpfs kinds (skipped otherwise, and said).
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.generate.interrupts import interrupt, leftovers, mlrig_process, snapshot

REPO_ROOT = Path(__file__).resolve().parents[1]
MARKER_HOOK = "\nfrom pathlib import Path\nPath({marker!r}).write_text('ran')\n"
Counts = collections.Counter[str]


def mlrig(*args: str | Path, cwd: Path | None = None, fsize: int | None = None) -> tuple[int, str]:
    def limits() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    done = subprocess.run(
        [sys.executable, "-m", "toolkit", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=120, preexec_fn=limits, check=False,
    )  # fmt: skip
    return done.returncode, done.stderr


def git(repo: Path, *args: str, check: bool = True) -> None:
    subprocess.run(
        ["git", "-c", "user.name=f", "-c", "user.email=f@f", *args], cwd=repo, check=check,
        capture_output=True,
    )  # fmt: skip


class Sandbox:
    """``root/target`` (where mlrig may write) and ``root/outside`` (where it must not)."""

    def __init__(self, base: Path, number: int) -> None:
        self.root = base / f"run{number}"
        self.target = self.root / "target"
        self.outside = self.root / "outside"
        self.target.mkdir(parents=True)
        self.outside.mkdir()
        (self.outside / "victim.txt").write_text("keep\n", encoding="utf-8")
        self.marker = self.outside / "template-code-ran"
        self.before = snapshot(self.outside)

    def outside_changed(self) -> bool:
        return snapshot(self.outside) != self.before


def hostile_yaml(rng: random.Random) -> str:
    depth = rng.choice([10, 999, 1_001, 5_000, 100_000])
    levels = rng.randint(2, 14)
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)
    ]
    choices = [
        "\n".join(bomb) + "\n",
        "project_name: " + "[" * depth + "]" * depth + "\n",
        "".join(" " * i + f"k{i}:\n" for i in range(min(depth, 3_000))) + "  x\n",
        "a: &a [*a]\n",
        f"python_version: {rng.choice(['3.10', '3.1', '3.13', '310', '3.10.0', 'null', '~'])}\n",
        "project_name: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
        "project_name: \"{{ cycler.__init__.__globals__.os.system('id') }}\"\n",
        "project_slug: ../../outside/escape\n",
        "package_name: os\n",
        f"description: {'x' * rng.choice([10, 201, 100_000])}\n",
        "cloud: [aws, gcp]\n",
        "answers: {project_name: {a: b}}\n",
        "project_name: a\nproject_name: b\n",
        "\x00\x01\x02binary",
        'project_name: "\\u0000"\n',
        "- just\n- a list\n",
        "",
        "colour: blue\n",
        "dvc_remote_url: /etc\ncloud: none\n",
    ]
    return rng.choice(choices)


def kind_answers(box: Sandbox, rng: random.Random, counts: Counts) -> tuple[int, str]:
    answers = box.root / "answers.yml"
    data = hostile_yaml(rng).encode("utf-8", "surrogateescape")
    if rng.random() < 0.1:
        data = rng.choice([b"\xff\xfe" + data, data + b"\xc3", os.urandom(256)])
    answers.write_bytes(data)
    if rng.random() < 0.05:
        answers.unlink()
        os.mkfifo(answers)
    code, err = mlrig("new", "--no-input", "-o", box.target, "--answers", answers)
    if code == 0 and not (box.target / "my-ml-project" / ".mlrig-answers.yml").is_file():
        made = [p.name for p in box.target.iterdir()]
        counts["incomplete success"] += not any(
            (box.target / m / ".mlrig-answers.yml").is_file() for m in made
        )
    return code, err


def generated_repo(base: Path) -> Path:
    """One committed repository generated with mlrig's template, copied for each run."""
    cached = base / "generated"
    if not cached.exists():
        assert mlrig("new", "--no-input", "-o", cached)[0] == 0
        git(cached / "my-ml-project", "init", "-q")
        git(cached / "my-ml-project", "add", "-A")
        git(cached / "my-ml-project", "commit", "-qm", "generated")
    return cached / "my-ml-project"


def marking_template(box: Sandbox) -> Path:
    template = box.outside / "evil-template"
    shutil.copytree(REPO_ROOT / "templates" / "ml-repo", template)
    for hook in ("pre_gen_project.py", "post_gen_project.py"):
        with (template / "hooks" / hook).open("a", encoding="utf-8") as out:
            out.write(MARKER_HOOK.format(marker=str(box.marker)))
    return template


def kind_repository(box: Sandbox, rng: random.Random, counts: Counts) -> tuple[int, str]:
    repo = box.target / "repo"
    shutil.copytree(generated_repo(box.root.parent), repo, symlinks=True)
    record = repo / ".mlrig-answers.yml"
    text = record.read_text(encoding="utf-8")
    victim = os.path.relpath(box.outside / "victim.txt", repo)
    mutation = rng.choice(["template", "files", "symlink", "dangling", "fifo", "folder", "record"])
    if mutation == "template":
        evil = marking_template(box)
        named = rng.choice([str(evil), "./evil", "../outside/evil-template", "."])
        text = text.replace("template: ml-repo", f"template: {named}")
        if named in (".", "./evil"):
            shutil.copytree(evil, repo / named, dirs_exist_ok=True)
    elif mutation == "files":
        sha = "sha256:" + __import__("hashlib").sha256(b"keep\n").hexdigest()
        text = text.replace(
            "files:\n", f"files:\n  {rng.choice([victim, '/etc/hostname', 'a/../../x'])}: {sha}\n"
        )
    elif mutation in ("symlink", "dangling", "fifo", "folder"):
        path = repo / rng.choice(["params.yaml", ".github/workflows/ci.yml", "dvc.yaml"])
        path.unlink()
        if mutation == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to(box.outside / ("victim.txt" if mutation == "symlink" else "nowhere"))
        if mutation == "folder":
            shutil.move(repo / ".github", box.outside / "github")
            (repo / ".github").symlink_to(box.outside / "github")
    elif mutation == "record":
        text = rng.choice([hostile_yaml(rng), text.replace("3.11", "3.10")])
    record.write_text(text, encoding="utf-8")
    git(repo, "add", "-A", check=False)  # git cannot add a FIFO: then the tree stays dirty
    git(repo, "commit", "-qm", "hostile", "--allow-empty", check=False)
    before = snapshot(box.outside)
    command = rng.choice(
        [
            ("update",),
            ("update", "--dry-run"),
            ("add", "ci", "dependabot"),
            ("add", "ct", "--dry-run"),
        ]
    )
    code, err = mlrig(*command, "-C", repo)
    box.before = before
    return code, err


def kind_disk(box: Sandbox, rng: random.Random, counts: Counts) -> tuple[int, str]:
    variant = rng.choice(["tmpfs-full", "tmpfs-read-only", "ulimit-f"])
    if variant == "ulimit-f" or os.geteuid() != 0:
        return mlrig("new", "--no-input", "-o", box.target, fsize=rng.choice([1, 512, 4096, 65536]))
    size = rng.choice(["16k", "64k", "256k", "1m"])
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", box.target], check=True)
    try:
        if variant == "tmpfs-read-only":
            subprocess.run(["mount", "-o", "remount,ro", box.target], check=True)
        code, err = mlrig("new", "--no-input", "-o", box.target / "out")
        if code != 0 and snapshot(box.target / "out" / "my-ml-project"):
            counts["half-done trees"] += 1
        counts["left temporary files"] += bool(leftovers(box.target))
    finally:
        subprocess.run(["umount", box.target], check=True)
    return code, err


def kind_symlinked_target(box: Sandbox, rng: random.Random, counts: Counts) -> tuple[int, str]:
    link = box.target / "my-ml-project"
    link.symlink_to(rng.choice([box.outside, box.outside / "absent"]))
    return mlrig(
        "new", "--no-input", "-o", box.target, *(["--force"] if rng.random() < 0.5 else [])
    )


def kind_interrupt(box: Sandbox, rng: random.Random, counts: Counts) -> tuple[int, str]:
    if rng.random() < 0.5:
        process = mlrig_process("new", "--no-input", "-o", box.target)
        code, err = interrupt(process, box.target, rng, 2.5)
        state = snapshot(box.target / "my-ml-project")
        complete = ".mlrig-answers.yml" in state
        counts["half-done trees"] += bool(state) and not complete
        if not state:
            counts["reruns failed"] += mlrig("new", "--no-input", "-o", box.target)[0] != 0
    else:
        repo = box.target / "repo"
        shutil.copytree(generated_repo(box.root.parent), repo, symlinks=True)
        before = snapshot(repo)
        fork = template_fork(box.root.parent)
        process = mlrig_process("update", "-C", repo, "--template", fork)
        code, err = interrupt(process, repo, rng, 4.0)
        state = snapshot(repo)
        counts["half-done trees"] += state not in (before, updated_reference(box.root.parent))
        if state == before:
            counts["reruns failed"] += mlrig("update", "-C", repo, "--template", fork)[0] != 0
    counts["left temporary files"] += bool(leftovers(box.target))
    return code, err


def template_fork(base: Path) -> Path:
    """A fork of the template, in git, whose every generated file differs from mlrig's."""
    fork = base / "fork"
    if not fork.exists():
        shutil.copytree(REPO_ROOT / "templates" / "ml-repo", fork)
        for path in (fork / "{{cookiecutter.project_slug}}").rglob("*"):
            if path.is_file():
                with path.open("a", encoding="utf-8") as out:
                    out.write("\n# fork\n")
        git(fork, "init", "-q")
        git(fork, "add", "-A")
        git(fork, "commit", "-qm", "fork")
    return fork


def updated_reference(base: Path) -> dict[str, bytes | str]:
    """The generated repository after an uninterrupted update to the fork."""
    repo = base / "reference"
    if not repo.exists():
        shutil.copytree(generated_repo(base), repo, symlinks=True)
        assert mlrig("update", "-C", repo, "--template", template_fork(base))[0] == 0
    return snapshot(repo)


KINDS: dict[str, Callable[[Sandbox, random.Random, Counts], tuple[int, str]]] = {
    "hostile --answers file": kind_answers,
    "hostile repository (answers file, symlinks, FIFOs)": kind_repository,
    "unwritable or full target": kind_disk,
    "symlinked target": kind_symlinked_target,
    "random interrupt of new/update": kind_interrupt,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--runs-per-kind", type=int, default=40)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    totals: dict[str, Counts] = {}
    with tempfile.TemporaryDirectory(prefix="mlrig-fuzz-") as scratch:
        base, number = Path(scratch), 0
        for kind, run in KINDS.items():
            counts: Counts = collections.Counter()
            for _ in range(options.runs_per_kind):
                number += 1
                box = Sandbox(base, number)
                code, err = run(box, rng, counts)
                counts["runs"] += 1
                counts[f"exit {code}"] += 1
                counts["tracebacks"] += "Traceback" in err and code != -2
                counts["exit 3"] += code == 3
                counts["writes outside the target"] += box.outside_changed()
                counts["template code ran"] += box.marker.exists()
                if code == 3 or ("Traceback" in err and code != -2):
                    print(f"[{kind}] run{number}: {err.strip()[-600:]}", file=sys.stderr)
                shutil.rmtree(box.root, ignore_errors=True)
            totals[kind] = counts
            print(
                f"{kind}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), flush=True
            )
    bad = (
        "tracebacks",
        "exit 3",
        "writes outside the target",
        "half-done trees",
        "template code ran",
        "reruns failed",
        "left temporary files",
        "incomplete success",
    )
    failures = sum(c[key] for c in totals.values() for key in bad)
    print(f"total runs {sum(c['runs'] for c in totals.values())}; problems {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
