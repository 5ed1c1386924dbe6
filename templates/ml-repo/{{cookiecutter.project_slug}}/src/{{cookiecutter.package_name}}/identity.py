"""The model reader's workload identity: ``deploy/base/service-account.yaml``'s annotations.

``pins identity`` writes them from Terraform's output ``serving_service_account_annotations``
(the read-only serving identity: an IRSA role, a Google service account, an Azure
managed identity's client id). Until every annotation has a value, each overlay's
serving Component deletes the InferenceService (``serving.not_serving``): a model server
without its identity could not read the DVC remote.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

SERVICE_ACCOUNT = Path("deploy/base/service-account.yaml")
OUTPUT = "serving_service_account_annotations"
# The capture sink's writer (deploy/base/capture-sink.yaml): it writes KServe's request log
# to <DVC remote>/monitoring/, so it has its own identity, allowed to write there only.
CAPTURE_ACCOUNT = Path("deploy/base/capture-service-account.yaml")
CAPTURE_OUTPUT = "capture_service_account_annotations"
TERRAFORM_DIR = Path("terraform")
# The annotations block of the generated file (two-space indent, one key per line).
BLOCK = re.compile(r"(?m)^  annotations:.*\n(?:    .*\n)*")
EMPTY = (
    f"{OUTPUT} is empty: set the cluster inputs of the serving identity in terraform/ (EKS,"
    " GKE workload pool, AKS OIDC issuer) and apply; with EKS Pod Identity, which needs no"
    " annotation, run `pins identity --no-annotation`"
)
KEY = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?\Z")


def annotations(root: Path = Path(), account: Path = SERVICE_ACCOUNT) -> dict[str, Any] | None:
    """The ServiceAccount's annotations (None: this repository has no ServiceAccount)."""
    path = root / account
    if not path.exists():
        return None
    account = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    metadata = account.get("metadata") if isinstance(account, dict) else None
    found = metadata.get("annotations") if isinstance(metadata, dict) else None
    return found if isinstance(found, dict) else {}


def unset(root: Path = Path(), account: Path = SERVICE_ACCOUNT) -> list[str]:
    """The annotations still empty (a placeholder the generated file starts with)."""
    return sorted(key for key, value in (annotations(root, account) or {}).items() if not value)


def from_terraform(directory: Path = TERRAFORM_DIR, output: str = OUTPUT) -> dict[str, str]:
    """``terraform output -json <output>`` in ``directory``."""
    done = subprocess.run(
        ["terraform", f"-chdir={directory}", "output", "-json", output],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ValueError(f"terraform output {output} failed: {done.stderr.strip()}")
    return parse(done.stdout, output)


def parse(text: str, output: str = OUTPUT) -> dict[str, str]:
    """A JSON object of annotation names to non-empty strings, as Terraform prints it."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{output} is not JSON: {error}") from None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and KEY.match(k) and isinstance(v, str) and v.strip()
        for k, v in value.items()
    ):
        raise ValueError(f"{output} must be an object of annotation names to non-empty strings")
    return {key: value[key] for key in sorted(value)}


def write(values: dict[str, str], root: Path = Path(), account: Path = SERVICE_ACCOUNT) -> bool:
    """Set the ServiceAccount's annotations to ``values``; whether the file changed.

    An empty map (``pins identity --no-annotation``: EKS Pod Identity needs none) writes
    ``annotations: {}``.
    """
    path = root / account
    old = path.read_text(encoding="utf-8")
    if values:
        lines = "".join(f"    {key}: {json.dumps(value)}\n" for key, value in values.items())
        block = "  annotations:\n" + lines
    else:
        block = "  annotations: {}\n"
    new = BLOCK.sub(lambda _: block, old, count=1) if BLOCK.search(old) else _insert(old, block)
    if new == old:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def _insert(text: str, block: str) -> str:
    """Add the block after ``metadata.name`` when the file has no annotations yet."""
    return re.sub(r"(?m)^(  name: .*\n)", lambda m: m[1] + block, text, count=1)
