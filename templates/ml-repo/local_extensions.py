"""Jinja filters of this template, loaded by cookiecutter's ``_extensions`` (plain
cookiecutter puts the template's folder on ``sys.path`` too, so ``cookiecutter
--directory templates/ml-repo`` renders the same names as ``mlrig new``)."""

from __future__ import annotations

import hashlib

from cookiecutter.utils import simple_filter


@simple_filter
def sha256_hex(value: object) -> str:
    """The SHA-256 of ``value``'s text, in lower-case hex: a stable suffix for the Azure
    names that must be unique worldwide (see ``azure_name_suffix``)."""
    return hashlib.sha256(str(value).encode("utf-8")).hexdigest()
