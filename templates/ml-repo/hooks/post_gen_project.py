"""Remove the parts of the generated repository that its answers do not need.

Runs in the generated repository (cookiecutter's working directory) with only
the standard library, so plain ``cookiecutter`` and ``mlrig new`` agree.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

# What each answer leaves out, as data in cookiecutter.json (``_remove_when``), so
# that ``mlrig update --dry-run`` can do the same without running this hook.
REMOVE_WHEN = json.loads(r"""{{ cookiecutter._remove_when | jsonify }}""")
ANSWERS = json.loads(r"""{{ cookiecutter | jsonify }}""")


def remove(relative: str) -> None:
    """Delete a file or folder of the generated tree; absent is fine."""
    path = Path(relative)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def main() -> int:
    for entry in REMOVE_WHEN:
        if all(str(ANSWERS.get(key)) in values for key, values in entry["when"].items()):
            for relative in entry["remove"]:
                remove(relative)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C reaches the hook too: the command says it, once
        sys.exit(130)
