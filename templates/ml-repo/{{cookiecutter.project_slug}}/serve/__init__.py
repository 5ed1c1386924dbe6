"""The model server of this repository: the KServe v2 protocol over the trained model."""
