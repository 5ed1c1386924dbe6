"""Build ``crds_<project>.json``: the JSON schemas of a project's CRDs at one pinned release.

Usage, from a checkout of the project's public repository at the release tag::

    python -m tests.cdct.crd_schemas kserve KSERVE_CHECKOUT v0.16.0
    python -m tests.cdct.crd_schemas prometheus-operator CHECKOUT v0.93.0

It reads the CRD files listed in :data:`PROJECTS`, keeps the ``openAPIV3Schema`` of the
served version of each kind, drops descriptions (they are most of the bytes) and
closes every object schema that lists its properties (``additionalProperties: false``
unless the CRD preserves unknown fields), because the API server prunes, or with
``kubectl --validate=strict`` refuses, fields the schema does not know: a misspelt
``canaryTrafficPercent`` must fail here, not vanish in a cluster. The output records
the release and the source files; regenerate it to move the pin.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
# project -> (source URL, folder of the CRDs, kind -> (file, served version))
PROJECTS: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "kserve": (
        "https://github.com/kserve/kserve/tree/{version}/config/crd/full",
        "config/crd/full",
        {
            "InferenceService": ("serving.kserve.io_inferenceservices.yaml", "v1beta1"),
            "ServingRuntime": ("serving.kserve.io_servingruntimes.yaml", "v1alpha1"),
        },
    ),
    "prometheus-operator": (
        "https://github.com/prometheus-operator/prometheus-operator/tree/{version}"
        "/example/prometheus-operator-crd",
        "example/prometheus-operator-crd",
        {
            "PodMonitor": ("monitoring.coreos.com_podmonitors.yaml", "v1"),
            "PrometheusRule": ("monitoring.coreos.com_prometheusrules.yaml", "v1"),
        },
    ),
}


def output(project: str) -> Path:
    return HERE / f"crds_{project}.json"


def closed(schema: Any) -> Any:
    """``schema`` without descriptions, with closed objects (see the module docstring)."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: closed(value) for key, value in schema.items() if key != "description"}
    if "properties" in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
        out.setdefault("additionalProperties", False)
    return out


def extract(project: str, checkout: Path, version: str) -> dict[str, Any]:
    source, folder, crds = PROJECTS[project]
    kinds = {}
    for kind, (name, api) in crds.items():
        crd = yaml.safe_load((checkout / folder / name).read_text(encoding="utf-8"))
        (served,) = [v for v in crd["spec"]["versions"] if v["name"] == api]
        schema = closed(served["schema"]["openAPIV3Schema"])
        # apiVersion, kind and metadata are the API server's; any ObjectMeta is accepted here
        # (kubernetes-validate checks metadata on the core kinds).
        schema["properties"]["metadata"] = {"type": "object"}
        kinds[kind] = {"apiVersion": f"{crd['spec']['group']}/{api}", "schema": schema}
    return {
        "project": project,
        "version": version,
        "source": source.format(version=version),
        "files": sorted(name for name, _ in crds.values()),
        "kinds": kinds,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in PROJECTS:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    data = extract(argv[0], Path(argv[1]), argv[2])
    text = json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"
    output(argv[0]).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
