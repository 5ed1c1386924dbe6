"""Canary rollout of a production pin: KServe's ``canaryTrafficPercent``.

``pins promote staging production`` (or ``pins image production``) that replaces a
served release (another model, or the same model in another serving image) writes
``canary_traffic_percent: 10`` into ``deploy/production.yaml``; the overlay patch
then carries ``canaryTrafficPercent: 10``, and KServe sends 10% of requests to the new
revision and the rest to the last one that had all the traffic. (The serving image is
set on the InferenceService's predictor, not only on its ServingRuntime, so that a new
image is a new predictor revision: serving.py.) A follow-up pull
request made by ``pins rollout production`` sets it to 100: the new release takes all
traffic (and ``pins rollout production 0`` sends everything back to the old one).
The first release of an environment, with nothing to compare against, takes 100%.
"""

from __future__ import annotations

import re
from typing import Any

KEY = "canary_traffic_percent"
CANARY = 10
FULL = 100
IMAGE_KEY = "serving_image"  # serving.IMAGE_KEY
# The environments whose new releases start as a canary with `pins image` (staging
# follows main whole; `pins promote` starts one in any environment it writes).
CANARY_ENVIRONMENTS = ("production",)
LINE = re.compile(r"(?m)^(?P<head>[ \t]*canaryTrafficPercent:[ \t]*)(?P<value>\S.*)$")


def percent(pin: dict[str, Any]) -> int:
    """The share of traffic the pinned model gets (100 unless a canary is running)."""
    value = pin.get(KEY, FULL)
    return value if isinstance(value, int) and not isinstance(value, bool) else FULL


def start(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """``new`` as a canary when it replaces another release: another model, or the same
    model in another serving image (a first image replaces nothing); else at 100%."""
    old_model, new_model = old.get("model"), new.get("model")
    if not (isinstance(old_model, dict) and isinstance(new_model, dict)):
        return with_percent(new, FULL)  # the first model: nothing to compare against
    old_image, new_image = old.get(IMAGE_KEY), new.get(IMAGE_KEY)
    another_image = bool(old_image) and bool(new_image) and old_image != new_image
    if old_model.get("md5") != new_model.get("md5") or another_image:
        return with_percent(new, CANARY)
    return with_percent(new, percent(old))  # the same release: the rollout stands


def with_percent(pin: dict[str, Any], value: int) -> dict[str, Any]:
    """``pin`` with its canary share (the key is left out at 100%)."""
    out = {key: item for key, item in pin.items() if key != KEY}
    if value != FULL:
        out[KEY] = value
    return out


def problem(value: str) -> str | None:
    """Why ``value`` is not a traffic share (None: it is one)."""
    if value.isdigit() and 0 <= int(value) <= FULL:
        return None
    return f"{value!r} is not a percentage from 0 to 100"


def patch_text(text: str, pin: dict[str, Any]) -> str:
    """The overlay patch with ``canaryTrafficPercent`` set from the pin (if it has the line)."""
    return LINE.sub(lambda m: m["head"] + str(percent(pin)), text)
