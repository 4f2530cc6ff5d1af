"""System checks for deployments (`manage.py check --deploy`)."""

from django.core.checks import Tags, Warning, register
from django.tasks import task_backends
from django.tasks.backends.immediate import ImmediateBackend


@register(Tags.compatibility, deploy=True)
def tasks_run_by_a_worker(app_configs, **kwargs):
    if not isinstance(task_backends["default"], ImmediateBackend):
        return []
    return [
        Warning(
            "TASKS_BACKEND is 'immediate': public files of photos (renditions, redactions) "
            "are built inside the request that needs them, a few seconds per photo, and "
            "nothing builds the ones a page finds missing.",
            hint="Set TASKS_BACKEND=database and run `manage.py db_worker` under a supervisor.",
            id="newsroom.W001",
        )
    ]
