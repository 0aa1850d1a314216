"""Public pages served from a cache while the data they show is unchanged.

Only anonymous ``GET``/``HEAD`` requests of pages that show no personal data are cached, keyed
by the full path, the language, the day (pages show dates relative to today) and the version
stamps of the data the page shows (``disclosure_portal.versions``): a commit that changes the
data changes the key, so no entry is ever deleted or expires to be right. Entries live in
each process's memory (a bounded LRU): a hit then costs no network round trip and no
unpickling, which measured 3.5 ms of a 4.6 ms hit on a loaded machine with Redis
(bench/versions.md); being right needs nothing shared, since the key carries the stamps.

Each response carries a fresh CSP nonce and CSRF token: they are cut out of the stored page and
the requester's own are put back in, so no two visitors ever share a nonce or a token.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from disclosure_portal import versions

# Pages kept per process, least recently used dropped first (~50 KB each).
MAX_ENTRIES = 256
NONCE_MARK = "\x00portal-nonce\x00"
CSRF_MARK = "\x00portal-csrf\x00"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
# Headers rebuilt for each response by the middleware (or by HttpResponse itself).
_SKIPPED_HEADERS = {"content-length", "set-cookie", "content-security-policy", "vary"}

View = Callable[..., HttpResponse]


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def set(self, key: str, value: dict[str, Any]) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_pages = _LRU(MAX_ENTRIES)


def clear() -> None:
    """Forget this process's pages (tests)."""
    _pages.clear()


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    # A pending message ("已退出登录") belongs to one visitor.
    if "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _key(request: HttpRequest, stamps: list[int]) -> str:
    raw = "|".join(
        [
            request.get_host(),  # feeds and API pages carry absolute links
            request.get_full_path(),
            get_language() or "",
            timezone.localdate().isoformat(),
            ",".join(map(str, stamps)),
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def _freeze(request: HttpRequest, response: HttpResponse) -> dict[str, Any] | None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if "no-store" in response.get("Cache-Control", "") or "private" in response.get(
        "Cache-Control", ""
    ):
        return None
    charset = response.charset or "utf-8"
    content = response.content.decode(charset)
    nonce = get_nonce(request)
    if nonce:  # generated while rendering: the page carries it
        content = content.replace(str(nonce), NONCE_MARK)
    content = _CSRF_INPUT.sub(lambda m: m.group(1) + CSRF_MARK + m.group(3), content)
    headers = [
        (name, value) for name, value in response.items() if name.lower() not in _SKIPPED_HEADERS
    ]
    return {"content": content, "charset": charset, "headers": headers}


def _thaw(request: HttpRequest, frozen: dict[str, Any]) -> HttpResponse:
    content: str = frozen["content"]
    if NONCE_MARK in content:
        content = content.replace(NONCE_MARK, str(get_nonce(request)))
    if CSRF_MARK in content:
        content = content.replace(CSRF_MARK, get_token(request))
    response = HttpResponse(content.encode(frozen["charset"]))
    for name, value in frozen["headers"]:
        response[name] = value
    return response


def cache_public_page(*namespaces: str) -> Callable[[View], View]:
    """Serve the decorated view's anonymous 200 answers from the cache while ``namespaces``
    keep their version stamps."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            stamps = [versions.current(namespace) for namespace in namespaces]
            if None in stamps:
                return view(request, *args, **kwargs)
            key = _key(request, stamps)  # type: ignore[arg-type]
            frozen = _pages.get(key)
            if frozen is not None:
                return _thaw(request, frozen)
            response = view(request, *args, **kwargs)
            frozen = _freeze(request, response)
            if frozen is not None:
                _pages.set(key, frozen)
            return response

        return wrapped

    return decorator


def public_data(request: Any, namespaces: tuple[str, ...], build: Callable[[], Any]) -> Any:
    """``build()`` (an API answer's data, before rendering), remembered like a page for anonymous
    ``GET``s while ``namespaces`` keep their stamps. The view still runs its permission and
    throttle checks on every request; only building the answer is skipped."""
    if not _cacheable_request(request):
        return build()
    stamps = [versions.current(namespace) for namespace in namespaces]
    if None in stamps:
        return build()
    key = "data:" + _key(request, stamps)  # type: ignore[arg-type]
    hit = _pages.get(key)
    if hit is not None:
        return hit["data"]
    data = build()
    _pages.set(key, {"data": data})
    return data
