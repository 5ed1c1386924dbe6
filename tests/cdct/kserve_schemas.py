"""Build ``kserve_crds.json``: the JSON schemas of KServe's CRDs at one pinned release.

Usage, from a checkout of the public ``kserve/kserve`` repository at the release tag::

    python -m tests.cdct.kserve_schemas KSERVE_CHECKOUT v0.16.0

It reads ``config/crd/full/serving.kserve.io_{inferenceservices,servingruntimes}.yaml``,
keeps the ``openAPIV3Schema`` of the served version of each kind, drops descriptions
(they are most of the bytes) and closes every object schema that lists its properties
(``additionalProperties: false`` unless the CRD preserves unknown fields), because the
API server prunes, or with ``kubectl --validate=strict`` refuses, fields the schema does
not know: a misspelt ``canaryTrafficPercent`` must fail here, not vanish in a cluster.
The output records the release and the source files; regenerate it to move the pin.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

OUTPUT = Path(__file__).with_name("kserve_crds.json")
SOURCE = "https://github.com/kserve/kserve/tree/{version}/config/crd/full"
CRDS = {
    "InferenceService": ("serving.kserve.io_inferenceservices.yaml", "v1beta1"),
    "ServingRuntime": ("serving.kserve.io_servingruntimes.yaml", "v1alpha1"),
}


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


def extract(checkout: Path, version: str) -> dict[str, Any]:
    kinds = {}
    for kind, (name, api) in CRDS.items():
        crd = yaml.safe_load((checkout / "config/crd/full" / name).read_text(encoding="utf-8"))
        (served,) = [v for v in crd["spec"]["versions"] if v["name"] == api]
        schema = closed(served["schema"]["openAPIV3Schema"])
        # apiVersion, kind and metadata are the API server's; any ObjectMeta is accepted here
        # (kubernetes-validate checks metadata on the core kinds).
        schema["properties"]["metadata"] = {"type": "object"}
        kinds[kind] = {"apiVersion": f"{crd['spec']['group']}/{api}", "schema": schema}
    return {
        "kserve": version,
        "source": SOURCE.format(version=version),
        "files": sorted(name for name, _ in CRDS.values()),
        "kinds": kinds,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    data = extract(Path(argv[0]), argv[1])
    OUTPUT.write_text(
        json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
