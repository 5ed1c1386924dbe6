"""Read and write the DVC remote's objects with each cloud's own client and identity.

No anonymous download: S3 through botocore (the role ``configure-aws-credentials``
assumed), Cloud Storage through google-cloud-storage (the workload identity
``google-github-actions/auth`` set up) and Azure Blob through azure-storage-blob with
``DefaultAzureCredential`` (the ``azure/login`` OIDC session). All three come with the
DVC remote's extra in the lock.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .common import DeployError


def split(uri: str) -> tuple[str, str, str]:
    """Scheme, bucket (or ``account/container``) and key of a remote object's URI."""
    parts = urlsplit(uri)
    key = parts.path.lstrip("/")
    if parts.scheme in ("s3", "gs") and parts.netloc and key:
        return parts.scheme, parts.netloc, key
    if parts.scheme == "https" and parts.netloc.endswith(".blob.core.windows.net") and "/" in key:
        container, blob = key.split("/", 1)
        return "azure", f"{parts.netloc.split('.', 1)[0]}/{container}", blob
    raise DeployError(f"{uri!r} is not an s3://, gs:// or Azure Blob object")


def s3_client() -> Any:
    import botocore.session

    return botocore.session.get_session().create_client("s3")


def read(uri: str, client: Any = None) -> bytes:
    """The bytes of the object at ``uri`` (``client``: the SDK client to use, for tests)."""
    scheme, bucket, key = split(uri)
    if scheme == "s3":
        s3 = client or s3_client()
        return bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    if scheme == "gs":
        return bytes(_gcs_blob(bucket, key, client).download_as_bytes())
    return bytes(_azure_blob(bucket, key, client).download_blob().readall())


def write(uri: str, payload: bytes, client: Any = None) -> None:
    """Store ``payload`` at ``uri``."""
    scheme, bucket, key = split(uri)
    if scheme == "s3":
        (client or s3_client()).put_object(Bucket=bucket, Key=key, Body=payload)
    elif scheme == "gs":
        _gcs_blob(bucket, key, client).upload_from_string(payload)
    else:
        _azure_blob(bucket, key, client).upload_blob(payload, overwrite=True)


def _gcs_blob(bucket: str, key: str, client: Any) -> Any:
    if client is None:
        from google.cloud import storage

        client = storage.Client()
    return client.bucket(bucket).blob(key)


def _azure_blob(account_container: str, key: str, client: Any) -> Any:
    account, container = account_container.split("/", 1)
    if client is None:
        from azure.identity import DefaultAzureCredential
        from azure.storage.blob import BlobServiceClient

        url = f"https://{account}.blob.core.windows.net"
        client = BlobServiceClient(url, credential=DefaultAzureCredential())
    return client.get_blob_client(container=container, blob=key)
