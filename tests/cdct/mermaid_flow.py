"""A strict reader of the Mermaid flowcharts that generated READMEs draw.

No Mermaid parser that runs without a browser covers flowcharts (``@mermaid-js/parser``
has no flowchart grammar), so this reads the subset the template writes and refuses
anything else, line by line: a ``flowchart LR`` header, node declarations
``id["label"]`` (a step) and ``id[("label")]`` (a store), and labelled edges
``a -->|"label"| b``. Labels are quoted and hold no ``"`` or ``#`` (Mermaid's entity
codes); ids are not Mermaid keywords; every edge joins declared nodes and every node
is on an edge. What it returns is the graph, for the tests to check against the
repository the diagram describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ID = r"[A-Za-z][A-Za-z0-9_]*"
LABEL = r'"([^"#]+)"'
HEADER = re.compile(r"flowchart (LR|RL|TB|TD|BT)")
STEP = re.compile(rf"({ID})\[{LABEL}\]")
STORE = re.compile(rf"({ID})\[\({LABEL}\)\]")
EDGE = re.compile(rf"({ID}) -->\|{LABEL}\| ({ID})")
KEYWORDS = {"end", "graph", "flowchart", "subgraph", "style", "classDef", "class", "click"}
KEYWORDS |= {"linkStyle", "direction", "default"}


@dataclass(frozen=True)
class Node:
    label: str
    store: bool


@dataclass
class Flowchart:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)

    def reaches(self, start: str, goal: str) -> bool:
        seen, todo = {start}, [start]
        while todo:
            node = todo.pop()
            for source, _, target in self.edges:
                if source == node and target not in seen:
                    seen.add(target)
                    todo.append(target)
        return goal in seen and start != goal


def parse(text: str) -> Flowchart:
    """The graph of ``text`` (a mermaid block's body); ``ValueError`` names the bad line."""
    lines = text.splitlines()
    if not lines or not HEADER.fullmatch(lines[0]):
        raise ValueError(f"line 1: not a flowchart header: {lines[:1]}")
    chart = Flowchart()
    for number, raw in enumerate(lines[1:], start=2):
        _read_line(chart, number, raw)
    used = {end for source, _, target in chart.edges for end in (source, target)}
    if set(chart.nodes) != used:
        raise ValueError(f"nodes on no edge: {sorted(set(chart.nodes) - used)}")
    return chart


def _read_line(chart: Flowchart, number: int, raw: str) -> None:
    line = raw.removeprefix("  ")
    if line != raw.strip() or not line:
        raise ValueError(f"line {number}: indent by two spaces, no blank lines: {raw!r}")
    node = STEP.fullmatch(line) or STORE.fullmatch(line)
    edge = EDGE.fullmatch(line)
    if node:
        _declare(chart, number, node[1], Node(node[2], node.re is STORE))
    elif edge:
        for end in (edge[1], edge[3]):
            if end not in chart.nodes:
                raise ValueError(f"line {number}: {end} is not declared before its edge")
        chart.edges.append((edge[1], edge[2], edge[3]))
    else:
        raise ValueError(f"line {number}: neither a node nor a labelled edge: {raw!r}")


def _declare(chart: Flowchart, number: int, name: str, node: Node) -> None:
    if name in KEYWORDS or name in chart.nodes:
        raise ValueError(f"line {number}: {name} is a keyword or declared twice")
    chart.nodes[name] = node
