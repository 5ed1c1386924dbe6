"""The speed harness: ``mlrig check`` against ``zizmor --offline``. See ``bench.run``."""
