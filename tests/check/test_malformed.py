"""Malformed input of every kind: a finding or a one-line error naming the file, exit 1 or 2,
no traceback, and done in seconds (the subprocess timeout guards against hangs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.helpers import build_file_tree, mlrig

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
)
CASES: dict[str, tuple[str, str | bytes, str]] = {
    "broken-yaml": (
        ".github/workflows/ci.yml",
        "on: [push\njobs: {}\n",
        ".github/workflows/ci.yml:2:5: MLR001 invalid YAML: did not find expected ',' or ']'",
    ),
    "tab-indented-yaml": (
        ".github/workflows/ci.yml",
        "on: push\njobs:\n\ttest: {}\n",
        ".github/workflows/ci.yml:3:1: MLR001 invalid YAML: a tab character indents this line",
    ),
    "alias-bomb": (
        ".github/workflows/ci.yml",
        BOMB,
        ".github/workflows/ci.yml:6:4: MLR001 invalid YAML: aliases expand to more than",
    ),
    "binary-yaml": (
        ".pre-commit-config.yaml",
        b"repos: []\n\x00\x01\x02\xff\xfe",
        ".pre-commit-config.yaml:2:4: MLR001 not UTF-8 text (byte 0xff)",
    ),
    "control-bytes-yaml": (
        "action.yml",
        b"name: a\x00b\n",
        "action.yml:1:8: MLR001 not text: it holds NUL bytes (binary, or UTF-16/32)",
    ),
    "non-utf8-dvc-yaml": (
        "dvc.yaml",
        "stages:\n  train:\n    cmd: python tr\u00e4in.py\n".encode("latin-1"),
        "dvc.yaml:3:19: MLR001 not UTF-8 text (byte 0xe4)",
    ),
    "30mb-line": (
        ".github/workflows/ci.yml",
        "on: push\nx: " + "a" * (30 * 1024 * 1024) + "\n",
        ".github/workflows/ci.yml:1:1: MLR001 file is 30 MB; mlrig parses files of up to 10 MB",
    ),
    "broken-utf16-requirements": (
        "requirements.txt",
        b"\xff\xfe" + "numpy==2.1.3\ntorch==2.5.1\n".encode("utf-16-le") + b"\x00\xd8",
        "requirements.txt:3:1: MLR001 not UTF-16-LE text (byte 0x00)",
    ),
    "devcontainer-not-json": (
        ".devcontainer/devcontainer.json",
        '{\n  // a comment\n  "image": "python:3.12",\n  "features": {\n}\n',
        ".devcontainer/devcontainer.json:6:1: MLR001 invalid JSON",
    ),
    "broken-dockerfile-bytes": (
        "Dockerfile",
        b"FROM python:3.12\xc3\n",
        "Dockerfile:1:17: MLR001 not UTF-8 text (byte 0xc3)",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_file_is_a_finding(tmp_path: Path, name: str) -> None:
    path, content, expected = CASES[name]
    build_file_tree(tmp_path, {path: content})
    run = mlrig("check", ".", cwd=tmp_path)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    assert any(line.startswith(expected) for line in run.out.splitlines()), run.out


def test_broken_toml_config_is_a_one_line_error(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"pyproject.toml": "[project\nname = 'x'\n"})
    run = mlrig("check", ".", cwd=tmp_path)
    assert run.code == 2
    assert run.err.splitlines() == [
        "mlrig: error: pyproject.toml:1:9: invalid TOML: Expected ']' at the end of a table declaration"
    ]


def test_empty_dvc_lock_gives_a_result_not_a_crash(tmp_path: Path) -> None:
    files = {"dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n", "dvc.lock": ""}
    build_file_tree(tmp_path, files)
    run = mlrig("check", ".", cwd=tmp_path)
    assert run.code in (0, 1), run.err
    assert "Traceback" not in run.err


def test_unterminated_hcl_gives_a_result_not_a_crash(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"main.tf": 'terraform {\n  required_version = "1.9.8"\n'})
    run = mlrig("check", ".", cwd=tmp_path)
    assert run.code in (0, 1, 2), run.err
    assert "Traceback" not in run.err
    assert run.code != 1 or "main.tf" in run.out


def test_unreadable_path_argument_is_a_usage_error(tmp_path: Path) -> None:
    run = mlrig("check", "missing.yml", cwd=tmp_path)
    assert (run.code, run.err) == (2, "mlrig: error: 'missing.yml': no such file or folder\n")


def test_collections_nested_as_keys_parse_in_linear_space(tmp_path: Path) -> None:
    """`{{{...image: x:1}}}` makes each mapping the key of the next; naming such a key by
    its text quoted the inner key's text again at every level (60 levels: gigabytes)."""
    values = "{" * 60 + "image: x:1" + "}" * 60
    app = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n"
        "spec:\n  source:\n    chart: c\n    repoURL: https://charts.example.com\n"
        f"    targetRevision: 1.0.0\n    helm:\n      valuesObject: {values}\n"
    )
    build_file_tree(tmp_path, {"argocd/app.yaml": app})
    run = mlrig("check", "--no-cache", ".", cwd=tmp_path)
    assert (run.code, run.err) == (0, ""), run.err
    assert run.out == "All checks passed (1 file checked).\n"
