"""The model file of a Vertex AI container: Vertex AI copies the Model's ``artifactUri``
to ``$AIP_STORAGE_URI`` (a ``gs://`` prefix) and leaves the download to the container.

The container reads it with google-cloud-storage and the deployment's service account
(in the image only for ``cloud: gcp`` with ``deploy_target: managed``). KServe,
SageMaker and Azure ML mount the model themselves; there this returns None.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

STORAGE_ENV = "AIP_STORAGE_URI"
MODEL_FILE = "model.{{ 'pt' if cookiecutter.ml_framework == 'pytorch' else 'joblib' }}"


def from_vertex(target_dir: Path | None = None, client: object = None) -> Path | None:
    """Download ``$AIP_STORAGE_URI/<model file>`` into ``target_dir`` (default: a new
    temporary folder); its path, or None off Vertex AI."""
    uri = os.environ.get(STORAGE_ENV, "")
    if not uri.startswith("gs://"):
        return None
    target_dir = target_dir or Path(tempfile.mkdtemp(prefix="model-"))
    parts = urlsplit(uri)
    if client is None:
        from google.cloud import storage

        client = storage.Client()
    key = f"{parts.path.strip('/')}/{MODEL_FILE}".lstrip("/")
    target = target_dir / MODEL_FILE
    target_dir.mkdir(parents=True, exist_ok=True)
    client.bucket(parts.netloc).blob(key).download_to_filename(str(target))  # type: ignore[attr-defined]
    return target
