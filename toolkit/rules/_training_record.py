"""The ``training_framework`` record of a deployment pin, for a pin of an earlier model.

A pin that names another model than ``dvc.lock`` records now (production before a
promotion) is served by an image built for the lock that trained that model, not for
today's lock. What it must hold is what trained its model: ``training_framework``, which
``pins update`` writes from the lock that ``dvc.lock`` recorded for the training stage,
and ``pins promote`` carries from staging. Its ``serving_framework`` is compared with that.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.views.pins import Pin
from toolkit.rules._serving_record import ALIASES, Entry, entries

TRAINING_KEY = "training_framework"
SERVING_KEY = "serving_framework"


def earlier_pin(
    pin: Pin, served: dict[Any, Any], frameworks: tuple[str, ...], code: str
) -> Iterator[Finding]:
    """Each framework that trained the pin's model is the version its image serves."""
    record = pin.doc.get(TRAINING_KEY)
    if not isinstance(record, Mapping) or not record:
        yield Finding(pin.path, *pin.doc.mark("serving_image"), code, _missing(pin))
        return
    serving = {entry.name: entry for entry in entries(pin, served)}
    trained = entries(pin, dict(record), TRAINING_KEY)
    named = [entry for entry in trained if entry.name in frameworks]
    if not named:
        yield Finding(pin.path, *pin.doc.mark(TRAINING_KEY), code, _unnamed(trained))
    for entry in named:
        yield from _compare(pin, entry, serving.get(entry.name), code)


def _compare(pin: Pin, trained: Entry, served: Entry | None, code: str) -> Iterator[Finding]:
    if served is None:
        message = (
            f"{SERVING_KEY} records no {trained.name}, the framework that trained this pin's"
            f" model ({trained.name} {trained.version}, {TRAINING_KEY} at line {trained.line});"
            " rebuild the image and record it with `pins image`"
        )
        yield Finding(pin.path, *pin.doc.mark(SERVING_KEY), code, message)
    elif served.version != trained.version:
        message = (
            f"serving installs {trained.name} {served.version}, but this pin's model (an"
            f" earlier one than dvc.lock's) was trained with {trained.name} {trained.version}"
            f" ({TRAINING_KEY} at line {trained.line}); serve it with an image built from the"
            " lock that trained it, or promote a model trained with the image's version"
        )
        yield Finding(pin.path, served.line, served.column, code, message)


def _unnamed(trained: list[Entry]) -> str:
    keys = ", ".join(repr(entry.key) for entry in trained)
    meant = sorted({ALIASES[entry.name] for entry in trained if entry.name in ALIASES})
    hint = f"write {' or '.join(meant)}" if meant else "write the framework's distribution name"
    return (
        f"{TRAINING_KEY} names {keys}, no model framework's distribution name, so nothing"
        f" says which framework must serve the model; {hint} (as `pins update` records it)"
    )


def _missing(pin: Pin) -> str:
    return (
        f"the pin serves an earlier model than dvc.lock records and records no {TRAINING_KEY}"
        " (the framework versions that trained it), so nothing can tell whether serving_image"
        " holds them; promote it from a staging pin that `pins update` wrote, or record"
        f" them ({TRAINING_KEY}: {{scikit-learn: <version>}}) and rebuild the image with"
        " `pins image` if they differ"
    )
