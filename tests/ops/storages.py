"""Media storages that fail on purpose, for the fault tests (never used by the portal)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage


class FailingStorage(FileSystemStorage):
    """Writes the first file of each instance's life, then fails like a full disk."""

    saves = 0

    def _save(self, name: str, content: Any) -> str:
        FailingStorage.saves += 1
        if FailingStorage.saves > 1:
            raise OSError(28, "No space left on device")
        return super()._save(name, content)


class StallingStorage(FileSystemStorage):
    """The second save of a process (its first file is already written) writes the process
    id to the file named by ``STALL_MARKER`` and stalls long enough for the test to kill the
    process mid-request; once the marker exists, saves go through."""

    saves = 0

    def _save(self, name: str, content: Any) -> str:
        StallingStorage.saves += 1
        marker = os.environ.get("STALL_MARKER")
        if marker and StallingStorage.saves == 2 and not Path(marker).exists():
            Path(marker).write_text(str(os.getpid()))
            time.sleep(float(os.environ.get("STALL_SECONDS", "30")))
        return super()._save(name, content)
