"""The speed harness: ``mlrig check`` against ``zizmor --offline`` (docs/performance.md).

Entry points, each a ``python -m`` module with ``--help``:

- ``bench`` (``bench.run``): measure every case and write ``docs/performance.md``
  and ``docs/performance.png``; raw results go to ``bench/results/`` (git-ignored).
- ``bench.corpus OUT MIRROR...``: (re)build the real-repository corpus from git
  mirrors into ``bench/.work/`` (git-ignored; never commit those files).
- ``bench.synthetic OUT --files N``: write the seeded synthetic repository.
- ``bench.report RESULTS.json``: re-render the Markdown and the plot.
- ``bench.importtime TREE`` and ``bench.profile TREE``: where start-up and run time go.

Benchmarks are not tests: nothing here asserts a time.
"""
