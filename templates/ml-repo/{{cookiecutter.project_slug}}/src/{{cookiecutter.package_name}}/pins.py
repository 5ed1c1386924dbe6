"""Model pins: ``deploy/<env>.yaml`` names the model that ``dvc.lock`` records, by content hash.

Usage (from the repository root), with ``pins`` standing for
``python -m {{ cookiecutter.package_name }}.pins``::

    pins update staging [--commit SHA]  # pin what dvc.lock records now (trained at SHA,
                                        # an ancestor of HEAD; default HEAD)
    pins check [--skip-training]        # exit 1 if a pin or an overlay is stale (with
                                        # --skip-training: all but what `pins update` writes)
    pins promote staging production     # copy the staging pin to production,
                                        # if it meets params.yaml's gate.production
    pins get staging model.storage_uri  # one field, for scripts
    pins metrics-diff staging           # Markdown for a pull request
    pins storage-uri <md5>              # where the default remote keeps <md5>
    pins image staging <image>@sha256:<64 hex> --freeze FILE  # the image and its pip freeze
                                        # and record the framework it was built with
    pins identity [--from FILE] [--capture-from FILE]
                                        # the ServiceAccounts' workload identities (model
                                        # reader, capture writer), from `terraform output`
                                        # (or JSON files; - is stdin, for one of them)
    pins identity --no-annotation       # none needed (EKS Pod Identity)
    pins rollout production [PERCENT]   # end a canary: the new model takes 100% (or PERCENT)
    pins sync                           # rewrite every overlay from its pin

README.md ("Serve") shows the path; the format is documented at
https://mlrig.github.io/mlrig/deploy-pins/. Writing is deterministic:
the same dvc.lock, commit and metrics give the same bytes, and the header comment stays.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from {{ cookiecutter.package_name }} import identity, rollout, serving
from {{ cookiecutter.package_name }}.params import METRICS_FILE, MODEL_FILE, PARAMS_FILE

LOCK_FILE = Path("dvc.lock")
DVC_CONFIG = Path(".dvc/config")
DEPLOY_DIR = Path("deploy")
PLACEHOLDER_URI = "pending://no-model-pinned"
# KServe's storage initializer saves the pinned object as /mnt/models/<last path segment>
# (the md5 minus its first two hex digits, no extension); MLServer loads the file that
# the env var MLSERVER_MODEL_URI names. The overlay patch sets both.
MODEL_DIR = "/mnt/models"
MODEL_FILE_ENV = "MLSERVER_MODEL_URI"
PLACEHOLDER_MODEL_FILE = f"{MODEL_DIR}/no-model-pinned"
# The pinned model's md5, which the server labels its metrics with (serve/server.py).
MODEL_VERSION_ENV = "MODEL_VERSION"
PLACEHOLDER_VERSION = "no-model-pinned"


def _env_value(name: str) -> re.Pattern[str]:
    """The ``value:`` line of the env entry ``name`` of an overlay patch."""
    return re.compile(
        rf"(?m)^(?P<head>[ \t]*-[ \t]*name:[ \t]*['\"]?{name}['\"]?[ \t]*\n"
        r"[ \t]*value:[ \t]*)(?P<value>\S.*)$"
    )


MODEL_FILE_VALUE = _env_value(MODEL_FILE_ENV)
MODEL_VERSION_VALUE = _env_value(MODEL_VERSION_ENV)
HEADER = "# Model pin for {env}. Promotion is a pull request that changes this file.\n"
MD5 = re.compile(r"[0-9a-f]{32}(?:\.dir)?\Z")
COMMIT = re.compile(r"[0-9a-f]{40}\Z")
SECTION = re.compile(r"""\[\s*'?\s*(?P<name>[^\]']+?)\s*'?\s*\]\s*\Z""")


def pin_path(env: str, root: Path = Path()) -> Path:
    return root / DEPLOY_DIR / f"{env}.yaml"


def overlay_patch_path(env: str, root: Path = Path()) -> Path:
    return root / DEPLOY_DIR / "overlays" / env / "inference-service-patch.yaml"


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def remote_url(config: Path = DVC_CONFIG) -> str:
    """The URL of the default remote in ``.dvc/config`` (an INI file)."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for raw in config.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        header = SECTION.match(line)
        if header:
            current = sections.setdefault(header["name"].replace('"', "").strip(), {})
        elif "=" in line:
            key, value = line.split("=", 1)
            current[key.strip()] = value.strip()
    name = sections.get("core", {}).get("remote")
    remote = sections.get(f"remote {name}", {}) if name else {}
    url = remote.get("url")
    if not url:
        raise ValueError(f"{config}: no default remote with a url")
    if url.startswith("azure://") and remote.get("account_name"):
        # KServe reads Azure Blob by its https address, not DVC's azure:// form.
        container = url[len("azure://") :]
        return f"https://{remote['account_name']}.blob.core.windows.net/{container}".rstrip("/")
    if "://" not in url and not url.startswith(("/", "~")):
        # A local remote's path is relative to .dvc/; give it relative to the repository root.
        url = posixpath.normpath(posixpath.join(".dvc", url))
    return url


def storage_uri(md5: str, remote: str) -> str:
    """The content-addressed path of ``md5`` in a DVC 3 remote."""
    if not MD5.match(md5):
        raise ValueError(f"{md5!r} is not an md5 hash")
    return f"{remote.rstrip('/')}/files/md5/{md5[:2]}/{md5[2:]}"


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings as one mapping with dotted keys."""
    if not isinstance(value, dict):
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, item in value.items():
        flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def stage_params(stage: dict[str, Any]) -> dict[str, Any]:
    """A stage's parameters as dvc.lock records them, keyed ``section.name``."""
    flat: dict[str, Any] = {}
    for file, values in sorted((stage.get("params") or {}).items()):
        prefix = "" if file == "params.yaml" else f"{file}:"
        flat.update({f"{prefix}{key}": item for key, item in flatten(values).items()})
    return dict(sorted(flat.items()))


def is_data(path: str) -> bool:
    """Data deps are everything but code: not a Python file and not under src/."""
    return not (path.endswith(".py") or path.startswith("src/"))


def producer(stages: dict[str, Any], path: str) -> tuple[str, dict[str, Any]] | None:
    for name, stage in stages.items():
        if any(out.get("path") == path for out in stage.get("outs") or []):
            return name, stage
    return None


def data_lineage(stages: dict[str, Any], name: str) -> dict[str, str]:
    """The data deps of stage ``name`` and of every stage upstream of it."""
    data: dict[str, str] = {}
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for dep in stages[current].get("deps") or []:
            if is_data(str(dep.get("path"))):
                data[str(dep["path"])] = str(dep.get("md5"))
                upstream = producer(stages, str(dep["path"]))
                if upstream:
                    todo.append(upstream[0])
    return dict(sorted(data.items()))


def numbers(path: Path) -> dict[str, float | int]:
    if not path.exists():
        return {}
    flat = flatten(json.loads(path.read_text(encoding="utf-8")))
    return {k: v for k, v in sorted(flat.items()) if isinstance(v, (int, float))}


def head_commit(root: Path = Path()) -> str:
    result = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def build_pin(
    env: str, root: Path = Path(), model: str = MODEL_FILE.as_posix(), commit: str | None = None
) -> dict[str, Any]:
    """The pin for ``env`` from dvc.lock, ``commit`` (git HEAD by default) and metrics.json
    (model null before training), with the framework version that trained the model
    (``training_framework``: the lock's, if dvc.lock recorded this lock for the stage that
    wrote the model)."""
    lock_file = root / LOCK_FILE
    stages = (read_yaml(lock_file) or {}).get("stages", {}) if lock_file.exists() else {}
    found = producer(stages, model)
    if found is None:
        return {"environment": env, "model": None}
    name, stage = found
    md5 = next(str(out["md5"]) for out in stage["outs"] if out.get("path") == model)
    pin: dict[str, Any] = {
        "environment": env,
        "model": {
            "path": model,
            "md5": md5,
            "storage_uri": storage_uri(md5, remote_url(root / DVC_CONFIG)),
        },
    }
    trained = serving.trained_with(stage, root)
    if trained:
        pin[serving.TRAINING_KEY] = trained
    return {
        **pin,
        "source": {
            "commit": commit or head_commit(root),
            "stage": name,
            "data": data_lineage(stages, name),
            "params": stage_params(stage),
        },
        "metrics": numbers(root / METRICS_FILE),
    }


def keep_commit(new: dict[str, Any], old: dict[str, Any], root: Path = Path()) -> dict[str, Any]:
    """``new`` with ``old``'s source commit when the model did not move.

    The commit names the code that trained the model: a rerun that reproduces the same
    model bytes does not move it, so an unchanged model leaves the pin unchanged. A
    commit this branch's history lacks (a squash or rebase merge rewrote the CT pull
    request's commits) moves to HEAD, so that the pin never cites a commit main lacks.
    """
    new_model, old_model = new.get("model"), old.get("model")
    if not (isinstance(new_model, dict) and isinstance(old_model, dict)):
        return new
    old_commit = (old.get("source") or {}).get("commit")
    same = new_model.get("md5") == old_model.get("md5")
    if same and old_commit and in_history(str(old_commit), root):
        return dict(new, source=dict(new["source"], commit=old_commit))
    return new


def in_history(commit: str, root: Path = Path()) -> bool:
    """Whether ``commit`` is HEAD or one of its ancestors (a shallow clone cannot
    tell a missing commit from one it did not fetch: it says yes)."""
    done = subprocess.run(
        ["git", "merge-base", "--is-ancestor", commit, "HEAD"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if done.returncode in (0, 1):
        return done.returncode == 0
    shallow = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return shallow.stdout.strip() == "true"


def update(env: str, root: Path = Path(), commit: str | None = None) -> list[Path]:
    """Pin what dvc.lock records now in ``deploy/<env>.yaml``, trained at ``commit`` (HEAD by
    default: publish.yml names the trained commit when it re-applies CT's result on a tip
    that the serving image's pin moved); the files that changed."""
    if commit is not None and not (COMMIT.match(commit) and in_history(commit, root)):
        raise ValueError(f"--commit {commit!r} is no commit of HEAD's history (40 hex digits)")
    path = pin_path(env, root)
    old = (read_yaml(path) or {}) if path.exists() else {}
    # The serving image and the framework it was built with stay until serve-image.yml
    # rebuilds them: a retrained model is served by the same image.
    image, framework = old.get(serving.IMAGE_KEY), old.get(serving.FRAMEWORK_KEY)
    new = keep_commit(build_pin(env, root, commit=commit), old, root)
    pin = serving.with_image(new, image, framework)
    return write_pin(env, pin, root)


def promote(source: str, target: str, root: Path = Path()) -> tuple[list[Path], list[str]]:
    """Copy the ``source`` pin to ``target`` if its metrics meet ``gate.<target>``.

    Returns the changed files and, when the gate refuses the model, why (nothing written).
    """
    from {{ cookiecutter.package_name }} import gate

    pin = dict(read_yaml(pin_path(source, root)) or {}, environment=target)
    if not pin.get("model"):
        return [], [f"deploy/{source}.yaml pins no model"]
    refused = gate.failures(pin.get("metrics") or {}, gate.load(root / PARAMS_FILE), target)
    if refused:
        return [], refused
    pin = serving.with_image(pin, pin.get(serving.IMAGE_KEY), pin.get(serving.FRAMEWORK_KEY))
    pin = rollout.start(pin, current(target, root))
    return write_pin(target, pin, root), []


def render(pin: dict[str, Any], header: str) -> str:
    body = yaml.safe_dump(pin, sort_keys=False, default_flow_style=False, width=1000)
    return header + body


def header_of(path: Path, env: str) -> str:
    """The comment lines at the top of an existing pin, or the standard header."""
    if not path.exists():
        return HEADER.format(env=env)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = "".join(line for line in _leading_comments(lines))
    return kept or HEADER.format(env=env)


def _leading_comments(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if not line.startswith("#"):
            break
        out.append(line if line.endswith("\n") else line + "\n")
    return out


def overlay_text(
    text: str, uri: str, model_file: str | None = None, version: str | None = None
) -> str:
    """The overlay patch with storageUri ``uri``, MLSERVER_MODEL_URI ``model_file`` and
    MODEL_VERSION ``version``.

    Every other byte stays; a patch without an MLSERVER_MODEL_URI (or MODEL_VERSION) entry
    keeps none.
    """
    text = re.sub(r"(?m)^([ \t]*storageUri:[ \t]*)\S.*$", lambda m: m[1] + uri, text)
    if model_file is not None:
        text = MODEL_FILE_VALUE.sub(lambda m: m["head"] + model_file, text)
    return text if version is None else version_text(text, version)


def version_text(text: str, version: str) -> str:
    """The overlay patch with MODEL_VERSION ``version``, quoted: an md5 of digits and one
    ``e`` would otherwise be a YAML number, which no env value may be."""
    return MODEL_VERSION_VALUE.sub(lambda m: m["head"] + f'"{version}"', text)


def expected_version(pin: dict[str, Any]) -> str:
    """The MODEL_VERSION a pin implies: its model's md5 (a placeholder before the first)."""
    model = pin.get("model")
    md5 = model.get("md5") if isinstance(model, dict) else None
    return str(md5) if md5 else PLACEHOLDER_VERSION


def expected_uri(pin: dict[str, Any]) -> str:
    """The storageUri a pin implies: its model's, as KServe reads it (serving.kserve_uri)."""
    model = pin.get("model")
    return serving.kserve_uri(str(model["storage_uri"])) if model else PLACEHOLDER_URI


def model_file(md5: str) -> str:
    """The file KServe's storage initializer makes of the DVC object ``md5``."""
    if not MD5.match(md5) or md5.endswith(".dir"):
        raise ValueError(f"{md5!r} is not the md5 of a file")
    return f"{MODEL_DIR}/{md5[2:]}"


def expected_model_file(pin: dict[str, Any]) -> str | None:
    """The model file a pin implies (None when its md5 is not a file's md5: fix the pin first)."""
    model = pin.get("model")
    if not model:
        return PLACEHOLDER_MODEL_FILE
    md5 = model.get("md5") if isinstance(model, dict) else None
    return model_file(md5) if isinstance(md5, str) and MD5.match(md5) and "." not in md5 else None


def write_pin(env: str, pin: dict[str, Any], root: Path = Path()) -> list[Path]:
    """Write ``deploy/<env>.yaml`` and its overlay patch (if the repo has one); the changed files."""
    changed = []
    path = pin_path(env, root)
    text = render(pin, header_of(path, env))
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        changed.append(path)
    patch = overlay_patch_path(env, root)
    if patch.exists():
        old = patch.read_text(encoding="utf-8")
        new = rollout.patch_text(
            overlay_text(old, expected_uri(pin), expected_model_file(pin), expected_version(pin)),
            pin,
        )
        if new != old:
            patch.write_text(new, encoding="utf-8")
            changed.append(patch)
    component = serving.write_component(env, pin, root)
    return [*changed, component] if component else changed


def problems(root: Path = Path(), training: bool = True) -> list[str]:
    """Why the staging pin or an overlay disagrees with dvc.lock and the pins (empty: all good).

    Without ``training``, what `pins update` writes (the model, the framework that trained
    it, its source) is not compared with dvc.lock: serve-image.yml hands its pin over before
    CT has retrained a pull request that changes the lock (CI says "CT will retrain"); the
    image, its framework against the lock, and every overlay are still checked."""
    found = []
    want = build_pin("staging", root)
    have = read_yaml(pin_path("staging", root)) or {}
    for key in ("model", serving.TRAINING_KEY, "source") if training else ():
        mine, theirs = _comparable(have.get(key), key), _comparable(want.get(key), key)
        if mine != theirs:
            found.append(
                f"deploy/staging.yaml: {key} differs from dvc.lock (run `pins update staging`)"
            )
    for env_pin in sorted((root / DEPLOY_DIR).glob("*.yaml")):
        patch = overlay_patch_path(env_pin.stem, root)
        pin = read_yaml(env_pin) or {}
        if patch.exists():
            found += _overlay_problems(patch, pin, root)
        found += serving.component_problems(env_pin.stem, pin, root)
        # A pin of another model than dvc.lock's (production before a promotion) is served
        # with the framework that trained it, not with the lock's.
        moved = expected_version(pin) not in (expected_version(want), PLACEHOLDER_VERSION)
        earlier = bool(want.get("model")) and moved
        framework = serving.framework_problem(pin, root, earlier)  # KServe or managed: MOD007's
        found += [f"deploy/{env_pin.stem}.yaml: {framework}"] if framework else []
    return found


def _overlay_problems(patch: Path, pin: dict[str, Any], root: Path) -> list[str]:
    """Why an overlay patch's storageUri or model file is not what its pin implies."""
    name = patch.relative_to(root).as_posix()
    uri, file = expected_uri(pin), expected_model_file(pin)
    text = patch.read_text(encoding="utf-8")
    found = []
    if overlay_text(text, uri) != text:
        found.append(f"{name}: storageUri is not {uri}")
    if rollout.patch_text(text, pin) != text:
        found.append(f"{name}: canaryTrafficPercent is not {rollout.percent(pin)}")
    model = flatten(read_yaml(patch) or {}).get("spec.predictor.model.env") or []
    values = [
        entry.get("value")
        for entry in model
        if isinstance(entry, dict) and entry.get("name") == MODEL_FILE_ENV
    ]
    if file is not None and values != [file]:
        found.append(f"{name}: {MODEL_FILE_ENV} is not {file}")
    version = expected_version(pin)
    if version_text(text, version) != text:
        found.append(f"{name}: {MODEL_VERSION_ENV} is not {version}")
    return found


def _comparable(value: Any, key: str) -> Any:
    """The part of a pin section that dvc.lock determines (not the commit, which HEAD moves)."""
    if key == "source" and isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "commit"}
    return value


def metrics_diff(env: str, root: Path = Path()) -> str:
    """Markdown: the pinned model's metrics against metrics.json, with a Mermaid bar chart."""
    old = (read_yaml(pin_path(env, root)) or {}).get("metrics") or {}
    new = numbers(root / METRICS_FILE)
    rows = ["| metric | " + env + " | new | change |", "| --- | ---: | ---: | ---: |"]
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        change = f"{after - before:+.6g}" if before is not None and after is not None else ""
        rows.append(f"| {name} | {_fmt(before)} | {_fmt(after)} | {change} |")
    names = sorted(set(old) & set(new))
    chart = [
        "```mermaid",
        "xychart-beta",
        f'  title "Metrics: {env} (first bar) and the new model (second bar)"',
        "  x-axis [" + ", ".join(f'"{n}"' for n in names) + "]",
        "  bar [" + ", ".join(_fmt(old[n]) for n in names) + "]",
        "  bar [" + ", ".join(_fmt(new[n]) for n in names) + "]",
        "```",
    ]
    return "\n".join(rows + (["", *chart] if names else [])) + "\n"


def _fmt(value: float | int | None) -> str:
    return "" if value is None else f"{value:.6g}"


def get(env: str, dotted: str, root: Path = Path()) -> str:
    value: Any = read_yaml(pin_path(env, root))
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def current(env: str, root: Path = Path()) -> dict[str, Any]:
    path = pin_path(env, root)
    pin = read_yaml(path) if path.exists() else None
    return pin if isinstance(pin, dict) else {"environment": env, "model": None}


def _write(args: argparse.Namespace) -> int:
    """``image``, ``identity``, ``rollout`` and ``sync``: write pins and overlays, print what
    changed."""
    envs = sorted(path.stem for path in DEPLOY_DIR.glob("*.yaml"))
    pins = {env: current(env) for env in envs}
    problem = None
    if args.command == "image":
        problem, framework = _image(args.ref, args.freeze)
        old = current(args.env)
        pin = serving.with_image(old, args.ref, framework)
        canary = args.env in rollout.CANARY_ENVIRONMENTS  # a new image as a new model is
        pins = {args.env: rollout.start(pin, old) if canary else pin}
    elif args.command == "rollout":
        problem = rollout.problem(args.percent)
        share = int(args.percent) if problem is None else rollout.FULL
        pins = {args.env: rollout.with_percent(current(args.env), share)}
    elif args.command == "identity":
        problem = _identity(args.source, args.capture, args.no_annotation)
    if problem:
        print(f"pins {args.command}: {problem}", file=sys.stderr)
        return 1
    for env, pin in pins.items():
        for path in write_pin(env, pin):
            print(f"updated {path.as_posix()}")
    return 0


def _image(ref: str, freeze: Path) -> tuple[str | None, dict[str, str]]:
    """Why ``ref`` cannot be pinned, and the framework the image holds (its ``pip freeze``)."""
    problem = serving.image_problem(ref)
    if problem:
        return problem, {}
    try:
        framework = serving.installed(freeze)
    except (OSError, UnicodeDecodeError) as error:
        return f"cannot read {freeze}: {error.strerror or error}", {}
    if not framework:
        return f"{freeze} names no {serving.FRAMEWORK}==<version> (the image's pip freeze)", {}
    return None, framework


def _identity(source: str | None, capture: str | None, no_annotation: bool) -> str | None:
    """Write both ServiceAccounts' annotations (the model reader's and the capture sink's
    writer's); why not (None: written)."""
    accounts = [
        (identity.SERVICE_ACCOUNT, identity.OUTPUT, source),
        (identity.CAPTURE_ACCOUNT, identity.CAPTURE_OUTPUT, capture),
    ]
    files = source is not None or capture is not None  # then only the accounts given
    for account, output, given in accounts:
        if (files and given is None) or not (account.exists() or output == identity.OUTPUT):
            continue  # not given, or a repository from before the capture sink
        problem = _one_identity(account, output, given, no_annotation)
        if problem:
            return problem
    return None


def _one_identity(account: Path, output: str, source: str | None, none: bool) -> str | None:
    values: dict[str, str] = {}
    try:
        if none:
            pass
        elif source is None:
            values = identity.from_terraform(output=output)
        else:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
            values = identity.parse(text, output)
    except (OSError, ValueError) as error:
        return str(error)
    if not values and not none:
        return identity.EMPTY.replace(identity.OUTPUT, output, 1)
    if identity.write(values, account=account):
        print(f"updated {account.as_posix()}")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pins", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    updater = sub.add_parser("update")
    updater.add_argument("env", choices=["staging"])
    updater.add_argument("--commit", metavar="SHA")
    sub.add_parser("check").add_argument("--skip-training", action="store_true")
    promoter = sub.add_parser("promote")
    promoter.add_argument("source")
    promoter.add_argument("target")
    getter = sub.add_parser("get")
    getter.add_argument("env")
    getter.add_argument("field")
    sub.add_parser("metrics-diff").add_argument("env")
    sub.add_parser("storage-uri").add_argument("md5")
    image = sub.add_parser("image")
    image.add_argument("env")
    image.add_argument("ref")
    # What the image installed, not what the lock says: serve-image.yml runs `pip freeze` in it.
    image.add_argument("--freeze", type=Path, required=True, metavar="FILE")
    identities = sub.add_parser("identity")
    identities.add_argument("--from", dest="source", metavar="FILE")
    identities.add_argument("--capture-from", dest="capture", metavar="FILE")
    identities.add_argument("--no-annotation", action="store_true")
    roller = sub.add_parser("rollout")
    roller.add_argument("env")
    roller.add_argument("percent", nargs="?", default=str(rollout.FULL))
    sub.add_parser("sync")
    args = parser.parse_args(argv)
    if args.command == "identity" and args.source == "-" and args.capture == "-":
        identities.error("--from - and --capture-from - cannot both read stdin; give one a file")
    if args.command in ("image", "identity", "rollout", "sync"):
        return _write(args)
    if args.command == "update":
        try:
            changed = update(args.env, commit=args.commit)
        except ValueError as error:
            print(f"pins update: {error}", file=sys.stderr)
            return 1
        for path in changed:
            print(f"updated {path.as_posix()}")
        if not changed:
            print(f"deploy/{args.env}.yaml already pins the model dvc.lock records")
    elif args.command == "promote":
        changed, refused = promote(args.source, args.target)
        for reason in refused:
            print(f"refused: {reason}", file=sys.stderr)
        for path in changed:
            print(f"updated {path.as_posix()}")
        return 1 if refused else 0
    elif args.command == "check":
        found = problems(training=not args.skip_training)
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    elif args.command == "get":
        print(get(args.env, args.field))
    elif args.command == "metrics-diff":
        sys.stdout.write(metrics_diff(args.env))
    else:
        print(storage_uri(args.md5, remote_url()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
