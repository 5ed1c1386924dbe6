"""Every generated README draws the whole path, pin to retrained model, as one diagram
that is true for its variant: it parses, every file, workflow and module it names
exists in that repository, every arrow out of a workflow is something the workflow
does, the drift check reads stored data only (never Prometheus), and the loop closes.
docs/deploy-pins.md shows the same diagram for each deploy target."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.cdct.conftest import Render
from tests.cdct.mermaid_flow import Flowchart, parse

VARIANTS = [
    (cloud, target, framework)
    for cloud in ("aws", "gcp", "azure", "none")
    for target in ("kserve", "managed")
    for framework in ("sklearn", "pytorch")
    if (cloud, target) != ("none", "managed")  # refused: a managed endpoint needs a cloud
]
SECTION = "## The whole path\n"
WORKFLOW = re.compile(r"(?<![\w/.-])([\w-]+\.yml)\b")
MODULE = re.compile(r"python -m ([\w.]+)")
PATH = re.compile(r"(?<![\w:/])([\w.-]+/[\w./*-]*)")
DOCS = Path(__file__).resolve().parents[2] / "docs/deploy-pins.md"


def whole_path(readme: str) -> str:
    """The body of the one mermaid block in the README's *The whole path* section."""
    assert readme.count(SECTION) == 1
    section = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```mermaid\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, "the whole path is one diagram"
    return str(blocks[0])


def named_paths(repo: Path, text: str) -> list[str]:
    """Repository paths a label names (ENV is every environment; a glob names its folder)."""
    found = []
    for token in (found_token.rstrip(".:,") for found_token in PATH.findall(text)):
        if (repo / token.split("/", 1)[0]).exists():
            found += [token.replace("ENV", env) for env in ("staging", "production")]
    return found


def assert_names_exist(repo: Path, chart: Flowchart) -> int:
    """Every workflow, module and path the diagram names exists; the count of names."""
    labels = [node.label for node in chart.nodes.values()] + [e[1] for e in chart.edges]
    names = 0
    for label in labels:
        for workflow in WORKFLOW.findall(label):
            assert (repo / ".github/workflows" / workflow).is_file(), workflow
            names += 1
        for module in MODULE.findall(label):
            parts = module.split(".")
            file = repo / "src" / Path(*parts)
            assert file.with_suffix(".py").is_file() or (file / "__main__.py").is_file(), module
            names += 1
        for path in named_paths(repo, label):
            where = path.split("*", 1)[0].rsplit("/", 1)[0] if "*" in path else path
            assert (repo / where).exists(), path
            names += 1
    return names


def workflow_of(label: str) -> str | None:
    """The workflow a node's label starts with (the step that runs it)."""
    match = re.match(r"([\w-]+\.yml):", label)
    return match[1] if match else None


def assert_arrows_are_done(repo: Path, chart: Flowchart) -> None:
    """An arrow out of a workflow is what its file does; an arrow into one is its trigger."""
    for source, label, target in chart.edges:
        sender = workflow_of(chart.nodes[source].label)
        receiver = workflow_of(chart.nodes[target].label)
        if sender:
            text = (repo / ".github/workflows" / sender).read_text(encoding="utf-8")
            if label.startswith("pull request"):
                assert "peter-evans/create-pull-request@" in text, (sender, label)
            if label.startswith("dvc push"):
                assert "dvc push" in text, (sender, label)
            if "captured-" in label:
                assert "data/raw/captured-" in text, (sender, label)
        if receiver and label.startswith("push to main"):
            workflow = yaml.safe_load((repo / ".github/workflows" / receiver).read_text("utf-8"))
            push = workflow[True]["push"]
            assert push["branches"] == ["main"] and "deploy/**" in push["paths"], receiver


@pytest.mark.parametrize(("cloud", "target", "framework"), VARIANTS)
def test_each_readme_draws_the_whole_path_true_for_its_variant(
    render: Render, cloud: str, target: str, framework: str
) -> None:
    repo = render(cloud=cloud, deploy_target=target, ml_framework=framework)
    chart = parse(whole_path((repo / "README.md").read_text(encoding="utf-8")))
    assert assert_names_exist(repo, chart) >= 8
    assert_arrows_are_done(repo, chart)
    (pin,) = [n for n, node in chart.nodes.items() if node.label.startswith("deploy/ENV.yaml")]
    (drift,) = [n for n, node in chart.nodes.items() if "drift" in node.label]
    if cloud != "none":  # results reach the pin through publish.yml alone (the App's key)
        senders = {workflow_of(chart.nodes[s].label) for s, _, end in chart.edges if end == pin}
        assert senders == {"publish.yml"}
    # The loop closes: a pin reaches the drift check, and drift leads back to a new pin.
    assert chart.reaches(pin, drift) and chart.reaches(drift, pin)
    # The drift check reads what was stored (the remote, Vertex's log table): nothing
    # else, and in particular nothing from Prometheus, which drift.yml never queries.
    feeds = {source for source, _, end in chart.edges if end == drift}
    assert feeds and all(chart.nodes[source].store for source in feeds), feeds
    serving = {"kserve": "KServe InferenceService", "managed": "cd.yml: "}[target]
    assert any(node.label.startswith(serving) for node in chart.nodes.values())
    has_argo = any("Argo CD" in node.label for node in chart.nodes.values())
    assert has_argo is (target == "kserve") is (repo / "deploy/argocd").is_dir()


def test_parsing_refuses_what_mermaid_would_misread() -> None:
    good = 'flowchart LR\n  a["x"]\n  b[("y")]\n  a -->|"z"| b'
    assert set(parse(good).nodes) == {"a", "b"}
    bad = {
        good.replace("-->|", "-->|z| b\n  a -->|"): "line 4: neither a node nor a labelled edge",
        good.replace('a["x"]', 'end["x"]'): "line 2: end is a keyword or declared twice",
        good + '\n  a -->|"w"| c': "line 5: c is not declared before its edge",
        good.replace('"x"', '"#quot;"'): "line 2: neither a node nor a labelled edge",
        good + '\n  c["lonely"]': "nodes on no edge: ['c']",
        "graph LR\n" + good.split("\n", 1)[1]: "line 1: not a flowchart header",
    }
    for text, message in bad.items():
        with pytest.raises(ValueError, match=re.escape(message)):
            parse(text)


@pytest.mark.parametrize("target", ["kserve", "managed"])
def test_the_docs_show_the_generated_diagram_of_each_target(render: Render, target: str) -> None:
    """docs/deploy-pins.md cannot drift from the template: its diagram for each target is
    the one an AWS repository named my-ml-project renders."""
    rendered = whole_path((render(cloud="aws", deploy_target=target) / "README.md").read_text())
    docs = DOCS.read_text(encoding="utf-8")
    heading = f"### The whole path with `{target}`\n"
    assert docs.count(heading) == 1
    section = docs.split(heading, 1)[1]
    assert section.split("```mermaid\n", 1)[1].split("```", 1)[0] == rendered
