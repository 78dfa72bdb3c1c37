"""The load test's one user: requests one path as fast as the server answers, signed in with the
session cookie the runner hands over (``BENCH_LOCUST_PATH``, ``BENCH_LOCUST_COOKIE``)."""

import os

from locust import HttpUser, task

PATH = os.environ.get("BENCH_LOCUST_PATH", "/bench/trivial/")
COOKIE = os.environ.get("BENCH_LOCUST_COOKIE", "")


class PageUser(HttpUser):
    # No think time: the question is how many requests the server can serve.
    wait_time = staticmethod(lambda: 0)

    def on_start(self):
        if COOKIE:
            self.client.cookies.set("sessionid", COOKIE)

    @task
    def page(self):
        with self.client.get(PATH, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
