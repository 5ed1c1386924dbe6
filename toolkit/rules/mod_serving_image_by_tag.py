"""## What it does
Checks that every image a deployment runs is pinned by digest, as the deployment is
rendered. Each kustomize build of the repository is followed without running kustomize:
a root (an overlay, or a kustomization no other one names) takes the images of its
`resources:` (files, and folders built in turn), applies its `components:`, its patches (a
`$patch: delete` removes an object and its images; a patch's image replaces the one it
targets) and its `images:` entries, and last the kustomize image overrides of an Argo CD
`Application` that syncs its folder. An image that reaches a build by tag is a finding
where it is written: in a base, a component, a patch or the overlay itself. A base image
that every build replaces by digest passes. Images count in every object a build deploys:
each `image:` of a KServe `ServingRuntime`, `ClusterServingRuntime` or `InferenceService`
and of a workload (`Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, `Job`,
`CronJob`, `Pod`), and the images of `containers`, `initContainers` and
`ephemeralContainers` of any other kind. As in kustomize 5, `images:` rewrites only the
images of `containers` and `initContainers`: an `ephemeralContainers` image or a
predictor's `model.image` needs its digest where it is written, or a patch. A KServe
manifest that no build reads is judged as it is written.

The build reads only the repository: a `resources:` path above it or absolute is not
followed, and a kustomization already in the chain being built (a cycle) is not built
again. An image still to be filled in (`${VAR}`, `$(VAR)`, `{{ }}`) is set by a tool mlrig
does not run (Flux post-build substitution, envsubst, a template), so its value is unknown
and it is not a finding.

Each entry of a kustomization's `images:` list, the `serving_image` of each deployment
pin (`deploy/<env>.yaml`) and each kustomize image override of an Argo CD `Application`
(`spec.source.kustomize.images` and every `spec.sources[]`; an `ApplicationSet`'s under
`spec.template.spec`), written `[<name>=]<image>[:<tag>][@<digest>]`, is judged too.

It also reads the images that Helm values give a chart: an Argo CD Helm source's
`helm.parameters` (`name: image.tag`), `helm.values` (a YAML text, judged on its own
lines), `helm.valuesObject` and the values files of this repository that `helm.valueFiles`
names (`$<ref>/<path>`, or a path in a git source's folder), and a kustomization
`helmCharts:` entry's `valuesInline`, `valuesFile` and `additionalValuesFiles`; and an
Argo CD parameter override file (`.argocd-source[-<app>].yaml`, as Argo CD Image Updater
writes back), whose `helm:` and `kustomize.images` count as an Application's. An image
there takes the shapes charts use, at any depth: `image: {registry:, repository:, tag:,
digest:}`, `image:` beside `tag:` (KServe's chart), `repository:` beside `tag:`, or
`image: <reference>`. A tag, or a repository with no digest (a tag it does not name then
picks the image), is a finding at that value; a digest (`digest:`, or `@sha256:` in the
reference) passes. A `tag:` that belongs to no image, and a chart's own version
(`targetRevision`, `version`), are not images.

An image that a kustomization's `images:` entry (or an Argo CD override) sets in a build
is judged at that entry (it needs `digest:`, or `@sha256:` in an override; `newTag` or a
bare `newName` is a finding), not again in the resource; an image whose object a build
deletes (`$patch: delete`, as the generated overlays do until the serving image is built)
does not reach that build.

What it cannot verify is a finding too, at the rule's severity (error), with a message
that says so: a kustomization's remote `resources:` (or `bases:`, `components:`) entry (a
URL, `git@host:...`, `github.com/org/repo//dir?ref=...`) and each `helmCharts:` entry
deploy images that mlrig, offline, never reads, so a tag there would pass unseen.

## Why is this bad
A tag moves: `kserve/sklearnserver:latest` (or `v0.14.0`, rebuilt) is another image
tomorrow, so two pods of one InferenceService, or a rollback, can run different
server code and a different scikit-learn or torch than the one the model was
trained with; a pickle then fails to load, or predicts differently. Only a digest
names the bytes that were tested.

## Example
```yaml
apiVersion: serving.kserve.io/v1alpha1
kind: ServingRuntime
metadata:
  name: sklearn-server
spec:
  containers:
    - name: kserve-container
      image: kserve/sklearnserver:latest
```

## Fix
Name the image by digest (`image: kserve/sklearnserver@sha256:<64 hex>`), or set it
in the overlay with kustomize:
```yaml
images:
  - name: kserve/sklearnserver
    digest: sha256:<64 hex>
```
In an Argo CD Application: `images: [name=ghcr.io/acme/server@sha256:<64 hex>]`.
In Helm values, give the chart the digest, as its values name it:
```yaml
helm:
  valuesObject:
    image:
      repository: ghcr.io/acme/churn-serve
      digest: sha256:<64 hex>
```
For a remote resource or a Helm chart, commit its manifests (`kustomize build` of the
remote, or `helm template` of the chart) with images by digest; or, once its images are
reviewed and pinned upstream, suppress the line with a reason
(`# mlrig: ignore[MOD006] <reason>`).
In a generated repository, `serve-image.yml` builds the serving image and writes
its digest with `python -m <package>.pins image <env> <image>@sha256:<digest>`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._kube_sources import Remote
from toolkit.check.views.kube import DIGEST, SERVING_KINDS, Image, KustomizeImage, Manifests
from toolkit.check.views.kube_render import build_all
from toolkit.rules._helm_images import helm_findings
from toolkit.rules._mod import models

CODE = "MOD006"
NAME = "serving-image-by-tag"
FAMILY = "models"
SUMMARY = (
    "A KServe, workload, kustomize, Argo CD, Helm values or pin image uses a tag, or a remote"
    " source hides it"
)
VIEWS: tuple[str, ...] = ("kube", "pins")
ARGO = "Argo CD"


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Every image a kustomize build deploys, and every KServe manifest outside one, is
    named by digest, directly or through a kustomization's ``images:``."""
    del options
    manifests: list[Manifests] = project.views("kube")
    for entry in (entry for view in manifests for entry in view.kustomize_images):
        yield from _argo_entry(entry) if entry.origin == ARGO else _entry(entry)
    for view in manifests:
        for remote in view.remotes:
            yield _remote(remote)
    yield from _unique(_deployed(manifests))
    yield from helm_findings(project, manifests, CODE)
    yield from _pins(project)


def _deployed(manifests: list[Manifests]) -> Iterator[Image]:
    """The images that reach a build by tag, where they are written; then the KServe
    images of manifests no build reads (applied as they are)."""
    builds = build_all(manifests)
    for item in builds.rendered:
        if not item.judged and _by_tag(item.reference):
            yield item.image
    for view in manifests:
        if view.path not in builds.reached:
            for image in view.images:
                if image.kind in SERVING_KINDS and _by_tag(image.reference):
                    yield image


def _unique(images: Iterator[Image]) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for image in images:
        if (image.path, image.line, image.column) not in seen:
            seen.add((image.path, image.line, image.column))
            yield _image(image)


def _by_tag(reference: str) -> bool:
    """Whether ``reference`` names its image by tag (or by nothing, which means latest).
    A reference still to be filled in (``${VAR}``, ``$(VAR)``, ``{{ }}``) by a tool mlrig
    does not run (Flux's post-build substitution, envsubst, a template) is unknown here,
    so it is not a finding."""
    if "$" in reference or "{{" in reference or not reference.strip():
        return False
    head, at, digest = reference.rpartition("@")
    return not (head and at and _valid(digest))


def _valid(digest: str | None) -> bool:
    return digest is not None and DIGEST.match(digest) is not None


def _entry(entry: KustomizeImage) -> Iterator[Finding]:
    if entry.digest is not None and not _valid(entry.digest):
        message = f"kustomize image {entry.name} has digest {entry.digest!r}, not sha256:<64 hex>"
        yield Finding(entry.path, entry.line, entry.column, CODE, message)
    elif entry.digest is None and entry.new_tag is not None:
        target = entry.new_name or entry.name
        message = (
            f"kustomize image {entry.name} is set to {target}:{entry.new_tag} by tag;"
            " set `digest: sha256:...` instead of `newTag`"
        )
        yield Finding(entry.path, *entry.tag_mark, CODE, message)
    elif entry.digest is None and entry.new_name is not None:
        message = (
            f"kustomize image {entry.name} is renamed to {entry.new_name} with no digest;"
            " add `digest: sha256:...`"
        )
        yield Finding(entry.path, entry.line, entry.column, CODE, message)


def _argo_entry(entry: KustomizeImage) -> Iterator[Finding]:
    """An Argo CD override ``[<name>=]<image>[:<tag>][@<digest>]`` sets its image by digest."""
    where = (entry.path, entry.line, entry.column, CODE)
    prefix = f"{entry.name}=" if entry.new_name else ""
    target = entry.new_name or entry.name
    if entry.digest is not None and not _valid(entry.digest):
        message = (
            f"Argo CD kustomize image {entry.written!r} has digest {entry.digest!r},"
            " not sha256:<64 hex>"
        )
        yield Finding(*where, message)
    elif entry.digest is None and (entry.new_tag is not None or entry.new_name is not None):
        how = f"by tag {entry.new_tag}" if entry.new_tag is not None else "with no digest"
        sets = f"{entry.name} to {target}" if entry.new_name else entry.name
        message = (
            f"Argo CD kustomize image {entry.written!r} sets {sets} {how};"
            f" write {prefix}{target}@sha256:<64 hex>"
        )
        yield Finding(*where, message)


def _remote(remote: Remote) -> Finding:
    if remote.what == "Helm chart":
        what = f"inflates Helm chart {remote.reference}, whose rendered images"
        fix = "commit the rendered manifests (`helm template`) with images by digest"
    else:
        what = f"pulls remote resource {remote.reference}, whose images"
        fix = "vendor its manifests into the repository and pin their images by digest"
    message = (
        f"kustomization {what} cannot be verified offline: {fix}, or suppress this line"
        " with a reason once its images are reviewed"
    )
    return Finding(remote.path, remote.line, remote.column, CODE, message)


def _image(image: Image) -> Finding:
    if image.kind == "patch":
        message = (
            f"a patch of {image.name} sets image {image.reference} by tag; set it by digest"
            " (<image>@sha256:...) or with kustomize `images:` and a digest"
        )
        return Finding(image.path, image.line, image.column, CODE, message)
    message = (
        f"{image.kind} {image.name} runs {image.reference} by tag; name it by digest"
        " (<image>@sha256:...) or set it by digest with kustomize `images:`"
    )
    return Finding(image.path, image.line, image.column, CODE, message)


def _pins(project: Project) -> Iterator[Finding]:
    for pin in models(project).pins:
        value = pin.doc.get("serving_image")
        if value is None:
            continue
        reference = str(value)
        if "@" in reference and _valid(reference.rpartition("@")[2]):
            continue
        message = (
            f"serving_image {reference} is not pinned by digest; write <image>@sha256:<64 hex>"
            " (`pins image` does)"
        )
        yield Finding(pin.path, *pin.doc.mark("serving_image"), CODE, message)
