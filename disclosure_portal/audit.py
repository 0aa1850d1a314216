"""The tamper-evident audit log: who did what, when, from where, with before and after.

Every row carries an HMAC over its own content and the previous row's hash (a hash chain).
Writers serialise on one lock row (``AuditHead``, ``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
has one writer at a time anyway), so two concurrent transactions can never both extend the
same row and fork the chain. A row is written inside the transaction of the change it
records: a rolled-back change leaves no entry, a committed one always has its entry.

``verify`` walks the chain and names the first row that does not fit: an edited row (its
hash no longer matches its content), a deleted one (a gap in ``seq`` or a ``prev_hash`` that
points nowhere), an inserted one (a ``prev_hash`` or a hash that does not match), or rows cut
off the end (the head remembers the last ``seq`` and hash). The key (``AUDIT_KEY``, by
default ``SECRET_KEY``) keeps someone who can write to the database but cannot read the
settings from recomputing a consistent chain after tampering.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from disclosure_portal.models import AuditEntry, AuditHead
from disclosure_portal.net import client_ip

GENESIS = "0" * 64
HEAD_PK = 1

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None
)


# --- Who and from where: the request being served ------------------------------------------


class AuditContextMiddleware:
    """Remembers the request being served, so that an entry written deep inside a service or
    a model signal still knows the user and the client address (``net.client_ip``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()


@contextmanager
def acting_request(request: HttpRequest | None) -> Iterator[None]:
    """Attribute entries written in the block to ``request`` (tests, commands)."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def _actor_of(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


# --- Canonical content and its hash ------------------------------------------------------------


def to_json(value: Any) -> Any:
    """``value`` as plain JSON types, exactly as it will read back from the database."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(value: Any) -> str:
    """One JSON text per value: sorted keys, no spaces, Chinese kept as is."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _key() -> bytes:
    return (getattr(settings, "AUDIT_KEY", "") or settings.SECRET_KEY).encode()


def entry_hash(entry: AuditEntry) -> str:
    content = [
        entry.seq,
        _timestamp(entry.created_at),
        entry.actor_id,
        entry.actor_name,
        entry.ip,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object_repr,
        entry.before,
        entry.after,
        entry.prev_hash,
    ]
    message = canonical(content)
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


# --- Writing --------------------------------------------------------------------------------------


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:
        # First entry ever (or after a test flushed the tables): create the head, then lock it.
        AuditHead.objects.get_or_create(pk=HEAD_PK)
        head = AuditHead.objects.select_for_update().get(pk=HEAD_PK)
    return head


def _clip(text: Any, length: int) -> str:
    return str(text or "")[:length]


def record(
    action: str,
    *,
    actor: Any = None,
    actor_name: str | None = None,
    request: HttpRequest | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    object_repr: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry, in the caller's transaction (or a transaction of its own).

    ``actor`` defaults to the user of the request being served and ``request`` to that
    request; ``actor_name`` overrides the recorded name (a failed login records the name that
    was tried). ``obj`` fills ``object_type``/``object_id``/``object_repr`` from a model row.
    """
    request = request if request is not None else current_request()
    if actor is None:
        actor = _actor_of(request)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr if object_repr is not None else str(obj)
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_name=_clip(
                actor_name if actor_name is not None else (actor.get_username() if actor else ""),
                150,
            ),
            ip=_clip(client_ip(request) if request is not None else "", 45),
            action=_clip(action, 60),
            object_type=_clip(object_type, 100),
            object_id=_clip(object_id, 64),
            object_repr=_clip(object_repr, 200),
            before=to_json(before or {}),
            after=to_json(after or {}),
            prev_hash=head.hash,
        )
        entry.hash = entry_hash(entry)
        entry.save()
        AuditHead.objects.filter(pk=HEAD_PK).update(seq=entry.seq, hash=entry.hash)
    return entry


# --- Checking -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int | None
    pk: int | None
    message: str

    def __str__(self) -> str:
        where = f"第 {self.seq} 条（id={self.pk}）" if self.seq is not None else "链头"
        return f"{where}：{self.message}"


@dataclass(frozen=True, slots=True)
class Verification:
    checked: int
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(*, chunk_size: int = 2000) -> Verification:
    """Walk the whole chain in ``seq`` order; stop at the first row that does not fit."""
    expected_seq = 1
    prev_hash = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            return Verification(
                checked,
                Problem(
                    entry.seq,
                    entry.pk,
                    f"序号应为 {expected_seq}，前面的记录被删除或序号被改动",
                ),
            )
        if entry.prev_hash != prev_hash:
            return Verification(
                checked,
                Problem(entry.seq, entry.pk, "与上一条记录的哈希不符（记录被插入、删除或改动）"),
            )
        if entry_hash(entry) != entry.hash:
            return Verification(
                checked, Problem(entry.seq, entry.pk, "内容与哈希不符（记录被改动）")
            )
        checked += 1
        expected_seq += 1
        prev_hash = entry.hash
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != prev_hash:
        return Verification(
            checked,
            Problem(
                None,
                None,
                f"链头记录的最后一条为第 {head_seq} 条，实际为第 {checked} 条"
                "（末尾的记录被删除或追加）",
            ),
        )
    return Verification(checked, None)
