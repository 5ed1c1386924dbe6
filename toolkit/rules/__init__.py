"""mlrig's rules: one module per rule, listed in :mod:`toolkit.rules.registry`."""
