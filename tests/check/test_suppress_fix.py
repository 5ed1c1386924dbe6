"""Inline suppressions, and ``--fix`` changing only the spliced bytes."""

from __future__ import annotations

from pathlib import Path

from tests.check.helpers import SHA, WORKFLOW, build_file_tree, mlrig, workflow

OTHER = "0a12ed9d6a96ab950c8f026ed9f722fe0da7ef32"


def test_suppressions_on_the_line_and_the_line_above(tmp_path: Path) -> None:
    steps = (
        "      - uses: actions/checkout@v4  # mlrig: ignore[GHA001] trusted, tags protected\n"
        "      # mlrig: ignore[GHA001, GHA003] vendored\n"
        "      - uses: actions/cache@v4\n"
        "      - uses: actions/upload-artifact@v4  # mlrig: ignore[GHA001]\n"
        "      - uses: actions/download-artifact@v4  # mlrig: ignore[GHA01] typo\n"
        "      - uses: actions/setup-node@v4\n"
    )
    build_file_tree(tmp_path, {WORKFLOW: workflow(steps)})
    run = mlrig("check", "--select", "GHA001,MLR", cwd=tmp_path)
    assert run.out.splitlines() == [
        f"{WORKFLOW}:10:43: MLR002 suppression gives no reason; write it after the ]",
        f"{WORKFLOW}:11:15: GHA001 actions/download-artifact is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)",
        f"{WORKFLOW}:11:45: MLR003 suppression names unknown rule code GHA01; `mlrig rules` lists the codes",
        f"{WORKFLOW}:12:15: GHA001 actions/setup-node is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)",
        "Found 4 findings in 1 file. 2 fixable with --fix.",
    ]


def test_suppression_in_a_dockerfile(tmp_path: Path) -> None:
    files = {
        "Dockerfile": "# mlrig: ignore[IMG001] rebuilt nightly from a mirror\nFROM python:3.12\n"
    }
    build_file_tree(tmp_path, files)
    assert mlrig("check", "--select", "IMG,MLR", cwd=tmp_path).code == 0


BLACK_CRLF = (
    "repos:\r\n"
    "  - repo: https://github.com/psf/black-pre-commit-mirror\r\n"
    f"    rev: {SHA}   # v24.10.0\r\n"
    "    hooks:\r\n"
    "      - id: black\r\n"
)


def test_fix_changes_only_the_spliced_bytes(tmp_path: Path) -> None:
    precommit = BLACK_CRLF
    steps = (
        f"      - uses: actions/checkout@{OTHER}  # v4.2.2\n"
        f'      - uses: "actions/checkout@{OTHER}"\n'
        "      - uses: actions/setup-python@v5\n"
    )
    build_file_tree(tmp_path, {".pre-commit-config.yaml": precommit, WORKFLOW: workflow(steps)})
    before = (tmp_path / WORKFLOW).read_bytes()
    run = mlrig("check", "--fix", "--offline", "--select", "GHA,PC", cwd=tmp_path)
    assert run.code == 1
    assert run.out.splitlines() == [
        f"{WORKFLOW}:9:15: GHA001 actions/setup-python is pinned to tag v5, not to a commit SHA; pin the SHA (--fix)",
        "Fixed 2 findings. Found 1 finding in 1 file. 1 fixable with --fix.",
    ]
    assert (tmp_path / ".pre-commit-config.yaml").read_bytes() == precommit.replace(
        "# v24.10.0", "# frozen: v24.10.0"
    ).encode()
    quoted = f'"actions/checkout@{OTHER}"'
    assert (tmp_path / WORKFLOW).read_bytes() == before.replace(
        quoted.encode(), f"{quoted}  # v4.2.2".encode()
    )
    assert mlrig("check", "--fix", "--offline", "--select", "GHA002,PC", cwd=tmp_path).code == 0


def test_without_fix_nothing_is_written(tmp_path: Path) -> None:
    files = {
        ".pre-commit-config.yaml": f"repos:\n  - repo: https://x/y\n    rev: {SHA}  # v1.0.0\n    hooks: [{{id: a}}]\n"
    }
    build_file_tree(tmp_path, files)
    run = mlrig("check", "--select", "PC002", cwd=tmp_path)
    assert run.out.endswith("Found 1 finding in 1 file. 1 fixable with --fix.\n")
    assert (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8") == files[
        ".pre-commit-config.yaml"
    ]


def test_fix_writes_a_utf16_file_back_in_utf16(tmp_path: Path) -> None:
    precommit = BLACK_CRLF
    data = b"\xff\xfe" + precommit.encode("utf-16-le")
    build_file_tree(tmp_path, {".pre-commit-config.yaml": data})
    run = mlrig("check", "--fix", "--select", "PC002", cwd=tmp_path)
    assert (run.code, run.out) == (0, "Fixed 1 finding. All checks passed (1 file checked).\n")
    fixed = precommit.replace("# v24.10.0", "# frozen: v24.10.0")
    assert (tmp_path / ".pre-commit-config.yaml").read_bytes() == b"\xff\xfe" + fixed.encode(
        "utf-16-le"
    )
