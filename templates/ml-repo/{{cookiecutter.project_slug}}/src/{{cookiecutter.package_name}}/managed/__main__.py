"""``python -m {{ cookiecutter.package_name }}.managed deploy <env>``: roll the pinned model out."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .common import DeployError, Release, log, release

CLOUD = "{{ cookiecutter.cloud }}"


def roll_out(rel: Release, environ: Mapping[str, str]) -> str:
    """Deploy ``rel`` with this repository's cloud and the workflow's settings."""
    if CLOUD == "aws":
        from . import sagemaker, sagemaker_rollout

        role = _need(environ, "EXECUTION_ROLE_ARN")
        return sagemaker_rollout.deploy(rel, sagemaker.clients(), role)
    if CLOUD == "gcp":
        from . import vertex, vertex_rollout

        api = vertex.api(_need(environ, "GCP_PROJECT"), _need(environ, "REGION"))
        return vertex_rollout.deploy(rel, api)
    if CLOUD == "azure":
        from . import azureml, azureml_rollout

        with tempfile.TemporaryDirectory(prefix="deploy-") as work:
            datastore = _need(environ, "AZUREML_MONITORING_DATASTORE")
            identity = _need(environ, "AZUREML_ENDPOINT_IDENTITY")
            workspace = azureml.Workspace(azureml.az, datastore, identity, Path(work))
            return azureml_rollout.deploy(rel, workspace)
    raise DeployError(f"cloud {CLOUD!r} has no managed endpoint")


def _need(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise DeployError(f"the setting {name} is empty")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="managed", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("deploy").add_argument("env")
    args = parser.parse_args(argv)
    try:
        rel = release(args.env, os.environ)
        log(roll_out(rel, os.environ))
    except DeployError as error:
        print(f"::error::deploy {args.env}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
