"""The precision corpus: mlrig on public repositories pinned by commit, scored against labels.

    python -m bench.precision --mirrors MIRRORS [--repo OWNER/NAME]... [--strict]

``repos.tsv`` names each repository and commit. ``MIRRORS`` holds one git
directory per repository at ``MIRRORS/owner+name/repo`` (the layout the search
tool's ``fetch`` makes; ``MLRIG_MIRRORS`` may name it instead). Each commit is
exported with ``git archive`` into the git-ignored ``bench/.work/precision/``:
the files are other projects' code and are never committed here.

``labels.tsv`` holds the judgements: repository, commit, ``path:line:code``
(``path:*:code`` judges every finding of that code in that file), ``true`` or
``false``, and a one-line reason. The report prints precision per rule (true
findings over labelled ones) with counts, then every finding no label judges,
every label that matched nothing (a false one is a fixed false positive, a true
one a defect no longer reported), and any finding inside a template folder.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
REPOS = HERE / "repos.tsv"
LABELS = HERE / "labels.tsv"
WORK = HERE.parent / ".work" / "precision"
