"""The pipeline of this repository: ``prepare``, ``train`` and ``evaluate`` (see dvc.yaml)."""
