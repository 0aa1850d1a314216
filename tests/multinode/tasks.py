"""A task for the two-node tests: proves the worker runs what any node queues."""

from __future__ import annotations

from pathlib import Path

from django.tasks import task


@task
def touch(path: str, text: str) -> None:
    Path(path).write_text(text)
