"""gunicorn's settings in production, the one place for them: the image, compose and Kubernetes
all start `gunicorn --config deploy/gunicorn.conf.py baanbrekers.wsgi:application` in /app.

Any of them can be overridden on the command line or with GUNICORN_CMD_ARGS."""

import json
import os

from gunicorn.glogging import Logger, SafeAtoms

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: per container about one per half CPU of its limit (docs/operations.md).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60
# Less than the pod's terminationGracePeriodSeconds (40) minus its preStop pause (5).
graceful_timeout = 30
# The root file system is read-only: the workers' heartbeat files go to memory (/dev/shm where
# it exists) and no control socket is made (gunicorn 27 would put one in ~/.gunicorn/).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
control_socket_disable = True
# The ingress sets X-Forwarded-Proto; Django trusts it (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# Access log as one JSON object per line, without the client address or the query string
# (either can be personal data: a search for a name). The request id (the response header that
# baanbrekers/logs.py sets, from the proxy or made) ties it to the app's log lines.
accesslog = "-"
access_log_format = (
    '{"event": "access", "method": "%(m)s", "path": "%(U)s", "status": "%(s)s", '
    '"bytes": "%(B)s", "duration_ms": "%(M)s", "request_id": "%({x-request-id}o)s"}'
)


class JsonSafeAtoms(SafeAtoms):
    """gunicorn's own only puts a backslash before '"'; the path is percent-decoded, so a
    backslash (/%5C) or a line break (/%0A) in it would end the string early or start a forged
    line. Every text atom is JSON-escaped instead."""

    def __init__(self, atoms):
        super().__init__({})
        for key, value in atoms.items():
            self[key] = json.dumps(value)[1:-1] if isinstance(value, str) else value


class JsonAccessLogger(Logger):
    atoms_wrapper_class = JsonSafeAtoms


logger_class = JsonAccessLogger


def on_starting(server):
    """Prometheus' multiprocess mode (baanbrekers/metrics.py): counters of an earlier run would
    be added to this one's, so the directory starts empty (a restarted container keeps /tmp)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    """A worker that exits leaves its live gauges behind unless marked dead."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
