"""Property: hostile free-text answers stay data in every generated file."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import AnswerError
from toolkit.generate import NewOptions, run_new

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HOSTILE = st.sampled_from(
    [
        '"',
        "'",
        ":",
        "#",
        "{{",
        "}}",
        "{%",
        "%}",
        "\\",
        "é",
        "漢字",
        "😀",
        " - ",
        "&",
        "*",
        "|",
        ">",
        "`",
        "$",
        "@",
    ]
)
TEXT = st.lists(
    st.one_of(
        HOSTILE, st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=6)
    ),
    min_size=1,
    max_size=12,
).map("".join)


def parse_all(repo: Path) -> int:
    """Parse every structured file; return how many were parsed."""
    count = 0
    for path in sorted(repo.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix in {".yml", ".yaml"}:
            list(yaml.safe_load_all(text))
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix == ".py":
            ast.parse(text, filename=str(path))
        elif path.suffix == ".json":
            json.loads(text)
        else:
            continue
        count += 1
    return count


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=TEXT, description=TEXT)
def test_hostile_names_and_descriptions_give_files_that_parse(
    tmp_path_factory: pytest.TempPathFactory, name: str, description: str
) -> None:
    out = tmp_path_factory.mktemp("gen")
    options = NewOptions(
        output_dir=out, no_input=True, overrides={"project_name": name, "description": description}
    )
    try:
        result = run_new(options)
    except AnswerError as err:
        assert "\n" not in str(err)
        assert list(out.iterdir()) == []
        return
    record = yaml.safe_load((result.path / ".mlrig-answers.yml").read_text(encoding="utf-8"))
    assert record["answers"]["project_name"] == name
    assert record["answers"]["description"] == description
    assert parse_all(result.path) >= 1


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("project_slug", "has spaces"),
        ("cloud", "oracle"),
        ("python_version", "2.7"),
        ("github_owner", "-bad-"),
        ("description", "two\nlines"),
    ],
)
def test_invalid_answers_write_nothing(tmp_path: Path, key: str, value: str) -> None:
    with pytest.raises(AnswerError) as info:
        run_new(NewOptions(output_dir=tmp_path, no_input=True, overrides={key: value}))
    assert "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == []
