"""Least privilege (issue 8): every staff URL and every API operation, for every role —
handler, approver, publisher, reporter, reviewer, superuser, anonymous and the staff of
another organ —
against the role × action tables of the apps' permissions modules.

A probe is allowed when the answer is anything but 401/403/404 or a redirect to the login
page (a 400 for an empty form is allowed: the permission check came first); it is denied when
it is one of those. The walk at the end proves that no staff URL or API operation is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from catalog import permissions as catalog_permissions
from catalog.import_models import ItemImport
from catalog.models import Item
from disclosure_portal.models import OutboxMail
from reports import permissions as report_permissions
from reports.models import Consultation
from requests_app import permissions as request_permissions
from requests_app import services as request_services
from requests_app.models import Appeal
from tests import files
from tests.factories import make_item, make_organ, make_staff, make_superuser
from tests.requests_app.factories import make_application
from tests.security.test_page_fuzz import url_templates

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

ROLES = [
    "handler",
    "approver",
    "publisher",
    "reporter",
    "reviewer",
    "superuser",
    "anonymous",
    "other_organ",
]
# ORGAN_STAFF: any staff member of the organ (or an organ above it), whatever the role.
PUBLIC, SUPERUSER, ANY_STAFF, ORGAN_STAFF = "public", "superuser", "any_staff", "organ_staff"
R = request_permissions.Action
C = catalog_permissions.Action
P = report_permissions.Action
TABLES = {
    **{f"requests.{k}": v for k, v in request_permissions.TABLE.items()},
    **{f"catalog.{k}": v for k, v in catalog_permissions.TABLE.items()},
    **{f"reports.{k}": v for k, v in report_permissions.TABLE.items()},
}


@dataclass
class World:
    organ: Any
    other: Any
    user: Any
    handler: Any
    item: Any
    year: int = 2025

    def application(self) -> Any:
        return make_application(self.organ)

    def answered(self) -> Any:
        app = self.application()
        return request_services.application_answer(
            actor=None, application=app, outcome="disclosed", reply="予以公开。"
        )

    def scan(self) -> str:
        """``<application id>/attachments/<attachment id>`` of an application with a scan."""
        upload = SimpleUploadedFile("身份证.pdf", files.pdf())
        app = make_application(self.organ, attachments=[upload])
        return f"{app.pk}/attachments/{app.attachments.get().pk}"

    def released(self) -> str:
        """``<application id>/released-files/<file id>`` of an open application with a file."""
        app = self.application()
        released = request_services.released_file_add(
            actor=None, application=app, upload=SimpleUploadedFile("资金安排.pdf", files.pdf())
        )
        return f"{app.pk}/released-files/{released.pk}"

    def pending(self) -> Any:
        """An item written by the desk's handler and waiting for review (条例第十七条)."""
        item = make_item(self.organ, "2026年城乡低保对象名单公示", publish=False)
        Item.objects.filter(pk=item.pk).update(
            status=Item.Status.PENDING_REVIEW, created_by=self.handler
        )
        return item

    def mail(self) -> str:
        """``<application id>/mails/<mail id>`` of an application whose receipt was mailed."""
        app = self.application()
        mail = app.mails.get()
        OutboxMail.objects.filter(pk=mail.pk).update(
            status=OutboxMail.Status.SENT, sent_at=timezone.now()
        )
        return f"{app.pk}/mails/{mail.pk}"

    def batch(self) -> int:
        return ItemImport.objects.create(
            organ=self.organ, file_name="旧系统目录.xlsx", sha256="0" * 64, created_by=self.handler
        ).pk

    def appeal(self) -> Appeal:
        return request_services.appeal_create(
            actor=None, application=self.application(), kind="review", filed_on=timezone.localdate()
        )


@dataclass(frozen=True)
class Probe:
    pattern: str  # the URL template as the URLconf / the schema names it
    method: str
    url: Callable[[World], str]
    rule: str  # PUBLIC, SUPERUSER, ANY_STAFF or "<app>.<action>" of a table
    body: Callable[[World], dict[str, Any]] = lambda w: {}
    scoped: bool = True  # about this organ's data (another organ's staff are denied)
    api: bool = False


def _app(w: World) -> int:
    return w.application().pk


PAGES = [
    Probe("staff/", "GET", lambda w: "/staff/", ANY_STAFF, scoped=False),
    Probe(
        "staff/items/", "GET", lambda w: "/staff/items/", f"catalog.{C.EDIT_ITEMS}", scoped=False
    ),
    Probe(
        "staff/items/new/",
        "GET",
        lambda w: "/staff/items/new/",
        f"catalog.{C.EDIT_ITEMS}",
        scoped=False,
    ),
    Probe(
        "staff/items/%(pk)s/edit/",
        "GET",
        lambda w: f"/staff/items/{w.item.pk}/edit/",
        f"catalog.{C.EDIT_ITEMS}",
    ),
    Probe(
        "staff/items/%(pk)s/publish/",
        "POST",
        lambda w: f"/staff/items/{w.item.pk}/publish/",
        f"catalog.{C.EDIT_ITEMS}",
    ),
    Probe(
        "staff/items/%(pk)s/repeal/",
        "GET",
        lambda w: f"/staff/items/{w.item.pk}/repeal/",
        f"catalog.{C.EDIT_ITEMS}",
    ),
    Probe(
        "staff/organs/%(code)s/guide/",
        "GET",
        lambda w: f"/staff/organs/{w.organ.code}/guide/",
        f"catalog.{C.EDIT_GUIDE}",
    ),
    Probe(
        "staff/applications/",
        "GET",
        lambda w: "/staff/applications/",
        f"requests.{R.VIEW}",
        scoped=False,
    ),
    Probe(
        "staff/applications/new/",
        "GET",
        lambda w: "/staff/applications/new/",
        f"requests.{R.REGISTER}",
        scoped=False,
    ),
    Probe(
        "staff/applications/%(pk)s/",
        "GET",
        lambda w: f"/staff/applications/{_app(w)}/",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "staff/applications/items/",
        "GET",
        lambda w: "/staff/applications/items/?q=通知",
        f"requests.{R.ACT}",
        scoped=False,
    ),
    Probe(
        "staff/applications/%(pk)s/act/%(action)s/",
        "POST",
        lambda w: f"/staff/applications/{_app(w)}/act/start-consultation/",
        f"requests.{R.ACT}",
    ),
    Probe(
        "staff/applications/%(pk)s/act/%(action)s/",
        "POST",
        lambda w: f"/staff/applications/{_app(w)}/act/extend/",
        f"requests.{R.EXTEND}",
    ),
    Probe(
        "staff/applications/%(pk)s/assign/",
        "POST",
        lambda w: f"/staff/applications/{_app(w)}/assign/",
        f"requests.{R.ASSIGN}",
    ),
    Probe(
        "staff/applications/%(pk)s/appeals/",
        "POST",
        lambda w: f"/staff/applications/{_app(w)}/appeals/",
        f"requests.{R.RECORD_APPEAL}",
    ),
    Probe(
        "staff/applications/%(pk)s/appeals/%(appeal_id)s/",
        "POST",
        lambda w: (lambda a: f"/staff/applications/{a.application_id}/appeals/{a.pk}/")(w.appeal()),
        f"requests.{R.RECORD_APPEAL}",
    ),
    Probe(
        "staff/applications/%(pk)s/attachments/%(attachment_id)s/",
        "GET",
        lambda w: f"/staff/applications/{w.scan()}/",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "staff/applications/%(pk)s/letter.docx",
        "GET",
        lambda w: f"/staff/applications/{w.answered().pk}/letter.docx",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "staff/applications/%(pk)s/letter.pdf",
        "GET",
        lambda w: f"/staff/applications/{w.answered().pk}/letter.pdf",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "staff/applications/%(pk)s/released-files/",
        "POST",
        lambda w: f"/staff/applications/{_app(w)}/released-files/",
        f"requests.{R.ACT}",
    ),
    Probe(
        "staff/applications/%(pk)s/released-files/%(file_id)s/",
        "GET",
        lambda w: f"/staff/applications/{w.released()}/",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "staff/applications/%(pk)s/released-files/%(file_id)s/delete/",
        "POST",
        lambda w: f"/staff/applications/{w.released()}/delete/",
        f"requests.{R.ACT}",
    ),
    Probe("staff/calendar/", "GET", lambda w: "/staff/calendar/", SUPERUSER),
    Probe("staff/calendar/%(year)s/", "GET", lambda w: "/staff/calendar/2026/", SUPERUSER),
    Probe(
        "staff/calendar/%(year)s/overrides/",
        "POST",
        lambda w: "/staff/calendar/2026/overrides/",
        SUPERUSER,
    ),
    Probe(
        "staff/calendar/%(year)s/complete/",
        "POST",
        lambda w: "/staff/calendar/2026/complete/",
        SUPERUSER,
    ),
    Probe("staff/reports/", "GET", lambda w: "/staff/reports/", f"reports.{P.EDIT}", scoped=False),
    Probe(
        "staff/reports/%(code)s/%(year)s/",
        "GET",
        lambda w: f"/staff/reports/{w.organ.code}/2025/",
        f"reports.{P.EDIT}",
    ),
    Probe(
        "staff/reports/%(code)s/%(year)s/draft/",
        "POST",
        lambda w: f"/staff/reports/{w.organ.code}/2025/draft/",
        f"reports.{P.EDIT}",
    ),
    Probe(
        "staff/reports/%(code)s/%(year)s/preview/",
        "GET",
        lambda w: f"/staff/reports/{w.organ.code}/2025/preview/",
        f"reports.{P.EDIT}",
    ),
    Probe(
        "staff/reports/%(code)s/%(year)s/reopen/",
        "POST",
        lambda w: f"/staff/reports/{w.organ.code}/2025/reopen/",
        f"reports.{P.EDIT}",
    ),
    Probe(
        "staff/consultations/",
        "GET",
        lambda w: "/staff/consultations/",
        f"reports.{P.REGISTER_CONSULTATION}",
        scoped=False,
    ),
    Probe(
        "staff/consultations/%(pk)s/delete/",
        "POST",
        lambda w: "/staff/consultations/{}/delete/".format(
            Consultation.objects.create(
                organ=w.organ,
                date=timezone.localdate(),
                channel="phone",
                topic="咨询",
                count=1,
                created_by=w.user if getattr(w.user, "pk", None) else None,
            ).pk
        ),
        f"reports.{P.REGISTER_CONSULTATION}",
    ),
    Probe("staff/account/", "GET", lambda w: "/staff/account/", ANY_STAFF, scoped=False),
    Probe(
        "staff/account/password/",
        "GET",
        lambda w: "/staff/account/password/",
        ANY_STAFF,
        scoped=False,
    ),
    Probe("staff/audit/", "GET", lambda w: "/staff/audit/", SUPERUSER),
    Probe("staff/audit/export.csv", "GET", lambda w: "/staff/audit/export.csv", SUPERUSER),
    Probe("staff/security/lockouts/", "GET", lambda w: "/staff/security/lockouts/", SUPERUSER),
    Probe(
        "staff/security/unlock/",
        "POST",
        lambda w: "/staff/security/unlock/",
        SUPERUSER,
        lambda w: {"username": w.handler.username},
    ),
    Probe(
        "staff/applications/%(pk)s/delivery/%(document)s/",
        "POST",
        lambda w: f"/staff/applications/{_app(w)}/delivery/fee_notice/",
        f"requests.{R.ACT}",
    ),
    Probe(
        "staff/applications/%(pk)s/mails/%(mail_id)s/resend/",
        "POST",
        lambda w: f"/staff/applications/{w.mail()}/resend/",
        f"requests.{R.ACT}",
    ),
    Probe(
        "staff/reviews/", "GET", lambda w: "/staff/reviews/", f"catalog.{C.REVIEW}", scoped=False
    ),
    Probe(
        "staff/items/%(pk)s/review/",
        "GET",
        lambda w: f"/staff/items/{w.pending().pk}/review/",
        f"catalog.{C.REVIEW}",
    ),
    Probe(
        "staff/items/%(pk)s/mask/",
        "POST",
        lambda w: f"/staff/items/{w.pending().pk}/mask/",
        f"catalog.{C.MASK_FINDINGS}",
    ),
    Probe(
        "staff/items/word/",
        "GET",
        lambda w: "/staff/items/word/",
        f"catalog.{C.EDIT_ITEMS}",
        scoped=False,
    ),
    Probe(
        "staff/items/import/",
        "GET",
        lambda w: "/staff/items/import/",
        f"catalog.{C.EDIT_ITEMS}",
        scoped=False,
    ),
    Probe(
        "staff/items/import/%(pk)s/",
        "GET",
        lambda w: f"/staff/items/import/{w.batch()}/",
        f"catalog.{C.EDIT_ITEMS}",
    ),
    Probe(
        "staff/reports/archive/",
        "GET",
        lambda w: "/staff/reports/archive/",
        f"reports.{P.EDIT}",
        scoped=False,
    ),
    Probe("staff/supervision/", "GET", lambda w: "/staff/supervision/", ANY_STAFF, scoped=False),
    Probe(
        "staff/supervision/%(code)s/%(year)s.xlsx",
        "GET",
        lambda w: f"/staff/supervision/{w.organ.code}/2026.xlsx",
        ORGAN_STAFF,
    ),
    Probe(
        "staff/supervision/%(code)s/%(year)s/late-items/",
        "GET",
        lambda w: f"/staff/supervision/{w.organ.code}/2026/late-items/",
        ORGAN_STAFF,
    ),
    Probe(
        "staff/supervision/%(code)s/%(year)s/appeals/",
        "GET",
        lambda w: f"/staff/supervision/{w.organ.code}/2026/appeals/",
        ORGAN_STAFF,
    ),
]

TODAY = lambda w: {"date": timezone.localdate().isoformat()}  # noqa: E731

API = [
    Probe(
        "/api/v1/applications/",
        "GET",
        lambda w: "/api/v1/applications/",
        f"requests.{R.VIEW}",
        scoped=False,
    ),
    Probe(
        "/api/v1/applications/{id}/",
        "GET",
        lambda w: f"/api/v1/applications/{_app(w)}/",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "/api/v1/applications/{id}/{action}/",
        "POST",
        lambda w: f"/api/v1/applications/{_app(w)}/start-consultation/",
        f"requests.{R.ACT}",
        lambda w: {"party": "某公司"},
    ),
    Probe(
        "/api/v1/applications/{id}/{action}/",
        "POST",
        lambda w: f"/api/v1/applications/{_app(w)}/extend/",
        f"requests.{R.EXTEND}",
        lambda w: {"workdays": 1, "reason": "档案较多"},
    ),
    Probe(
        "/api/v1/applications/{id}/{action}/",
        "POST",
        lambda w: f"/api/v1/applications/{_app(w)}/assign/",
        f"requests.{R.ASSIGN}",
        lambda w: {"user": w.handler.username},
    ),
    Probe(
        "/api/v1/applications/{id}/appeals/",
        "GET",
        lambda w: f"/api/v1/applications/{_app(w)}/appeals/",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "/api/v1/applications/{id}/appeals/",
        "POST",
        lambda w: f"/api/v1/applications/{_app(w)}/appeals/",
        f"requests.{R.RECORD_APPEAL}",
        lambda w: {
            "kind": "review",
            "filed_on": timezone.localdate().isoformat(),
            "result": "pending",
        },
    ),
    Probe(
        "/api/v1/appeals/{id}/",
        "GET",
        lambda w: f"/api/v1/appeals/{w.appeal().pk}/",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "/api/v1/appeals/{id}/",
        "PATCH",
        lambda w: f"/api/v1/appeals/{w.appeal().pk}/",
        f"requests.{R.RECORD_APPEAL}",
        lambda w: {"note": "x"},
    ),
    Probe(
        "/api/v1/applications/{id}/attachments/{attachment_id}/",
        "GET",
        lambda w: f"/api/v1/applications/{w.scan()}/",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "/api/v1/applications/{id}/released-files/",
        "GET",
        lambda w: f"/api/v1/applications/{_app(w)}/released-files/",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "/api/v1/applications/{id}/released-files/",
        "POST",
        lambda w: f"/api/v1/applications/{_app(w)}/released-files/",
        f"requests.{R.ACT}",
    ),
    Probe(
        "/api/v1/applications/{id}/released-files/{file_id}/",
        "GET",
        lambda w: f"/api/v1/applications/{w.released()}/",
        f"requests.{R.VIEW}",
    ),
    Probe(
        "/api/v1/applications/{id}/released-files/{file_id}/",
        "DELETE",
        lambda w: f"/api/v1/applications/{w.released()}/",
        f"requests.{R.ACT}",
    ),
    Probe("/api/v1/applications/", "POST", lambda w: "/api/v1/applications/", PUBLIC, scoped=False),
    Probe(
        "/api/v1/applications/track/{code}/",
        "GET",
        lambda w: f"/api/v1/applications/track/{w.application().tracking_code}/",
        PUBLIC,
    ),
    Probe("/api/v1/items/", "GET", lambda w: "/api/v1/items/", PUBLIC, scoped=False),
    Probe(
        "/api/v1/items/",
        "POST",
        lambda w: "/api/v1/items/",
        f"catalog.{C.EDIT_ITEMS}",
        lambda w: {
            "organ": w.organ.code,
            "title": "通知",
            "doc_type": "other",
            "formed_on": "2026-01-05",
            "status": "draft",
        },
    ),
    Probe("/api/v1/items/{id}/", "GET", lambda w: f"/api/v1/items/{w.item.pk}/", PUBLIC),
    Probe(
        "/api/v1/items/{id}/",
        "PATCH",
        lambda w: f"/api/v1/items/{w.item.pk}/",
        f"catalog.{C.EDIT_ITEMS}",
        lambda w: {"title": "新标题"},
    ),
    Probe(
        "/api/v1/items/{id}/repeal/",
        "POST",
        lambda w: f"/api/v1/items/{w.item.pk}/repeal/",
        f"catalog.{C.EDIT_ITEMS}",
    ),
    Probe(
        "/api/v1/items/{id}/attachments/",
        "POST",
        lambda w: f"/api/v1/items/{w.item.pk}/attachments/",
        f"catalog.{C.EDIT_ITEMS}",
    ),
    Probe("/api/v1/organs/", "GET", lambda w: "/api/v1/organs/", PUBLIC, scoped=False),
    Probe("/api/v1/organs/", "POST", lambda w: "/api/v1/organs/", SUPERUSER, scoped=False),
    Probe("/api/v1/organs/{code}/", "GET", lambda w: f"/api/v1/organs/{w.organ.code}/", PUBLIC),
    Probe(
        "/api/v1/organs/{code}/guide/",
        "GET",
        lambda w: f"/api/v1/organs/{w.organ.code}/guide/",
        PUBLIC,
    ),
    Probe(
        "/api/v1/organs/{code}/guide/",
        "PUT",
        lambda w: f"/api/v1/organs/{w.organ.code}/guide/",
        f"catalog.{C.EDIT_GUIDE}",
    ),
    Probe("/api/v1/staff/", "POST", lambda w: "/api/v1/staff/", SUPERUSER, scoped=False),
    Probe("/api/v1/auth/token/", "POST", lambda w: "/api/v1/auth/token/", PUBLIC, scoped=False),
    Probe(
        "/api/v1/calendar/{year}/", "GET", lambda w: "/api/v1/calendar/2026/", PUBLIC, scoped=False
    ),
    Probe(
        "/api/v1/calendar/add-workdays/",
        "GET",
        lambda w: "/api/v1/calendar/add-workdays/?start=2026-01-05&days=3",
        PUBLIC,
        scoped=False,
    ),
    Probe(
        "/api/v1/calendar/overrides/",
        "POST",
        lambda w: "/api/v1/calendar/overrides/",
        SUPERUSER,
        scoped=False,
    ),
    Probe(
        "/api/v1/calendar/{year}/complete/",
        "POST",
        lambda w: "/api/v1/calendar/2026/complete/",
        SUPERUSER,
        scoped=False,
    ),
    Probe("/api/v1/reports/", "GET", lambda w: "/api/v1/reports/", PUBLIC, scoped=False),
    Probe(
        "/api/v1/reports/{organ_code}/{year}/",
        "GET",
        lambda w: f"/api/v1/reports/{w.organ.code}/2025/",
        f"reports.{P.VIEW_DRAFT}",
    ),
    Probe(
        "/api/v1/reports/{organ_code}/{year}/",
        "PUT",
        lambda w: f"/api/v1/reports/{w.organ.code}/2025/",
        f"reports.{P.EDIT}",
    ),
    Probe(
        "/api/v1/reports/{organ_code}/{year}/publish/",
        "POST",
        lambda w: f"/api/v1/reports/{w.organ.code}/2025/publish/",
        f"reports.{P.EDIT}",
    ),
    Probe(
        "/api/v1/reports/{organ_code}/{year}/reopen/",
        "POST",
        lambda w: f"/api/v1/reports/{w.organ.code}/2025/reopen/",
        f"reports.{P.EDIT}",
    ),
    Probe(
        "/api/v1/supervision/{organ_code}/",
        "GET",
        lambda w: f"/api/v1/supervision/{w.organ.code}/?year=2026",
        ORGAN_STAFF,
    ),
    Probe(
        "/api/v1/applications/{id}/mails/{mail_id}/resend/",
        "POST",
        lambda w: f"/api/v1/applications/{w.mail()}/resend/",
        f"requests.{R.ACT}",
    ),
    Probe(
        "/api/v1/items/{id}/review/",
        "POST",
        lambda w: f"/api/v1/items/{w.pending().pk}/review/",
        f"catalog.{C.REVIEW}",
        lambda w: {"decision": "return", "opinion": "请删除身份证号码后再提交。"},
    ),
    Probe(
        "/api/v1/items/{id}/mask-findings/",
        "POST",
        lambda w: f"/api/v1/items/{w.pending().pk}/mask-findings/",
        f"catalog.{C.MASK_FINDINGS}",
    ),
    Probe(
        "/api/v1/auth/unlock/",
        "POST",
        lambda w: "/api/v1/auth/unlock/",
        SUPERUSER,
        lambda w: {"username": w.handler.username},
    ),
    # Last: it ends the caller's API session.
    Probe(
        "/api/v1/auth/logout/", "POST", lambda w: "/api/v1/auth/logout/", ANY_STAFF, scoped=False
    ),
]
API = [Probe(p.pattern, p.method, p.url, p.rule, p.body, p.scoped, api=True) for p in API]


@pytest.fixture(autouse=True)
def _thursday() -> Any:
    """A working day, so that an application is received the day it is submitted."""
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def expected(role: str, probe: Probe) -> bool:
    if probe.rule == PUBLIC or role == "superuser":
        return True
    if role == "anonymous" or probe.rule == SUPERUSER:
        return False
    if probe.rule == ANY_STAFF:
        return True
    if probe.rule == ORGAN_STAFF:
        return role != "other_organ"
    if role == "other_organ":  # holds every role, for another organ
        return not probe.scoped
    return role in TABLES[probe.rule]


def denied(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and "/staff/login/" in response.get("Location", "")


@pytest.fixture
def world_for(request: Any) -> Callable[[str], World]:
    def build(role: str) -> World:
        city = make_organ("测试市人民政府")
        organ = make_organ("测试市教育局", parent=city)
        other = make_organ("邻市人民政府")
        handler = make_staff(organ, ["handler"], username="desk-handler")
        roles = {"handler", "approver", "publisher", "reporter", "reviewer"}
        if role in roles:
            user = make_staff(organ, [role], username=f"matrix-{role}")
        elif role == "other_organ":
            user = make_staff(other, sorted(roles), username="matrix-other")
        elif role == "superuser":
            user = make_superuser("matrix-admin")
        else:
            user = None
        return World(organ=organ, other=other, user=user, handler=handler, item=make_item(organ))

    return build


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_url_and_api_operation_follows_the_tables(world_for: Any, role: str) -> None:
    w = world_for(role)
    pages = Client(raise_request_exception=False)
    api = APIClient(raise_request_exception=False)
    if w.user is not None:
        pages.force_login(w.user)
        api.force_authenticate(w.user)
    wrong: list[str] = []
    for probe in [*PAGES, *API]:
        client = api if probe.api else pages
        url = probe.url(w)
        body = probe.body(w)
        if probe.method == "GET":
            response = client.get(url)
        elif probe.api:
            response = getattr(client, probe.method.lower())(url, body, format="json")
        else:
            response = client.post(url, body)
        assert response.status_code < 500, (probe.method, url, response.status_code)
        if denied(response) == expected(role, probe):
            wrong.append(
                f"{probe.method} {url} ({probe.rule}): {response.status_code}, "
                f"expected {'allowed' if expected(role, probe) else 'denied'}"
            )
    assert wrong == []


def test_the_matrix_walks_every_staff_url_and_api_operation() -> None:
    from drf_spectacular.generators import SchemaGenerator

    staff_urls = {fmt for fmt, _params in url_templates() if fmt.startswith("staff/")}
    staff_urls -= {"staff/login/", "staff/logout/"}  # open to everyone by design
    assert staff_urls - {p.pattern for p in PAGES} == set()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {(m.upper(), path) for path, ops in schema["paths"].items() for m in ops}
    assert operations - {(p.method, p.pattern) for p in API} == set()


def test_tables_name_only_known_roles() -> None:
    known = set(catalog_permissions.STAFF_ROLES)
    for rule, roles in TABLES.items():
        assert roles <= known, rule
