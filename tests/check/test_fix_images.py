"""``--fix`` pins image tags to digests, asked of a registry served on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

from tests.check.helpers import WORKFLOW, Run, build_file_tree, mlrig
from tests.check.registry import digest, registry


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "MLRIG_CACHE_DIR": str(tmp_path / "cache")}


def _fix_dockerfile(tmp_path: Path, text: str, *extra: str) -> Run:
    """``mlrig check --fix --select IMG001`` on a repository holding one Dockerfile."""
    repo = build_file_tree(tmp_path / "repo", {"Dockerfile": text})
    return mlrig("check", "--fix", *extra, "--select", "IMG001", cwd=repo, env=_env(tmp_path))


def test_dockerfile_and_workflow_images_get_their_digests(tmp_path: Path) -> None:
    with registry({"team/base": {"1.0"}, "team/db": {"16"}}) as (host, log):
        dockerfile = f"FROM {host}/team/base:1.0 AS build\nFROM build\nRUN true\n"
        workflow = (
            "on: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-24.04\n"
            f"    container: {host}/team/base:1.0  # the build image\n"
            f'    services:\n      db:\n        image: "{host}/team/db:16"\n'
            "    steps:\n      - run: 'true'\n"
        )
        repo = build_file_tree(tmp_path / "repo", {"Dockerfile": dockerfile, WORKFLOW: workflow})
        run = mlrig("check", "--fix", "--select", "IMG001,GHA004", cwd=repo, env=_env(tmp_path))
    assert (run.code, run.err) == (0, "")
    assert run.out == "Fixed 3 findings. All checks passed (2 files checked).\n"
    base, db = digest("1.0"), digest("16")
    assert (repo / "Dockerfile").read_text(encoding="utf-8") == dockerfile.replace(
        ":1.0 AS", f":1.0@{base} AS"
    )
    assert (repo / WORKFLOW).read_text(encoding="utf-8") == workflow.replace(
        "1.0  #", f"1.0@{base}  #"
    ).replace(':16"', f':16@{db}"')
    assert log.count("GET /token") == 2  # one challenge answered per image


def test_offline_reuses_a_digest_and_names_the_command_otherwise(tmp_path: Path) -> None:
    env = _env(tmp_path)
    with registry({"team/base": {"1.0"}}) as (host, _):
        first = build_file_tree(tmp_path / "first", {"Dockerfile": f"FROM {host}/team/base:1.0\n"})
        assert mlrig("check", "--fix", "--select", "IMG001", cwd=first, env=env).code == 0
        files = {"Dockerfile": f"FROM {host}/team/base:1.0\nFROM python:3.12-slim\n"}
        second = build_file_tree(tmp_path / "second", files)
    run = mlrig("check", "--fix", "--offline", "--select", "IMG001", cwd=second, env=env)
    assert (second / "Dockerfile").read_text(encoding="utf-8") == (
        f"FROM {host}/team/base:1.0@{digest('1.0')}\nFROM python:3.12-slim\n"
    )
    assert run.code == 1
    assert run.err == (
        "Dockerfile:2:6: IMG001 not fixed: python:3.12-slim: not in the resolution cache"
        " (--offline); run --fix without --offline once, or run:"
        " docker buildx imagetools inspect python:3.12-slim\n"
    )


def test_an_unknown_tag_is_one_line_with_the_command(tmp_path: Path) -> None:
    with registry({"team/base": {"1.0"}}) as (host, _):
        run = _fix_dockerfile(tmp_path, f"FROM {host}/team/base:9\n")
    assert run.code == 1
    assert run.err == (
        f"Dockerfile:1:6: IMG001 not fixed: {host} answered 404 Not Found for"
        f" http://{host}/v2/team/base/manifests/9;"
        f" run: docker buildx imagetools inspect {host}/team/base:9\n"
    )


def test_an_image_built_from_an_arg_is_not_guessed(tmp_path: Path) -> None:
    text = "ARG TAG\nFROM python:${TAG}\n"
    run = _fix_dockerfile(tmp_path, text, "--offline")
    assert run.err == (
        "Dockerfile:2:6: IMG001 not fixed: the image is built from ARG or expression values;"
        " pin the digest there\n"
    )
    assert (tmp_path / "repo" / "Dockerfile").read_text(encoding="utf-8") == text


def test_an_unreachable_registry_is_one_line_with_the_command(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port that nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        host = f"127.0.0.1:{probe.getsockname()[1]}"
    run = _fix_dockerfile(tmp_path, f"FROM {host}/team/base:1.0\n")
    assert run.code == 1
    assert run.err == (
        f"Dockerfile:1:6: IMG001 not fixed: cannot reach {host}: [Errno 111] Connection refused;"
        f" run: docker buildx imagetools inspect {host}/team/base:1.0\n"
    )
