"""What each KServe overlay serves: ``deploy/overlays/<env>/serving/kustomization.yaml``.

That file is a Kustomize Component written from ``deploy/<env>.yaml`` (never by hand).
Until the pin names a model *and* a serving image by digest (``serving_image``, set by
``.github/workflows/serve-image.yml``) and the workload identities of the model reader and
the capture writer are set (``pins identity``), it deletes the InferenceService, the
ServingRuntime and the capture sink, so the first Argo CD sync is Healthy and nothing
unpinned is applied; then it sets the image of the repository's own ServingRuntime
(deploy/base/serving-runtime.yaml) and of the capture sink (deploy/base/capture-sink.yaml)
by digest, and the sink's target: ``<DVC remote>/monitoring/kserve/<env>``.

It also sets the image on the InferenceService's predictor (``model.image``, which KServe
puts over the runtime's container) and annotates the predictor with a digest of the
ServingRuntime's spec (``RUNTIME_ANNOTATION``): a new image or a runtime setting changes
the predictor itself, so KServe makes a new revision (a canary in production, rollout.py)
instead of relying on a runtime edit to restart the predictor, which KServe does not
promise. ``pins check`` fails when the runtime's spec changed and ``pins sync`` did not run.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }} import identity

IMAGE_KEY = "serving_image"
FRAMEWORK_KEY = "serving_framework"
# The framework version that trained the pinned model: `pins update` writes it, `pins promote`
# carries it, so a pin of an earlier model than dvc.lock's still says what its image must hold.
TRAINING_KEY = "training_framework"
# Kubernetes names: the slug, cut to 46 characters so that every name derived from it
# (the namespaces <name>-production, the Service <name>-inference-logger, Knative's canary
# route latest-<name>-predictor) fits in 63; a slug that already fitted keeps its names.
KUBE_NAME = "{{ cookiecutter.__k8s_name }}"
RUNTIME = f"{KUBE_NAME}-server"
# The image name deploy/base/serving-runtime.yaml uses; the Component replaces it.
IMAGE_NAME = "{{ cookiecutter.project_slug }}-serve"
SERVICE = "{{ cookiecutter.project_slug }}"
# The capture sink (deploy/base/capture-sink.yaml): the Deployment and Service that KServe's
# request logger posts to; the same image, `python -m serve.capture`.
SINK = f"{KUBE_NAME}-inference-logger"
AZURE_BLOB = re.compile(
    r"https://(?P<account>[a-z0-9]+)\.blob\.core\.windows\.net/(?P<container>[^/]+)(?P<rest>.*)\Z"
)
# With a local DVC remote (cloud: none) KServe reads the remote from this claim
# (deploy/base/dvc-remote-claim.yaml), and the capture sink writes to it where it is mounted.
LOCAL_CLAIM = "dvc-remote"
LOCAL_MOUNT = "/mnt/dvc-remote"
IMAGE_REF = re.compile(r"(?P<name>[^@\s:/][^@\s]*)@(?P<digest>sha256:[0-9a-f]{64})\Z")
RUNTIME_FILE = Path("deploy/base/serving-runtime.yaml")
RUNTIME_ANNOTATION = "mlrig.github.io/serving-runtime"
HEADER = (
    "# Generated from deploy/{env}.yaml by `python -m {{ cookiecutter.package_name }}.pins`; do not edit.\n"
    "# `pins check` fails when it differs from what the pin implies.\n"
)
KIND = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"


# The lock the serving image installs from (serve/Dockerfile) and the model's framework.
LOCK = Path("{{ 'requirements-train.txt' if cookiecutter.ml_framework == 'pytorch' else 'requirements.txt' }}")
FRAMEWORK = "{{ 'torch' if cookiecutter.ml_framework == 'pytorch' else 'scikit-learn' }}"
PIN_LINE = re.compile(
    rf"^{re.escape(FRAMEWORK)}==(?P<version>[^\s;\\]+)\s*(?:;(?P<marker>[^\\]*))?"
)


# What people write for the framework that is no distribution (import and project names):
# MOD007 refuses them with the same hint.
ALIASES = {"sklearn": "scikit-learn", "scikit": "scikit-learn", "pytorch": "torch"}
LOCK_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", re.MULTILINE)


def built_with(root: Path = Path()) -> dict[str, str]:
    """The framework version the serving image installs: the lock's, for .python-version."""
    from packaging.markers import Marker

    python = (root / ".python-version").read_text(encoding="utf-8").strip()
    env = {"python_version": python, "python_full_version": f"{python}.0"}
    for line in (root / LOCK).read_text(encoding="utf-8").splitlines():
        found = PIN_LINE.match(line)
        marker = found["marker"].strip() if found and found["marker"] else ""
        if found and (not marker or Marker(marker).evaluate(env)):
            return {FRAMEWORK: found["version"]}
    return {}


def trained_with(stage: dict[str, Any], root: Path = Path()) -> dict[str, str] | None:
    """The framework version that trained the model of ``stage`` (its dvc.lock entry): the
    lock's, when the lock is the one dvc.lock recorded for the stage (same md5). None when
    the lock moved since the training run, or names no framework for .python-version."""
    import hashlib

    recorded = [
        dep.get("md5") for dep in stage.get("deps") or [] if dep.get("path") == LOCK.as_posix()
    ]
    try:
        if recorded and hashlib.md5((root / LOCK).read_bytes()).hexdigest() != recorded[0]:
            return None
        return built_with(root) or None
    except OSError:
        return None


def kserve_uri(storage_uri: str) -> str:
    """Where KServe reads the pinned object at ``storage_uri``: that address, or for a local
    remote, which no cluster reaches by its path, the folder of the object in the claim that
    holds the remote: ``pvc://dvc-remote/files/md5/<first 2 hex>`` (KServe mounts a pvc://
    path, which must be a folder, as /mnt/models; MLSERVER_MODEL_URI names the file)."""
    if "://" in storage_uri:
        return storage_uri
    _, found, rest = storage_uri.rpartition("/files/md5/")
    if not found:
        return storage_uri  # not content-addressed: `pins check` and MOD001 say so
    return f"pvc://{LOCAL_CLAIM}/files/md5/{rest.split('/')[0]}"


def installed(freeze: Path) -> dict[str, str]:
    """The framework version a built image holds, from its ``pip freeze`` (``name==version``
    lines; serve-image.yml writes it from the image itself). Empty: the file names none."""
    for line in freeze.read_text(encoding="utf-8").splitlines():
        name, equals, version = line.partition("==")
        version = version.split(";")[0].split("\\")[0].strip()
        if equals and _canonical(name) == FRAMEWORK and version:
            return {FRAMEWORK: version}
    return {}


def component_path(env: str, root: Path = Path()) -> Path:
    return root / "deploy" / "overlays" / env / "serving" / "kustomization.yaml"


def image_problem(value: Any) -> str | None:
    """Why ``value`` is not a serving image pinned by digest (None: it is one, or null)."""
    if value is None or (isinstance(value, str) and IMAGE_REF.match(value)):
        return None
    return f"{IMAGE_KEY} {value!r} is not <image>@sha256:<64 hex>"


def not_serving(pin: dict[str, Any], root: Path = Path()) -> list[str]:
    """Why the environment serves nothing yet (empty: it serves the pinned model)."""
    reasons = [] if pin.get("model") else ["no model pinned"]
    image = pin.get(IMAGE_KEY)
    if image is None:
        reasons.append("serving image not built yet")
    elif image_problem(image):
        reasons.append(str(image_problem(image)))
    unset = identity.unset(root)
    if unset:
        reasons.append(f"workload identity not set ({', '.join(unset)}: run `pins identity`)")
    writer = identity.unset(root, identity.CAPTURE_ACCOUNT)
    if writer:
        reasons.append(f"capture identity not set ({', '.join(writer)}: run `pins identity`)")
    return reasons


def capture_target(env: str, root: Path = Path()) -> str:
    """Where the capture sink of ``env`` writes KServe's request log:
    ``<DVC remote>/monitoring/kserve/<env>`` (the drift monitor reads one environment's
    folder), as an fsspec URL (Azure Blob as ``abfs://<container>@<account>.dfs.core.windows.net``)."""
    from {{ cookiecutter.package_name }} import pins

    remote = pins.remote_url(root / pins.DVC_CONFIG)
    if "://" not in remote:
        return f"{LOCAL_MOUNT}/monitoring/kserve/{env}"  # the claim holding the local remote
    blob = AZURE_BLOB.match(remote)
    if blob:
        remote = f"abfs://{blob['container']}@{blob['account']}.dfs.core.windows.net{blob['rest']}"
    return f"{remote}/monitoring/kserve/{env}"


def _sink_target(target: str) -> str:
    return (
        "  - target:\n"
        + f"      kind: Deployment\n      name: {SINK}\n"
        + "    patch: |-\n"
        + "      - op: replace\n        path: /spec/template/spec/containers/0/args/0\n"
        + f"        value: --target={target}\n"
    )


def runtime_digest(root: Path = Path()) -> str:
    """The first 12 hex digits of the sha256 of the ServingRuntime's spec (canonical JSON):
    what the predictor's annotation carries. ``missing``: the repository has no runtime file."""
    import json

    import yaml

    path = root / RUNTIME_FILE
    if not path.is_file():
        return "missing"
    spec = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("spec")
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _predictor(image: str, root: Path) -> str:
    """A patch of the InferenceService: the serving image on the predictor, and the
    runtime's digest as its annotation (either one changing makes a new revision)."""
    return (
        "  - patch: |-\n      apiVersion: serving.kserve.io/v1beta1\n"
        + f"      kind: InferenceService\n      metadata:\n        name: {KUBE_NAME}\n"
        + "      spec:\n        predictor:\n          annotations:\n"
        + f'            {RUNTIME_ANNOTATION}: "{runtime_digest(root)}"\n'
        + f"          model:\n            image: {image}\n"
    )


def _delete(api: str, kind: str, name: str) -> str:
    return (
        "  - patch: |-\n      $patch: delete\n"
        + f"      apiVersion: {api}\n      kind: {kind}\n"
        + f"      metadata:\n        name: {name}\n"
    )


def component_text(env: str, pin: dict[str, Any], root: Path = Path()) -> str:
    """The Component for ``env``: delete the service and its runtime, or pin the image."""
    reasons = not_serving(pin, root)
    if reasons:
        return (
            HEADER.format(env=env)
            + f"# Not serving: {'; '.join(reasons)}.\n"
            + KIND
            + "patches:\n"
            + _delete("serving.kserve.io/v1beta1", "InferenceService", KUBE_NAME)
            + _delete("serving.kserve.io/v1alpha1", "ServingRuntime", RUNTIME)
            + _delete("apps/v1", "Deployment", SINK)
            + _delete("v1", "Service", SINK)
        )
    ref = IMAGE_REF.match(str(pin[IMAGE_KEY]))
    assert ref is not None
    return (
        HEADER.format(env=env)
        + KIND
        + f"images:\n  - name: {IMAGE_NAME}\n    newName: {ref['name']}\n"
        + f"    digest: {ref['digest']}\n"
        + "patches:\n"
        + _sink_target(capture_target(env, root))
        + _predictor(str(pin[IMAGE_KEY]), root)
    )


def write_component(env: str, pin: dict[str, Any], root: Path = Path()) -> Path | None:
    """Write the Component of ``env`` if its overlay has one; the path when it changed."""
    path = component_path(env, root)
    if not path.parent.is_dir():
        return None
    text = component_text(env, pin, root)
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
    if not path.exists() or path.read_text(encoding="utf-8") != component_text(env, pin, root):
        found.append(f"{name}: not what deploy/{env}.yaml implies (run `pins sync`)")
    return found


def framework_problem(
    pin: dict[str, Any], root: Path = Path(), earlier: bool = False
) -> str | None:
    """Why the pin's ``serving_framework`` does not say that its image holds the framework
    that trained its model (None: it does, or there is no image): the lock's, or for a pin
    of an ``earlier`` model than dvc.lock's, its ``training_framework``. mlrig's MOD007
    checks the same: each key is a distribution the lock pins, by its PEP 503 name
    (``Scikit_Learn`` is ``scikit-learn``; ``sklearn``, the import name, is none), and one
    of them is the framework."""
    if pin.get(IMAGE_KEY) is None:
        return None
    record = pin.get(FRAMEWORK_KEY)
    if not isinstance(record, dict) or not record:
        return (
            f"{IMAGE_KEY} records no {FRAMEWORK_KEY} (the framework versions it was built"
            " with); rebuild it or record them with `pins image`"
        )
    try:
        want, names = built_with(root).get(FRAMEWORK), locked_names(root)
    except OSError:
        return None  # no lock or .python-version: MOD007 and `pins image` say so
    built = {_canonical(str(key)): (str(key), value) for key, value in record.items()}
    for name, (key, _) in built.items():
        if name not in names:
            meant = f"{ALIASES[name]}, its" if name in ALIASES else "the"
            return (
                f"{FRAMEWORK_KEY} names {key!r}, which is no distribution the training lock"
                f" pins; write {meant} distribution name (as `pins image` records it)"
            )
    if FRAMEWORK not in built:
        return (
            f"{FRAMEWORK_KEY} records no version of {FRAMEWORK}, the framework the training"
            " lock pins; record it by its distribution name (`pins image` does)"
        )
    version, source = str(built[FRAMEWORK][1]), "lock's"
    if earlier:
        trained = pin.get(TRAINING_KEY)
        if not isinstance(trained, dict) or trained.get(FRAMEWORK) is None:
            return (
                f"the pin serves an earlier model than dvc.lock's and records no {TRAINING_KEY}"
                f" (the {FRAMEWORK} that trained it); promote it from a pin that"
                " `pins update` wrote, or record it"
            )
        want, source = str(trained[FRAMEWORK]), f"{TRAINING_KEY}'s"
    if want is not None and version != want:
        return (
            f"{FRAMEWORK_KEY} {FRAMEWORK} {version} is not the {source} {want}"
            " (rebuild the image: serve-image.yml)"
        )
    return None


def locked_names(root: Path = Path()) -> set[str]:
    """Every distribution the lock pins, by its PEP 503 name."""
    text = (root / LOCK).read_text(encoding="utf-8")
    return {_canonical(found[1]) for found in LOCK_NAME.finditer(text)}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def with_image(pin: dict[str, Any], image: Any, framework: Any = None) -> dict[str, Any]:
    """``pin`` with ``serving_image`` (and, for an image, ``serving_framework``: the versions
    it was built with) placed after ``model``."""
    out: dict[str, Any] = {}
    for key, value in pin.items():
        if key not in (IMAGE_KEY, FRAMEWORK_KEY):
            out[key] = value
        if key == "model":
            out[IMAGE_KEY] = image
    out.setdefault(IMAGE_KEY, image)
    framework = framework if framework is not None else pin.get(FRAMEWORK_KEY)
    if image is None or not framework:
        return out
    items = list(out.items())
    at = list(out).index(IMAGE_KEY) + 1
    return dict([*items[:at], (FRAMEWORK_KEY, framework), *items[at:]])
