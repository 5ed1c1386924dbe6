"""Findings of earlier runs, reused while nothing a rule read has changed.

``mlrig check`` runs on every commit, and most commits leave most files alone.
Each rule's findings are stored with what it read (the view kinds, by the list
of their files; single files; the whole file list, if it looked) and each input
file's signature: size, modification and change times, inode. A later run with
the same mlrig and the same rule options reuses a rule's findings when every
one of its inputs still has the stored signature, without importing the rule,
its views or the YAML parser. Parse errors and inline suppressions are stored per
file, so a reused rule's files are suppressed and reported exactly as if they
had been read again.

What is never reused: a rule that asked git's history (the model pins), a file
modified less than :data:`RACY_SECONDS` before it was stored (its time stamp
cannot tell a later edit within the same tick), anything written by another
mlrig or Python. The cache lives in the user's cache folder, one file per
repository (``$MLRIG_CACHE_DIR``, else ``$XDG_CACHE_HOME/mlrig``, else
``~/.cache/mlrig``), never in the work tree: a repository cannot bring results
of its own, and the file is only ever written by the user's own mlrig. It is
written atomically and rebuilt whenever it cannot be read; ``--no-cache``
skips it.
"""

from __future__ import annotations

import contextlib
import marshal
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from toolkit.check.cache_store import (
    FORMAT,
    FindingRow,
    cache_dir,
    cache_file,
    fingerprint,
    from_row,
    private_folder,
    prune,
    read_private,
    seal,
    to_row,
    trusted,
    unseal,
    write_atomically,
)
from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.reads import READ, Record
from toolkit.check.suppress import Suppression

MAX_MEMOS = 100_000  # results kept: this run's first, then the most recently stored
ANY = "*"  # a kind whose file list a per-file memo does not depend on

# Stored shapes (marshal takes only plain containers). A rule's memo holds its
# findings, the kinds it read (each with the digest of its files), its input
# paths, the digest of the whole file list (empty if it never looked), the parse
# errors it reported itself, and the run that stored it. A file's entry holds its
# signature, its suppressions, and its parse errors by origin.


class Cache:
    """One repository's stored results: load, look up, record, save."""

    def __init__(self, path: Path, stamp: str, stored: Mapping[str, Any] | None) -> None:
        self.path = path
        self.stamp = stamp
        usable = stored is not None and stored.get("stamp") == stamp
        data: Mapping[str, Any] = stored if usable and stored is not None else {}
        self.run: int = data.get("run", 0) + 1
        self.memos: dict[str, tuple[Any, ...]] = dict(data.get("memos", {}))
        self.files: dict[str, tuple[Any, ...]] = dict(data.get("files", {}))
        self.kinds: dict[str, tuple[str, tuple[str, ...]]] = dict(data.get("kinds", {}))
        self.facts: dict[str, tuple[Any, dict[str, Any]]] = dict(data.get("facts", {}))
        self.fresh_facts: dict[str, dict[str, Any]] = {}
        self.fact_paths: set[str] = set()
        self.used: set[str] = set()
        self.changed = not usable

    @classmethod
    def load(cls, root: Path) -> Cache:
        """The stored cache of ``root``, or an empty one when there is none or it is damaged.

        :class:`~toolkit.check.cache_store.CacheRefused` when the cache folder is not the
        user's own (the caller runs without a cache); ``OSError`` when there is none.
        """
        path = cache_file(root)
        private_folder(path.parent, cache_dir())
        stored: Any = None
        data = read_private(path)
        payload = unseal(data) if data is not None else None
        if payload is not None:
            try:
                stored = marshal.loads(payload)
            except (EOFError, ValueError, TypeError):
                stored = None
        if not _well_formed(stored):
            stored = None
        return cls(path, fingerprint(), stored)

    def forget(self) -> None:
        """Remove the stored file (it held something this mlrig did not write)."""
        with contextlib.suppress(OSError):
            self.path.unlink()

    def prime(self, project: Project) -> None:
        """Give the project the kinds' file lists (so unchanged kinds import no view module)
        and this cache as its store of per-file results."""
        for kind, known in self.kinds.items():
            if isinstance(known, tuple) and len(known) == 2 and isinstance(known[1], tuple):
                project.know_kind(kind, str(known[0]), known[1])
        project.fact_store = self

    def fact(self, project: Project, kind: str, name: str, path: str) -> list[Any] | None:
        """A per-file result stored for ``path`` while the file is unchanged (see
        :meth:`Project.each_file`); the file's parse errors are handed to the project."""
        from toolkit.check.cache_codec import decode

        try:
            entry = self.facts.get(path)
            if entry is None or entry[0] is None or name not in entry[1]:
                return None
            signature = project.signature(path)
            if tuple(entry[0]) != signature:
                return None
            known = self.files.get(path)
            if known is None or known[0] is None or tuple(known[0]) != signature:
                return None  # its parse errors and suppressions are not known
            errors = self._parse_errors(path, {kind})
            value = decode(entry[1][name])
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None
        if not isinstance(value, list):
            return None
        project.add_errors(errors)
        self.fact_paths.add(path)
        return value

    def put_fact(self, project: Project, name: str, path: str, value: list[Any]) -> None:
        """Keep a per-file result, for as long as the file keeps its signature."""
        from toolkit.check.cache_codec import encode

        try:
            stored = encode(value)
        except ValueError:  # not plain data: computed again next time
            return
        self.changed = True
        self.fresh_facts.setdefault(path, {})[name] = stored

    def reuse(
        self, key: str, project: Project, views: Iterable[str], path: str | None = None
    ) -> list[Finding] | None:
        """The stored findings for ``key`` when every input is unchanged (their errors and
        suppressions are handed to the project); ``None`` otherwise.

        ``views`` are the kinds the rule declares; ``path`` the one file of a per-file
        result. The stored inputs must cover them: every file of each declared kind
        that has files (or exactly ``path``), each with its unchanged signature. A
        result that names no input, as a crafted cache file could, is never reused.
        """
        memo = self.memos.get(key)
        try:
            if memo is None or not self._valid(memo, project, tuple(views), path):
                return None
            found, kinds, inputs, _, errors, _ = memo
            wanted = {kind for kind, _ in kinds}
            restored = [from_row(row) for row in errors]
            for each, _ in inputs:
                restored.extend(self._parse_errors(each, wanted))
            findings = [from_row(row) for row in found]
        except (TypeError, ValueError, KeyError, IndexError):  # not a cache this mlrig wrote
            return None
        project.add_errors(restored)
        self.used.add(key)
        return findings

    def _parse_errors(self, path: str, kinds: set[str]) -> list[Finding]:
        """The stored errors of reading ``path``, or of parsing it as one of ``kinds``."""
        return [
            from_row(row)
            for origin, row in self.files[path][2]
            if origin in kinds or origin == READ
        ]

    def suppressions(self, paths: Iterable[str]) -> list[Suppression]:
        """The stored suppressions of files that were not read this run."""
        empty: tuple[Any, ...] = (None, (), ())
        try:
            return [Suppression(*row) for path in paths for row in self.files.get(path, empty)[1]]
        except (TypeError, ValueError, IndexError):
            return []

    def _valid(
        self, memo: tuple[Any, ...], project: Project, views: tuple[str, ...], path: str | None
    ) -> bool:
        _, kinds, inputs, all_files, _, _ = memo
        paths = [each for each, _ in inputs]
        if path is not None and paths != [path]:
            return False
        if all_files and all_files != project.files_digest():
            return False
        if any(stamp != ANY and stamp != project.kind_digest(kind) for kind, stamp in kinds):
            return False
        if path is None:
            stamped = {kind for kind, stamp in kinds if stamp != ANY}
            covered = set(paths)
            for kind in views:
                if project.has(kind) and (
                    kind not in stamped or not covered.issuperset(project.files_of(kind))
                ):
                    return False
        return self._unchanged(inputs, project)

    def _unchanged(self, inputs: tuple[Any, ...], project: Project) -> bool:
        """Each input as it was when the result was computed: the same signature now, and
        the stored suppressions and errors of that same version of the file."""
        for each, signature in inputs:
            if signature is None or tuple(signature) != project.signature(each):
                return False
            entry = self.files.get(each)
            if entry is None or entry[0] is None or tuple(entry[0]) != tuple(signature):
                return False
        return True

    def store(self, key: str, found: Iterable[Finding], record: Record, project: Project) -> None:
        """Keep a rule's fresh findings with what it read (nothing, if it asked git history)."""
        self.changed = True
        self.memos.pop(key, None)
        if record.history:
            return
        paths = set(record.paths)
        for kind in record.kinds:
            paths.update(project.files_of(kind))
        inputs = self._signed(project, paths)
        if inputs is None:
            return  # an input without a trusted signature: nothing to check a reuse against
        kinds = tuple(sorted((kind, project.kind_digest(kind)) for kind in record.kinds))
        all_files = project.files_digest() if record.all_files else ""
        known = project.errors()
        errors = tuple(to_row(known[k]) for k in sorted(record.errors) if k in known)
        rows = tuple(to_row(f) for f in found)
        self.memos[key] = (rows, kinds, inputs, all_files, errors, self.run)
        self.used.add(key)

    @staticmethod
    def _signed(project: Project, paths: Iterable[str]) -> tuple[tuple[str, Any], ...] | None:
        """Each input with its signature as read this run (``None`` if one is not trusted)."""
        now = time.time_ns()
        inputs = tuple((path, trusted(project.signature(path), now)) for path in sorted(paths))
        return None if any(signature is None for _, signature in inputs) else inputs

    def store_file(
        self, key: str, project: Project, path: str, kinds: Iterable[str], found: Iterable[Finding]
    ) -> None:
        """Keep the findings a per-file rule made on one file, which it alone decides."""
        self.changed = True
        self.memos.pop(key, None)
        inputs = self._signed(project, [path])
        if inputs is None:
            return
        rows = tuple(to_row(f) for f in found)
        marked = tuple((kind, ANY) for kind in sorted(kinds))
        self.memos[key] = (rows, marked, inputs, "", (), self.run)
        self.used.add(key)

    def sent(self) -> tuple[dict[str, dict[str, Any]], set[str]]:
        """What a second process checking the same files adds: new facts, facts used."""
        return self.fresh_facts, self.fact_paths

    def take(self, sent: tuple[dict[str, dict[str, Any]], set[str]]) -> None:
        """Take in :meth:`sent` from the other process."""
        fresh, used = sent
        for path, facts in fresh.items():
            self.fresh_facts.setdefault(path, {}).update(facts)
        self.fact_paths |= used
        self.changed = self.changed or bool(fresh)

    def used_paths(self) -> set[str]:
        """The input files of every result this run reused or stored."""
        used = {path for key in self.used if key in self.memos for path, _ in self.memos[key][2]}
        return used | self.fact_paths

    def save(self, project: Project, scanned: Mapping[str, list[Suppression]]) -> None:
        """Write the cache if this run added to it; a cache that cannot be written is skipped."""
        if not self.changed:
            return
        self._update_files(project, scanned)
        for kind in project._kind_files:
            self.kinds[kind] = (project.candidates_digest(kind), tuple(project.files_of(kind)))
        memos = sorted(
            self.memos.items(), key=lambda item: (item[0] not in self.used, -item[1][5])
        )[:MAX_MEMOS]
        self.memos = dict(memos)
        facts = self._merged_facts(project)
        needed = {path for memo in self.memos.values() for path, _ in memo[2]} | set(facts)
        files = {path: entry for path, entry in self.files.items() if path in needed}
        data = {
            "format": FORMAT,
            "stamp": self.stamp,
            "run": self.run,
            "memos": self.memos,
            "files": files,
            "kinds": self.kinds,
            "facts": facts,
        }
        with contextlib.suppress(OSError, ValueError):  # read-only: check without a cache
            write_atomically(self.path, seal(marshal.dumps(data)))
            prune(self.path.parent.parent, time.time())

    def _merged_facts(self, project: Project) -> dict[str, tuple[Any, dict[str, Any]]]:
        """Stored per-file results, this run's added; those of changed files dropped."""
        signatures = project.signatures()
        facts = {
            path: entry
            for path, entry in self.facts.items()
            if path not in signatures
            or (entry[0] is not None and tuple(entry[0]) == signatures[path])
        }
        for path, fresh in self.fresh_facts.items():
            signature = self.files.get(path, (None,))[0]
            if signature is None:
                continue
            old = facts.get(path)
            kept = old[1] if old is not None and tuple(old[0]) == tuple(signature) else {}
            facts[path] = (signature, {**kept, **fresh})
        return facts

    def _update_files(self, project: Project, scanned: Mapping[str, list[Suppression]]) -> None:
        now = time.time_ns()
        known = project.errors()
        errors: dict[str, list[tuple[str, FindingRow]]] = {}
        for key, origin in project.error_origins().items():
            if origin is not None and key in known:
                errors.setdefault(key[0], []).append((origin, to_row(known[key])))
        read = project.read_texts()
        for path, signature in project.signatures().items():
            old = self.files.get(path)
            same = old is not None and old[0] is not None and tuple(old[0]) == signature
            if path not in read:  # only signed (checked for reuse) or hashed as data
                if not same:
                    self.files[path] = (trusted(signature, now), (), ())
                continue
            fresh = errors.get(path, [])
            origins = {origin for origin, _ in fresh}
            kept = [(o, row) for o, row in old[2] if o not in origins] if same and old else []
            rows = tuple(tuple(s) for s in scanned.get(path, ()))
            self.files[path] = (trusted(signature, now), rows, tuple(kept + fresh))


_SHAPES = {"memos": dict, "files": dict, "kinds": dict, "facts": dict, "stamp": str, "run": int}


def _well_formed(stored: Any) -> bool:
    """Whether ``stored`` has the top-level shape this mlrig writes (entries are checked
    where they are used: any that is not as written is simply not reused)."""
    return (
        type(stored) is dict
        and stored.get("format") == FORMAT
        and all(type(stored.get(key)) is kind for key, kind in _SHAPES.items())
    )
