"""Run queued ``django.tasks`` tasks the way ``manage.py db_worker --batch`` does, in-process.

This is django_tasks_db's own worker loop (claim a ready row, run the task, record the result),
so tests exercise the real database backend. Only its connection recycling is switched off:
inside a test's transaction, closing the connection would discard the test's data.
"""

from __future__ import annotations

from unittest import mock

from django_tasks_db.management.commands import db_worker


def run_queued_tasks() -> int:
    """Run every task that is ready now, then return how many ran."""
    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="pytest",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()
    return worker._run_tasks
