"""``mlrig lineage``: per environment the model hash, commit, data hashes and params."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import RunMlrig

MD5 = "50e15d6997ce472513fd07c08e97264f"
COMMIT = "6e7a0fd237a4d936cb6aca0f8f949e1a0f770edf"
STAGING = f"""# Model pin for staging.
environment: staging
model:
  path: models/model.joblib
  md5: {MD5}
  storage_uri: s3://acme/files/md5/50/{MD5[2:]}
source:
  commit: {COMMIT}
  stage: train
  data:
    data/prepared: 8f9b03b91d705a1cd976073f04486cc8.dir
  params:
    train.c: 1.0
metrics:
  accuracy: 0.955
"""


def _repo(tmp_path: Path, production: str = "environment: production\nmodel: null\n") -> Path:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy/staging.yaml").write_text(STAGING, encoding="utf-8")
    (tmp_path / "deploy/production.yaml").write_text(production, encoding="utf-8")
    return tmp_path


def test_json_lists_each_environment(run_mlrig: RunMlrig, tmp_path: Path) -> None:
    result = run_mlrig("lineage", "-C", _repo(tmp_path), "--format", "json")
    assert result.code == 0
    document = json.loads(result.out)
    assert document["version"] == 1
    staging, production = document["environments"]
    assert staging == {
        "environment": "staging",
        "pin": "deploy/staging.yaml",
        "model": {
            "path": "models/model.joblib",
            "md5": MD5,
            "storage_uri": f"s3://acme/files/md5/50/{MD5[2:]}",
        },
        "source": {
            "commit": COMMIT,
            "stage": "train",
            "data": {"data/prepared": "8f9b03b91d705a1cd976073f04486cc8.dir"},
            "params": {"train.c": 1.0},
        },
        "metrics": {"accuracy": 0.955},
    }
    assert production == {
        "environment": "production",
        "pin": "deploy/production.yaml",
        "model": None,
        "source": None,
        "metrics": {},
    }


def test_markdown_has_a_table_sections_and_a_mermaid_graph(
    run_mlrig: RunMlrig, tmp_path: Path
) -> None:
    result = run_mlrig("lineage", "-C", _repo(tmp_path, STAGING.replace("staging", "production")))
    assert result.code == 0
    out = result.out
    assert out.startswith("## Model lineage\n")
    assert f"| staging | `models/model.joblib` | `{MD5}` | `{COMMIT[:12]}` | train |" in out
    assert f"| production | `models/model.joblib` | `{MD5}` | `{COMMIT[:12]}` | train |" in out
    assert "| `train.c` | `1.0` |" in out
    graph = out.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert graph.startswith("flowchart LR\n")
    # One model node serves both environments; its commit and data feed it once.
    assert graph.count(f'["model {MD5[:8]}<br/>models/model.joblib"]') == 1
    assert graph.count(f'["commit {COMMIT[:8]}"]') == 1
    assert graph.count(" --> env") == 2
    assert len(graph.splitlines()) == len(set(graph.splitlines()))


def test_before_training_says_so(run_mlrig: RunMlrig, tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy/staging.yaml").write_text("environment: staging\nmodel: null\n")
    result = run_mlrig("lineage", "-C", tmp_path)
    assert result.code == 0
    assert "| staging | *none pinned yet* | | | |" in result.out
    assert "[/no model pinned/]" in result.out


def test_no_pins_is_a_one_line_user_error(run_mlrig: RunMlrig, tmp_path: Path) -> None:
    result = run_mlrig("lineage", "-C", tmp_path)
    assert result.code == 1
    assert result.err == f"mlrig: error: no model pins (deploy/<env>.yaml) under {tmp_path}\n"


def test_unreadable_pin_is_a_user_error(run_mlrig: RunMlrig, tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy/staging.yaml").write_text("model: [unclosed\n")
    result = run_mlrig("lineage", "-C", tmp_path)
    assert result.code == 1
    assert result.err.startswith("mlrig: error: deploy/staging.yaml:2: cannot read the pin:")
    assert result.err.count("\n") == 1
