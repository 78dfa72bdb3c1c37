"""The benchmark suite (issue 14): the app under gunicorn with production settings, measured over
HTTP on a synthetic data set of a chosen size. Run it with ``make bench SIZE=region`` or
``python -m bench run --size region``; docs/performance.md explains the figures.

Standalone single-query scripts that predate the suite live next to it (``jobseeker_list.py``,
``matching.py``, ``stats_rollup.py``); each says how to run it in its docstring.
"""
