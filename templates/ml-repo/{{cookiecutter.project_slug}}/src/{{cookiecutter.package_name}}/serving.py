"""What each KServe overlay serves: ``deploy/overlays/<env>/serving/kustomization.yaml``.

That file is a Kustomize Component written from ``deploy/<env>.yaml`` (never by hand).
Until the pin names a model *and* a serving image by digest (``serving_image``, set by
``.github/workflows/serve-image.yml``) it deletes the InferenceService, so the first
Argo CD sync is Healthy and KServe never sees a placeholder; then it sets the image of
the repository's own ServingRuntime (deploy/base/serving-runtime.yaml) by digest.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

IMAGE_KEY = "serving_image"
# The image name deploy/base/serving-runtime.yaml uses; the Component replaces it.
IMAGE_NAME = "{{ cookiecutter.project_slug }}-serve"
SERVICE = "{{ cookiecutter.project_slug }}"
IMAGE_REF = re.compile(r"(?P<name>[^@\s:/][^@\s]*)@(?P<digest>sha256:[0-9a-f]{64})\Z")
HEADER = (
    "# Generated from deploy/{env}.yaml by `python -m {{ cookiecutter.package_name }}.pins`; do not edit.\n"
    "# `pins check` fails when it differs from what the pin implies.\n"
)
KIND = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"


def component_path(env: str, root: Path = Path()) -> Path:
    return root / "deploy" / "overlays" / env / "serving" / "kustomization.yaml"


def image_problem(value: Any) -> str | None:
    """Why ``value`` is not a serving image pinned by digest (None: it is one, or null)."""
    if value is None or (isinstance(value, str) and IMAGE_REF.match(value)):
        return None
    return f"{IMAGE_KEY} {value!r} is not <image>@sha256:<64 hex>"


def not_serving(pin: dict[str, Any]) -> list[str]:
    """Why the environment serves nothing yet (empty: it serves the pinned model)."""
    reasons = [] if pin.get("model") else ["no model pinned"]
    image = pin.get(IMAGE_KEY)
    if image is None:
        reasons.append("serving image not built yet")
    elif image_problem(image):
        reasons.append(str(image_problem(image)))
    return reasons


def component_text(env: str, pin: dict[str, Any]) -> str:
    """The Component for ``env``: delete the InferenceService, or pin the runtime's image."""
    reasons = not_serving(pin)
    if reasons:
        return (
            HEADER.format(env=env)
            + f"# Not serving: {'; '.join(reasons)}.\n"
            + KIND
            + "patches:\n  - patch: |-\n      $patch: delete\n"
            + "      apiVersion: serving.kserve.io/v1beta1\n      kind: InferenceService\n"
            + f"      metadata:\n        name: {SERVICE}\n"
        )
    ref = IMAGE_REF.match(str(pin[IMAGE_KEY]))
    assert ref is not None
    return (
        HEADER.format(env=env)
        + KIND
        + f"images:\n  - name: {IMAGE_NAME}\n    newName: {ref['name']}\n"
        + f"    digest: {ref['digest']}\n"
    )


def write_component(env: str, pin: dict[str, Any], root: Path = Path()) -> Path | None:
    """Write the Component of ``env`` if its overlay has one; the path when it changed."""
    path = component_path(env, root)
    if not path.parent.is_dir():
        return None
    text = component_text(env, pin)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return None
    path.write_text(text, encoding="utf-8")
    return path


def component_problems(env: str, pin: dict[str, Any], root: Path = Path()) -> list[str]:
    """Why ``env``'s Component is not what its pin implies."""
    path = component_path(env, root)
    if not path.parent.is_dir():
        return []
    name = path.relative_to(root).as_posix()
    found = [
        f"deploy/{env}.yaml: {problem}"
        for problem in [image_problem(pin.get(IMAGE_KEY))]
        if problem
    ]
    if not path.exists() or path.read_text(encoding="utf-8") != component_text(env, pin):
        found.append(f"{name}: not what deploy/{env}.yaml implies (run `pins sync`)")
    return found


def with_image(pin: dict[str, Any], image: Any) -> dict[str, Any]:
    """``pin`` with ``serving_image`` set, placed after ``model``."""
    out: dict[str, Any] = {}
    for key, value in pin.items():
        if key != IMAGE_KEY:
            out[key] = value
        if key == "model":
            out[IMAGE_KEY] = image
    out.setdefault(IMAGE_KEY, image)
    return out
