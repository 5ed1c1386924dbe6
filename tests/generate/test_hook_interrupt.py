"""Ctrl-C while a template hook runs: one line and exit 130, no traceback from the hook.

A terminal's Ctrl-C signals the whole foreground process group, so the hook that
cookiecutter started receives SIGINT as well as mlrig. The test starts mlrig in
a group of its own and signals the group while the hook is running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.generate.conftest import copy_template


@pytest.mark.parametrize("hook", ["pre_gen_project.py", "post_gen_project.py"])
def test_ctrl_c_during_a_hook_is_one_line_and_130(tmp_path: Path, hook: str) -> None:
    template = copy_template(tmp_path / "template")
    marker = tmp_path / "hook-started"
    path = template / "hooks" / hook
    text = path.read_text(encoding="utf-8")
    slow = (
        f"def main() -> int:\n    open({str(marker)!r}, 'w').close()\n"
        "    import time\n    time.sleep(30)\n"
    )
    path.write_text(text.replace("def main() -> int:\n", slow, 1), encoding="utf-8")
    args = ["new", "--no-input", "-o", tmp_path / "out", "--template", template]
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the hook never started"
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err.decode()) == (130, "Interrupted.\n")
    assert not (tmp_path / "out" / "my-ml-project").exists()
