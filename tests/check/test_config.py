"""``[tool.mlrig]`` and ``mlrig.toml``: selection, per-file ignores, rule options, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.helpers import SHA, WORKFLOW, build_file_tree, mlrig, workflow

STEPS = f"      - uses: actions/checkout@v4\n      - uses: actions/setup-python@{SHA}\n"


def codes(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines() if line.startswith(".github")]


def check(tmp_path: Path, files: dict[str, str], *args: str) -> tuple[int, list[str], str]:
    build_file_tree(tmp_path, {WORKFLOW: workflow(STEPS), **files})
    run = mlrig("check", *args, cwd=tmp_path)
    return run.code, codes(run.out), run.err


def test_select_in_mlrig_toml(tmp_path: Path) -> None:
    assert check(tmp_path, {"mlrig.toml": 'select = ["GHA001"]\n'})[:2] == (1, ["GHA001"])


def test_ignore_in_pyproject_by_name(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "x"\n\n[tool.mlrig]\nignore = ["unversioned-sha-pin", "GHA001"]\n'
    )
    assert check(tmp_path, {"pyproject.toml": pyproject}, "--select", "GHA")[:2] == (0, [])


def test_mlrig_toml_wins_over_pyproject(tmp_path: Path) -> None:
    files = {
        "mlrig.toml": 'select = ["GHA002"]\n',
        "pyproject.toml": '[tool.mlrig]\nselect = ["GHA001"]\n',
    }
    assert check(tmp_path, files)[1] == ["GHA002"]


def test_command_line_select_replaces_and_ignore_adds(tmp_path: Path) -> None:
    files = {"mlrig.toml": 'select = ["GHA001"]\nignore = ["GHA002"]\n'}
    assert check(tmp_path, files, "--select", "GHA001,GHA002")[1] == ["GHA001"]
    assert check(tmp_path, files, "--ignore", "GHA001")[:2] == (0, [])


def test_per_file_ignores_with_globs(tmp_path: Path) -> None:
    toml = (
        '[per-file-ignores]\n".github/workflows/*.yml" = ["unpinned-uses"]\n"other/**" = ["GHA"]\n'
    )
    assert check(tmp_path, {"mlrig.toml": toml}, "--select", "GHA")[1] == ["GHA002"]
    toml = '[per-file-ignores]\n"ci.yml" = ["GHA00"]\n'
    assert check(tmp_path, {"mlrig.toml": toml}, "--select", "GHA")[:2] == (0, [])


def test_per_rule_option(tmp_path: Path) -> None:
    toml = '[rules.GHA001]\ntag-owners = ["actions"]\n'
    assert check(tmp_path, {"mlrig.toml": toml}, "--select", "GHA001")[:2] == (0, [])


def test_per_rule_option_by_name_in_pyproject(tmp_path: Path) -> None:
    toml = '[tool.mlrig.rules.unpinned-uses]\ntag-owners = ["actions/checkout"]\n'
    assert check(tmp_path, {"pyproject.toml": toml}, "--select", "GHA001")[:2] == (0, [])


def test_empty_mlrig_toml_still_wins(tmp_path: Path) -> None:
    toml = '[tool.mlrig]\nselect = ["GHA002"]\n'
    assert check(tmp_path, {"mlrig.toml": "", "pyproject.toml": toml})[1] == ["GHA001", "GHA002"]


def test_exclude(tmp_path: Path) -> None:
    assert check(tmp_path, {"mlrig.toml": 'exclude = [".github/**"]\n'})[:2] == (0, [])


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'select = ["GHA001"]\nselct = []\n',
            "mlrig.toml:2: unknown key 'selct' (known: select, ignore, per-file-ignores, exclude, rules, severity)",
        ),
        ('\nselect = ["GHA999"]\n', "mlrig.toml:2: unknown rule code or name 'GHA999'"),
        ('select = "GHA001"\n', "mlrig.toml:1: select must be a list of strings"),
        (
            '[per-file-ignores]\n"*.yml" = ["NOPE1"]\n',
            "mlrig.toml:2: unknown rule code or name 'NOPE1'",
        ),
        ("[rules.GHA077]\n", "mlrig.toml:1: unknown rule 'GHA077' in [rules]"),
        (
            "[rules.GHA001]\ntag-owner = []\n",
            "mlrig.toml:2: rule GHA001 has no option 'tag-owner' (options: tag-owners)",
        ),
        (
            '[rules.GHA001]\ntag-owners = "me"\n',
            "mlrig.toml:2: GHA001 option 'tag-owners' must be list",
        ),
        ("select = [\n", "mlrig.toml:1:11: invalid TOML: Invalid value"),
        ("a = 1\na = 2\n", "mlrig.toml:2:6: invalid TOML: Cannot overwrite a value"),
    ],
)
def test_bad_configuration_exits_2_naming_file_and_line(
    tmp_path: Path, toml: str, message: str
) -> None:
    code, _, err = check(tmp_path, {"mlrig.toml": toml})
    assert code == 2
    assert err.splitlines()[0].startswith(f"mlrig: error: {message}"), err


def test_unknown_code_on_the_command_line(tmp_path: Path) -> None:
    code, _, err = check(tmp_path, {}, "--select", "GHA1234")
    assert (code, err) == (2, "mlrig: error: --select: unknown rule code or name 'GHA1234'\n")


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    from toolkit.check.docsgen import CONFIGURATION

    text = "\n".join(CONFIGURATION)
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    code, found, err = check(tmp_path, {"pyproject.toml": example})
    assert (code, err) == (1, "")
    assert found == ["GHA001", "GHA002"]
