"""Deploy a pinned model to the cloud's managed endpoint, safely.

``python -m {{ cookiecutter.package_name }}.managed deploy <env>`` (the CD workflow runs it)
fetches the model that ``deploy/<env>.yaml`` pins with the cloud's own client and the
workflow's OIDC identity, checks its md5, deploys it beside the model being served at 0%
of the traffic, sends a smoke request through the real endpoint, then moves all traffic
to it and deletes what it replaced. A failing smoke request rolls back and exits 1.
A release is the model with its serving image and deploy settings (instance type and
count, capture share, container environment): a change of any of them rolls out the same
way, and an endpoint that serves the same release already is left as it is.
The endpoint records requests and answers under ``<DVC remote>/monitoring/`` at the
share ``params.yaml`` ``monitoring.capture_percent`` gives (0 turns capture off).
"""
