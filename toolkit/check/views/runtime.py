"""Where code runs outside GitHub Actions and Dockerfiles: dev containers and GitLab CI.

A dev container (``.devcontainer.json``, ``.devcontainer/devcontainer.json``,
``.devcontainer/<name>/devcontainer.json``; JSON with comments and trailing
commas) names its ``image`` and may add Python through the ``python`` feature
(``version``) and CUDA through the ``nvidia-cuda`` one (``cudaVersion``). A
GitLab CI file (``.gitlab-ci.yml``, ``<name>.gitlab-ci.yml``, files under
``.gitlab/ci/``) names an ``image`` at the top, under ``default:`` and per job
(a string, or a mapping with ``name``), with top-level ``variables``
substituted. The view keeps each image and each declared version with its
place, as the consistency rules read them for Dockerfile bases.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import ParseError
from toolkit.check.views import basename

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

_DEVCONTAINER = re.compile(
    r"(?:^|/)(?:\.devcontainer\.json|\.devcontainer/(?:[^/]+/)?devcontainer\.json)\Z"
)
_GITLAB_INCLUDE = re.compile(r"(?:^|/)\.gitlab/ci/(?:[^/]+/)*[^/]+\.ya?ml\Z")
_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
# A string (kept), a comment, or a comma with only blanks and comments before ``}``/``]``.
_JSONC = re.compile(
    r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|//[^\n]*|/\*.*?(?:\*/|\Z)|,(?=(?:\s|//[^\n]*|/\*.*?\*/)*[}\]])',
    re.DOTALL,
)
_FEATURE = re.compile(r"(?:^|/)features/(python|nvidia-cuda)(?::[\w.-]+)?\Z")
_FEATURE_VERSION = {"python": "version", "nvidia-cuda": "cudaVersion"}
_VERSION = re.compile(r"\d+(?:\.\d+)+")


class Placed(NamedTuple):
    """A value written at ``line``:``col``; ``what`` says which kind of place it is."""

    line: int
    col: int
    value: str
    what: str


class Runtime(NamedTuple):
    """One dev container or GitLab CI file: its images, and the Python and CUDA
    versions it declares apart from them (dev container features)."""

    path: str
    images: list[Placed]
    pythons: list[Placed]
    cudas: list[Placed]


def match(path: str) -> bool:
    """A dev container definition or a GitLab CI file."""
    return _DEVCONTAINER.search(path) is not None or _is_gitlab(path)


def _is_gitlab(path: str) -> bool:
    """``.gitlab-ci.yml``, ``<name>.gitlab-ci.yml``, or a file under ``.gitlab/ci/``."""
    return basename(path).endswith(".gitlab-ci.yml") or _GITLAB_INCLUDE.search(path) is not None


def parse(path: str, text: str) -> Runtime:
    if _is_gitlab(path):
        return Runtime(path, _gitlab_images(path, text), [], [])
    return _devcontainer(path, text)


def _devcontainer(path: str, text: str) -> Runtime:
    clean = strip_jsonc(text)
    try:
        data = json.loads(clean)
    except ValueError as err:
        message = f"invalid JSON: {str(err).split(':')[0]}"
        raise ParseError(message, getattr(err, "lineno", 1)) from None
    if not isinstance(data, dict):
        raise ParseError("a dev container definition is a JSON object")
    images = []
    image = data.get("image")
    if isinstance(image, str):
        images.append(Placed(*_place(clean, "image", image), image, "devcontainer image"))
    features = data.get("features")
    found: dict[str, list[Placed]] = {"python": [], "nvidia-cuda": []}
    for feature, options in features.items() if isinstance(features, dict) else ():
        kind = _FEATURE.search(feature)
        key = _FEATURE_VERSION.get(kind.group(1), "") if kind else ""
        version = options.get(key) if isinstance(options, dict) and key else None
        if kind and isinstance(version, str) and _VERSION.fullmatch(version):
            line, col = _place(clean, key, version, after=feature)
            what = f"devcontainer {kind.group(1)} feature"
            found[kind.group(1)].append(Placed(line, col, _minor(version, kind.group(1)), what))
    return Runtime(path, images, found["python"], found["nvidia-cuda"])


def _minor(version: str, feature: str) -> str:
    """CUDA is compared as ``X.Y``; a Python version is kept as written."""
    return ".".join(version.split(".")[:2]) if feature == "nvidia-cuda" else version


def strip_jsonc(text: str) -> str:
    """JSON with comments as plain JSON: comments and trailing commas become spaces,
    so every other character keeps its line and column."""
    return _JSONC.sub(_blank, text)


def _blank(found: re.Match[str]) -> str:
    token = found.group(0)
    if token.startswith('"'):
        return token
    return "".join("\n" if char == "\n" else " " for char in token)


def _place(text: str, key: str, value: str, after: str = "") -> tuple[int, int]:
    """Line and column of ``"key": "value"`` (after the text ``after``, when given)."""
    start = max(text.find(json.dumps(after)), 0) if after else 0
    pattern = re.compile(rf'"{re.escape(key)}"\s*:\s*("{re.escape(value)}")')
    found = pattern.search(text, start)
    offset = found.start(1) + 1 if found else start
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _gitlab_images(path: str, text: str) -> list[Placed]:
    from toolkit.check.yamlsource import YMap, load

    root = load(path, text).root
    if not isinstance(root, YMap):
        return []
    variables = _variables(root.get("variables"))
    found = []
    for key, node in root.items():
        if not isinstance(node, YMap) and key != "image":
            continue
        image = node if key == "image" else node.get("image")
        if isinstance(image, YMap):
            image = image.get("name")
        if not isinstance(image, str):
            continue
        value = _VARIABLE.sub(lambda m: variables.get(m[1] or m[2], m[0]), str(image))
        if "$" not in value:
            line, col = getattr(image, "line", 1), getattr(image, "col", 1)
            found.append(Placed(line, col, value, "gitlab-ci image"))
    return found


def _variables(node: Any) -> dict[str, str]:
    """Top-level ``variables:`` with plain values (``PY: "3.11"``, or ``{value: ...}``)."""
    found = {}
    for name, given in node.items() if isinstance(node, dict) else ():
        value = given.get("value") if isinstance(given, dict) else given
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            found[str(name)] = str(getattr(value, "raw", value))
    return found
