"""The Celery application. Configuration comes from Django settings (the CELERY_ names)."""

import contextlib
import logging.config

from celery import Celery, bootsteps, signals

from baanbrekers.settings.entrypoint import settings_module_select

logger = logging.getLogger(__name__)

# Before the app is made: Celery's Django fixup reads DJANGO_SETTINGS_MODULE in the constructor.
# The module the environment names; else dev, or production when DEBUG is off (entrypoint).
settings_module_select()

app = Celery("baanbrekers")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# --- Observability (baanbrekers/logs.py, baanbrekers/health.py) -----------------------------
# The request id follows a request into the tasks it queues: a header on the message, bound in
# the worker while the task runs (a task queued by a task keeps the same id). A task that
# nobody's request queued (beat) gets an id of its own.
_TOKENS = "_bb_log_tokens"


@signals.before_task_publish.connect(weak=False)
def _request_id_to_message(headers=None, **kwargs):
    from . import logs

    request_id = logs.request_id_current()
    if request_id and headers is not None:
        headers.setdefault(logs.TASK_HEADER, request_id)


@signals.task_prerun.connect(weak=False)
def _request_id_bind(task_id=None, task=None, **kwargs):
    from . import logs

    # A header can come from anyone who can write to the broker: only a well-formed id is kept.
    request_id = logs.request_id_accept(
        getattr(task.request, logs.TASK_HEADER, None) or logs.request_id_current()
    )
    tokens = (logs.request_id_bind(request_id), logs.task_bind(task_id, task.name))
    setattr(task.request, _TOKENS, tokens)
    logger.debug("task %s started", task.name)


@signals.task_postrun.connect(weak=False)
def _request_id_unbind(task=None, **kwargs):
    from . import logs

    tokens = getattr(task.request, _TOKENS, None)
    if tokens is None:
        return
    logger.debug("task %s finished: %s", task.name, kwargs.get("state"))
    with contextlib.suppress(ValueError):  # made in another context: nothing to undo here
        logs.task_unbind(tokens[1])
        logs.request_id_unbind(tokens[0])


@signals.setup_logging.connect(weak=False)
def _logging_from_settings(loglevel=None, logfile=None, **kwargs):
    """The worker and beat log as the web does (settings.LOGGING: JSON or plain, request id, no
    personal data) instead of Celery's own format; ``--loglevel`` still sets the level and
    ``--logfile`` adds a file with the same lines."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    root = logging.getLogger()
    if loglevel:
        root.setLevel(loglevel)
    if logfile and root.handlers:
        console = root.handlers[0]
        to_file = logging.FileHandler(logfile)
        to_file.setFormatter(console.formatter)
        for log_filter in console.filters:
            to_file.addFilter(log_filter)
        root.addHandler(to_file)


class Heartbeat(bootsteps.StartStopStep):
    """Touches settings.WORKER_HEARTBEAT_FILE every few seconds while the consumer runs (on the
    worker's own event loop: a worker whose loop is stuck, or which lost its broker, stops
    touching it). ``python -m baanbrekers.health worker-alive`` is the liveness probe."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.timer_ref = None

    def start(self, parent):
        from . import health

        health.heartbeat_touch()
        self.timer_ref = parent.timer.call_repeatedly(
            health.HEARTBEAT_SECONDS, health.heartbeat_touch
        )

    def stop(self, parent):
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None


app.steps["consumer"].add(Heartbeat)
