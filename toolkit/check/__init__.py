"""``mlrig check``: find the files, parse each once into a view, run the rules, report.

Entry points: :func:`toolkit.check.command.run_check` for the command line,
:class:`toolkit.check.project.Project` and :func:`toolkit.check.engine.check_project`
for tests and other callers. Nothing heavy is imported here.
"""
