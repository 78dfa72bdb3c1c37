"""Background work of the imports: the dry run and the import of a large file.

Each task takes the job's id and calls the service, which decides from the job's status
whether there is anything to do (so a duplicate or redelivered message is harmless) and holds
an advisory lock while it runs. Time limits are longer than the default: 50,000 rows take
minutes; they stay below the broker's visibility timeout (an hour), so a long import is not
delivered twice.
"""

from celery import shared_task

from . import services

_LIMITS = {
    "soft_time_limit": services.TASK_TIME_LIMIT - 300,
    "time_limit": services.TASK_TIME_LIMIT,
}


@shared_task(name="imports.dry_run", **_LIMITS)
def dry_run(job_id: int) -> dict:
    job = services.import_dry_run(job_id=job_id)
    return {"status": job.status, "counts": job.counts}


@shared_task(name="imports.apply", **_LIMITS)
def apply(job_id: int) -> dict:
    job = services.import_apply(job_id=job_id)
    return {"status": job.status, "counts": job.counts}
