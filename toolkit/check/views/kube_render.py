"""What each kustomize build of this repository deploys, as far as images go.

Nothing runs: the builds are followed in the kube views (:mod:`toolkit.check.views.kube`)
as kustomize 5 would make them. A *root* is a kustomization (or a Component) that no other
kustomization of the repository names: an overlay, or a base that is applied by itself. Its
build takes the images of its ``resources:`` (files, and folders built in turn), applies
each of its ``components:`` to what it has so far, then its patches (``$patch: delete``
removes an object with its images; a patch's image replaces the one in the slot it names,
see :mod:`toolkit.check.views._kube_slots`), then its ``images:`` entries; an Argo CD
kustomize image override of the root's folder comes last.

A reference outside the repository (``../../..`` above the root, an absolute path) or a
file that is no kube view is not followed: nothing outside the checked tree is read, and
the views are all that is read. A kustomization already in the chain being built (a
cycle), or one more than :data:`MAX_DEPTH` deep, is not built again.

An image that an ``images:`` entry (or an Argo CD override) rewrites is *judged* there:
the rule judges the entry, not the image again.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import TYPE_CHECKING

from toolkit.check.views.kube import Image, KustomizeImage, Manifests, repository_of

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

MAX_DEPTH = 40
KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml")


@dataclass(frozen=True)
class Rendered:
    """An image as one build deploys it: where it is written, the reference after the
    build's transformers, and whether an ``images:`` entry or override set it."""

    image: Image
    reference: str
    judged: bool
    target: tuple[str, str]  # the (kind, name) of the object that runs it


@dataclass(frozen=True)
class Builds:
    """Every image each root deploys, and the files some build reads."""

    rendered: tuple[Rendered, ...]
    reached: frozenset[str]


def build_all(manifests: Iterable[Manifests]) -> Builds:
    """The images every root of the repository's kustomize trees deploys."""
    return _Trees({view.path: view for view in manifests}).run()


def folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def resolve(base: str, entry: str) -> str | None:
    """``entry`` relative to the folder ``base``, or None when it leaves the repository."""
    if not entry or entry.startswith("/") or "\\" in entry:
        return None
    joined = posixpath.normpath(posixpath.join(base, entry)) if base else posixpath.normpath(entry)
    if joined == ".":
        return ""
    return None if joined == ".." or joined.startswith("../") else joined


class _State:
    """What a build holds so far: its images, and the objects it has deleted."""

    def __init__(self) -> None:
        self.items: list[Rendered] = []
        self.gone: set[tuple[str, str]] = set()


class _Trees:
    def __init__(self, views: dict[str, Manifests]) -> None:
        self.views = views
        self.reached: set[str] = set()
        self.kustomizations = [p for p in views if p.rsplit("/", 1)[-1] in KUSTOMIZATIONS]

    def run(self) -> Builds:
        named = {k for path in self.kustomizations for k in self._named(path)}
        argo = [
            entry
            for view in self.views.values()
            for entry in view.kustomize_images
            if entry.origin != "kustomization"
        ]
        rendered: list[Rendered] = []
        for path in sorted(set(self.kustomizations) - named):
            state = self._build(path, _State(), (path,))
            _transform(state, [entry for entry in argo if entry.scope == folder(path)])
            rendered += state.items
        return Builds(tuple(rendered), frozenset(self.reached))

    def _named(self, path: str) -> Iterable[str]:
        refs = self.views[path].refs
        for entry in (*refs.resources, *refs.components):
            target = resolve(folder(path), entry)
            found = self._kustomization(target) if target is not None else None
            if found is not None:
                yield found

    def _kustomization(self, target: str) -> str | None:
        for name in KUSTOMIZATIONS:
            candidate = f"{target}/{name}" if target else name
            if candidate in self.views:
                return candidate
        return None

    def _build(self, path: str, state: _State, chain: tuple[str, ...]) -> _State:
        self.reached.add(path)
        view, base = self.views[path], folder(path)
        for entry in view.refs.resources:
            self._resource(resolve(base, entry), state, chain)
        for entry in view.refs.components:
            target = resolve(base, entry)
            found = self._kustomization(target) if target is not None else None
            if found is not None and found not in chain and len(chain) < MAX_DEPTH:
                state = self._build(found, state, (*chain, found))
        self._patch(view, state)
        _transform(state, [e for e in view.kustomize_images if e.origin == "kustomization"])
        return state

    def _resource(self, target: str | None, state: _State, chain: tuple[str, ...]) -> None:
        if target is None:
            return
        found = self._kustomization(target)
        if found is not None:
            if found not in chain and len(chain) < MAX_DEPTH:
                child = self._build(found, _State(), (*chain, found))
                state.items += child.items
            return
        view = self.views.get(target)
        if view is not None:
            self.reached.add(target)
            for image in view.images:
                if image.kind != "patch":
                    state.items.append(Rendered(image, image.reference, False, _object(image)))

    def _patch(self, view: Manifests, state: _State) -> None:
        patches = [(image, _object(image)) for image in view.images if image.kind == "patch"]
        deletes = list(view.deletes)
        for entry, label in view.refs.patch_files:
            where = resolve(folder(view.path), entry)
            found = self.views.get(where) if where is not None else None
            if found is not None:
                self.reached.add(found.path)
                deletes += found.deletes
                patches += [_as_patch(image, label) for image in found.images]
        for gone in deletes:
            state.gone.add(gone)
            state.items = [item for item in state.items if not _is(item.target, gone)]
        for patch, target in patches:
            _apply(state, patch, target)


def _object(image: Image) -> tuple[str, str]:
    """The (kind, name) an image's object has, or a patch names (empty: untargeted)."""
    if image.kind != "patch":
        return (image.kind, image.name)
    return _label(image.name) if image.name != "inline" else ("", "")


def _label(label: str) -> tuple[str, str]:
    kind, _, name = label.partition(" ")
    return (kind, name) if name else ("", kind)


def _is(have: tuple[str, str], want: tuple[str, str]) -> bool:
    """Whether the object ``have`` is what ``want`` names (an empty part matches any)."""
    return all(not w or h == w for h, w in zip(have, want, strict=True)) and any(want)


def _as_patch(image: Image, label: str) -> tuple[Image, tuple[str, str]]:
    """An image of a patch file as a patch, and its target: the entry's ``label``, or the
    object a strategic-merge patch names (a JSON 6902 file without one is untargeted)."""
    if label:
        name, target = label, _label(label)
    elif image.kind != "patch":
        name, target = f"{image.kind} {image.name}", (image.kind, image.name)
    else:
        name, target = image.name, ("", "")
    patch = Image(
        image.path,
        image.line,
        image.column,
        image.reference,
        "patch",
        name,
        image.slot,
        image.index,
        image.transformable,
    )
    return patch, target


def _apply(state: _State, patch: Image, target: tuple[str, str]) -> None:
    """A patch's image: a no-op on a deleted object, else it replaces its slot's image."""
    if any(target) and any(_is(gone, target) for gone in state.gone):
        return
    if any(target):
        state.items = [item for item in state.items if not _replaced(item, target, patch)]
    state.items.append(Rendered(patch, patch.reference, False, target))


def _replaced(item: Rendered, target: tuple[str, str], patch: Image) -> bool:
    if not _is(item.target, target):
        return False
    image = item.image
    return bool(patch.slot and patch.slot == image.slot) or bool(
        patch.index and patch.index == image.index
    )


def _transform(state: _State, entries: list[KustomizeImage]) -> None:
    """Kustomize's ``images:`` (or Argo CD's overrides), in order, on the transformable
    images whose name (the reference without tag and digest) an entry names."""
    for entry in entries:
        if not entry.sets:
            continue
        state.items = [_rewrite(item, entry) for item in state.items]


def _rewrite(item: Rendered, entry: KustomizeImage) -> Rendered:
    image = item.image
    if not image.transformable or repository_of(item.reference) != entry.name:
        return item
    name = entry.new_name or entry.name
    if entry.digest is not None:
        reference = f"{name}@{entry.digest}"
    elif entry.new_tag is not None:
        reference = f"{name}:{entry.new_tag}"
    else:
        reference = name + item.reference[len(repository_of(item.reference)) :]
    return Rendered(image, reference, True, item.target)
