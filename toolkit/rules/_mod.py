"""What the MOD rules share: the pins, overlay patches, dvc.lock and remote of one project."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import ParseError
from toolkit.check.project import Project
from toolkit.check.views import dvc as dvc_view
from toolkit.check.views.dvc import DvcConfig, DvcLock, LockedStage
from toolkit.check.views.pins import OverlayPatch, Pin, commit_that_locked, lock_text_at

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

LOCK = "dvc.lock"
CONFIG = ".dvc/config"
UPDATE_HINT = "update it from dvc.lock (`python -m <package>.pins update staging`)"


@dataclass(frozen=True)
class Models:
    """The deployment side of a project, read from its views."""

    project: Project
    pins: tuple[Pin, ...]
    patches: tuple[OverlayPatch, ...]
    lock: DvcLock | None
    config: DvcConfig | None

    def history_root(self) -> Path:
        """The repository root, for asking git history (such findings are never cached)."""
        self.project.uses_history()
        return self.project.root

    @property
    def stages(self) -> tuple[LockedStage, ...]:
        return self.lock.stages if self.lock else ()

    def pin(self, environment: str) -> Pin | None:
        return next((p for p in self.pins if p.environment == environment), None)

    def remote_url(self) -> str | None:
        config = self.config
        if config is None or config.default_remote is None:
            return None
        remote = next((r for r in config.remotes if r.name == config.default_remote), None)
        return remote.pull_url() if remote and remote.url else None

    def locked_hashes(self) -> set[str]:
        return {str(out.hash) for stage in self.stages for out in stage.outs if out.hash}


def models(project: Project) -> Models:
    views = project.views("pins")
    dvc = project.views("dvc")
    lock = next((v for v in dvc if isinstance(v, DvcLock) and v.path == LOCK), None)
    config = next((v for v in dvc if isinstance(v, DvcConfig) and v.path == CONFIG), None)
    return Models(
        project,
        tuple(v for v in views if isinstance(v, Pin)),
        tuple(v for v in views if isinstance(v, OverlayPatch)),
        lock if lock is not None and lock.problem is None else None,
        config,
    )


def lock_that_produced(project: Models, pin: Pin) -> DvcLock | None:
    """The dvc.lock whose outs hold the pin's md5: the current one, else the one in git history.

    A staging pin that the current lock does not hold is MOD002's finding; its lineage
    is then compared with the lock that did produce it, if any.
    """
    md5 = pin.md5
    if md5 is None:
        return None
    if md5 in project.locked_hashes():
        return project.lock
    root = project.history_root()
    commit = commit_that_locked(root, md5)
    text = lock_text_at(root, commit) if commit else None
    if text is None:
        return None
    try:
        view = dvc_view.parse(LOCK, text)
    except ParseError:
        return None
    return view if isinstance(view, DvcLock) and view.problem is None else None


def mark(pin: Pin, *keys: Any) -> tuple[int, int]:
    return pin.doc.mark(*keys)
