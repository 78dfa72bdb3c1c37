"""Settings of a benchmark run: the production settings, unchanged, plus two bench-only additions.

- With ``BENCH_QUERY_COUNT`` on, :class:`bench.middleware.QueryCountMiddleware` runs first and adds
  ``X-Query-Count`` and ``Server-Timing`` headers to every answer.
- ``bench.urls`` adds one trivial page (``/bench/trivial/``) to the project's URLs: the baseline of
  the load test, through the same middleware as every other page.

Everything else (secrets, hosts, no SSL redirect over loopback, two-factor off for the bench
users) comes from the environment the runner sets (``bench.runner.bench_environment``).
"""

import os

from baanbrekers.settings.production import *  # noqa: F403
from baanbrekers.settings.production import MIDDLEWARE

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_QUERY_COUNT", "").lower() in {"1", "true", "on", "yes"}:
    MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
