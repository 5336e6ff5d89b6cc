"""A django-tasks backend that hands Wagtail's own tasks to django-q2.

Wagtail 8 and its search package enqueue work (search index and reference index updates, file
deletions) through django-tasks. Rather than run a second, unmanaged task system, this backend
writes each such task to the platform's outbox, run by django-q2, so one worker, one retry
policy and one monitor (Django admin > Background tasks) cover everything.
"""

from django.utils.module_loading import import_string
from django.utils.timezone import now
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id, normalize_json

RUNNER = "backoffice.task_bridge.run_django_task"


def run_django_task(module_path: str, args: list, kwargs: dict):
    """Executed by the django-q2 worker: look the task up by path and run it."""
    task = import_string(module_path)
    return task.call(*args, **kwargs)


class DjangoQTaskBackend(BaseTaskBackend):
    supports_defer = False
    supports_async_task = False
    supports_get_result = False
    supports_priority = True  # accepted, and ignored: django-q2 runs tasks in order

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        args, kwargs = normalize_json(list(args)), normalize_json(dict(kwargs))
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        # Through the outbox (backoffice.outbox): written with the change, run after the commit
        # (the worker must see the rows the task is about; a rolled-back change is not
        # indexed), once per transaction, and handed over again until it ran.
        from backoffice import outbox

        outbox.add(run_django_task, task.module_path, args, kwargs)
        return result
