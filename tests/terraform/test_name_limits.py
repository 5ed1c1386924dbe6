"""Every cloud name built from the slug fits its cloud's limits, for any slug `new` accepts.

The inventory (``name_inventory``) lists where each name is built; the first test proves
it complete against the rendered roots and mlrig's modules. The root's own short forms
(the AWS name prefix, the GCP prefix, the Kubernetes name, ...) are evaluated by the
terraform binary (``terraform console``) for the generated repository's slug and for
slugs of every length `new` accepts; names the template writes literally are read from
repositories generated with a 75-character project name.
"""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.terraform.conftest import MODULES_DIR, render
from tests.terraform.name_inventory import (
    AWS_SCOPED,
    EXPRESSIONS,
    INVENTORY,
    LIMITS,
    MANAGED_ONLY,
    Name,
)
from toolkit.generate.render import resolve_answers

TEMPLATE = MODULES_DIR.parents[1] / "templates" / "ml-repo"
LONG_NAME = "The Very Long Demand Forecasting Project Of The Supply Chain Analytics Team"
SLUG_MAX = 100  # GitHub's limit on repository names, which `new` enforces
# Lines that build a name: an attribute named like one, with a string or expression
# that reads the slug, a prefix or a name passed in.
NAME_LINE = re.compile(
    r"^\s*(?:name|bucket|bucket_name|name_prefix|prefix|account_id|role_id|repository_id|"
    r"pool_id|storage_account_name|container_name|resource_group_name|project)\s*=\s*(.+)$"
)
FROM_SLUG = re.compile(r"project_slug|name_prefix|local\.prefix|var\.prefix|var\.name\b|bucket_name|"
                       r"policy_prefix|role_id_prefix|kubernetes_name|cookiecutter")  # fmt: skip
# Names with no limit a slug of 100 characters reaches, and why.
EXEMPT = {
    r'"/\$\{var\.project_slug\}/github-app/\$\{key\}"': "SSM parameter names take 2048 characters",
    r'"/\$\{var\.prefix\}/runner/ami-id"': "SSM parameter names take 2048 characters",
    r"name_prefix          = local\.name_prefix": "passes the prefix, whose names are listed",
    r"name_prefix         = local\.prefix": "passes the prefix, whose names are listed",
    r"name_prefix         = var\.project_slug": "Azure identities take 128 characters (listed)",
    r"prefix               = local\.prefix": "passes the prefix, whose names are listed",
    r"project_id\b|var\.project_id": "the cloud project's id, not a name built here",
    r"resource_group_name = azurerm_resource_group\.main\.name": "a reference",
    r"= var\.bucket_name$|= var\.storage_account_name$|= var\.container_name$|= var\.name$": "passed through",
    r"= var\.repository_id$|= var\.account_id$|= var\.pool_id$": "passed through",
    r"policy_prefix     = coalesce": "the policy names are listed",
    r"role_id_prefix = replace": "the role ids are listed",
    r"prefix            = var\.path|prefix        = var\.path|\"\$\{trim\(var\.path": "a path in the bucket",
    r'"\$\{var\.project_slug\}-serve"': "an image name (Artifact Registry, ACR: paths of 128+)",
    r'"\$\{var\.project_slug\}-ml"': "Application Insights names take 260 characters",
    r'"\$\{var\.project_slug\}-\$\{each\.key\}"': "Vertex display names take 128 characters",
    r"ml_logs_name|ml_workspace_names|sagemaker_": "fitted by fit() and tested in test_managed_names",
    r'key          = "|key                  = "|prefix = "': "state object keys take 1024 characters",
    r'"\$\{var\.storage_account_name\}-logs"': "a diagnostic setting, 260 characters",
    r"= local\.kubernetes_name|namespace = |name      = ": "Kubernetes names, listed",
}


def _files(repo: Path, cloud: str) -> dict[str, str]:
    """The rendered root's files and the cloud's modules, by inventory path."""
    found = {
        f"terraform/{p.name}": p.read_text(encoding="utf-8")
        for p in (repo / "terraform").glob("*.tf")
    }
    for module in MODULES_DIR.glob(f"{cloud}-*"):
        for path in module.glob("*.tf"):
            found[f"modules/{module.name}/{path.name}"] = path.read_text(encoding="utf-8")
    return found


def evaluate(
    repo: Path, cloud: str, slugs: list[str], work: Path, terraform: str
) -> list[dict[str, str]]:
    """The root's short forms (``EXPRESSIONS``) for each of ``slugs``, as terraform computes them."""
    files = _files(repo, cloud)
    fields = []
    for key, (file, pattern) in EXPRESSIONS[cloud].items():
        found = re.search(pattern, files[file], re.MULTILINE)
        if not found and key in MANAGED_ONLY and "azureml_endpoints" not in files[file]:
            continue
        assert found, f"{file}: no {pattern}"
        fields.append(f"{key} = {found.group(1).replace('var.project_slug', 's')}")
    if "p" in EXPRESSIONS[cloud]:
        fields.append("u = replace(" + fields[0].split(" = ", 1)[1] + ', "-", "_")')
    work.mkdir(parents=True, exist_ok=True)
    (work / "main.tf").write_text(
        'variable "slugs" {\n  type = list(string)\n}\n', encoding="utf-8"
    )
    (work / "terraform.tfvars.json").write_text(json.dumps({"slugs": slugs}), encoding="utf-8")
    expression = "jsonencode([for s in var.slugs : {" + ", ".join(fields) + "}])\n"
    done = subprocess.run(
        [terraform, "console"],
        input=expression,
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    values: list[dict[str, str]] = json.loads(json.loads(done.stdout))
    return values


def names_of(entry: Name, text: str, values: dict[str, str]) -> list[str]:
    """The names ``entry`` builds in ``text`` with the short forms ``values``."""
    found = re.search(entry.text, text, re.MULTILINE)
    assert found, f"{entry.file}: the inventory's {entry.text!r} is not there any more"
    captured = {"m": found.group(1)} if found.groups() else {}
    return entry.fitted([name.format(**values, **captured) for name in entry.names])


def misfits(kind: str, names: list[str]) -> list[str]:
    limit = LIMITS[kind]
    return [
        f"{kind} {name!r} ({len(name)} characters; {limit.low} to {limit.high}, {limit.charset.pattern})"
        for name in names
        if not (limit.low <= len(name) <= limit.high and limit.charset.fullmatch(name))
    ]


@pytest.fixture(scope="module")
def long_named(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each cloud and deploy target generated from a 75-character project name."""
    return {
        variant: render(tmp_path_factory.mktemp("-".join(variant)), project_name=LONG_NAME, cloud=variant[0], deploy_target=variant[1])
        for variant in INVENTORY
    }  # fmt: skip


def with_answers(values: dict[str, str], slug: str, cloud: str) -> dict[str, str]:
    """``values`` with the slug and the DVC remote's bucket that `new` proposes for it."""
    remote = str(
        resolve_answers(TEMPLATE, {"project_slug": slug, "cloud": cloud})["dvc_remote_url"]
    )
    return {**values, "s": slug, "b": remote.split("://")[1].split("/", maxsplit=1)[0]}


def _values(repo: Path, cloud: str, work: Path, terraform: str) -> dict[str, str]:
    return with_answers(evaluate(repo, cloud, [repo.name], work, terraform)[0], repo.name, cloud)


@pytest.mark.parametrize("variant", list(INVENTORY), ids="-".join)
def test_every_name_built_from_the_slug_is_listed(
    long_named: dict[tuple[str, str], Path], variant: tuple[str, str]
) -> None:
    unlisted = []
    for file, text in _files(long_named[variant], variant[0]).items():
        listed = [entry.text for entry in INVENTORY[variant] if entry.file == file]
        listed += [pattern for at, pattern in EXPRESSIONS[variant[0]].values() if at == file]
        for line in text.splitlines():
            built = NAME_LINE.match(line)
            if (
                not built
                or not FROM_SLUG.search(line)
                or ('"' not in line and "local." not in line)
            ):
                continue
            if any(re.search(pattern, line) for pattern in [*listed, *EXEMPT]):
                continue
            unlisted.append(f"{file}: {line.strip()}")
    assert unlisted == []


@pytest.mark.parametrize("variant", list(INVENTORY), ids="-".join)
def test_the_long_generated_name_fits_every_limit(
    long_named: dict[tuple[str, str], Path],
    variant: tuple[str, str],
    terraform_bin: str,
    tmp_path: Path,
) -> None:
    repo = long_named[variant]
    assert len(repo.name) == 75
    values = _values(repo, variant[0], tmp_path, terraform_bin)
    files = _files(repo, variant[0])
    found = [
        misfit
        for entry in INVENTORY[variant]
        for misfit in misfits(entry.kind, names_of(entry, files[entry.file], values))
    ]
    assert found == []


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_every_slug_length_fits_every_limit(
    long_named: dict[tuple[str, str], Path], cloud: str, terraform_bin: str, tmp_path: Path
) -> None:
    """Slugs of 1 to 100 characters (with and without dashes at the cut): the names the
    root computes, and the DVC remote that `new` proposes (names the template writes
    literally are checked on the generated repositories above)."""
    slugs = sorted(
        {s for n in range(1, SLUG_MAX + 1) for s in ("a" * n, ("ab-" * 40)[: n - 1] + "c")}
    )
    repos = {variant: repo for variant, repo in long_named.items() if variant[0] == cloud}
    found = []
    for variant, repo in repos.items():
        files = _files(repo, cloud)
        computed = evaluate(repo, cloud, slugs, tmp_path, terraform_bin)
        for slug, short_forms in zip(slugs, computed, strict=True):
            values = with_answers(short_forms, slug, cloud)
            for entry in INVENTORY[variant]:
                if "{m}" not in "".join(entry.names):
                    found += [
                        f"{slug}: {m}"
                        for m in misfits(entry.kind, names_of(entry, files[entry.file], values))
                    ]
    assert found == []


def longest_slug(entries: list[Name], key: str) -> int:
    """The longest slug for which every name built as ``{key}-...`` fits, were the slug
    used as it is: what the root's short form must not exceed."""
    own = f"{{{key}}}"
    return min(
        LIMITS[entry.kind].high - (len(name) - len(own))
        for entry in entries
        for name in entry.names
        if name.startswith(own) and name.count("{") == 1
    )


def test_each_short_form_is_as_long_as_the_tightest_name_allows() -> None:
    """AWS: the runner module's EventBridge archive <p>-github-events (48) allows 34; GCP:
    the service account id <p>-serving-image (30) allows 16; Kubernetes: the namespace
    <k>-production (63) allows 52 (46 kept, for the Service <k>-inference-logger that
    deploy/ names, 63, and Knative's canary route latest-<k>-predictor, 63)."""
    all_entries = [entry for entries in INVENTORY.values() for entry in entries]
    aws = [e for v, entries in INVENTORY.items() if v[0] == "aws" for e in entries]
    gcp = [e for v, entries in INVENTORY.items() if v[0] == "gcp" for e in entries]
    assert (longest_slug(aws, "p"), longest_slug(gcp, "p"), longest_slug(all_entries, "k")) == (
        34,
        16,
        52,
    )
    main = (TEMPLATE / "{{cookiecutter.project_slug}}" / "terraform" / "main.tf").read_text(
        encoding="utf-8"
    )
    assert "length(var.project_slug) <= 34 ? var.project_slug : " in main
    assert "trimsuffix(substr(var.project_slug, 0, 16)" in main


@pytest.mark.parametrize("target", ["kserve", "managed"])
def test_aws_infra_scope_covers_every_iam_name_it_creates(
    long_named: dict[tuple[str, str], Path], target: str, terraform_bin: str, tmp_path: Path
) -> None:
    repo = long_named[("aws", target)]
    values = _values(repo, "aws", tmp_path, terraform_bin)
    files = _files(repo, "aws")
    access = files["terraform/access.tf"]
    scopes = {
        "aws iam role": re.search(r"project_roles\s+= \[(.+)\]", access),
        "aws iam policy": re.search(r"project_policies\s+= \[(.+)\]", access),
        "aws iam instance profile": re.search(r"project_profiles\s+= \[(.+)\]", access),
        "aws lambda function": re.search(r'not_resources = \[(".+?")\]', access),
    }
    outside = []
    for entry in INVENTORY[("aws", target)]:
        if entry.kind not in AWS_SCOPED:
            continue
        found = scopes[entry.kind]
        assert found, entry.kind
        # The name part of each ARN pattern (after its path): <prefix>-*.
        patterns = [
            re.sub(r".*[:/}]", "", scope.strip('" ').replace("${local.name_prefix}", values["p"]))
            for scope in found.group(1).split(",")
        ]
        for name in names_of(entry, files[entry.file], values):
            if not any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
                outside.append(f"{entry.kind} {name}: {patterns}")
    assert outside == []
