"""The portal's WSGI application, answering with the serving worker's process id.

Only the multi-process tests load it (gunicorn ``tests.multiprocess.worker_wsgi``): they must
know that every worker, not just one, saw a change.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from disclosure_portal.wsgi import application as portal


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    def with_pid(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
        return start_response(status, [*headers, ("X-Worker-Pid", str(os.getpid()))], *args)

    return portal(environ, with_pid)
