"""A storage that fails mid-upload: clear Chinese error, no application row, no orphan file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import Attachment
from requests_app.models import Application, ApplicationAttachment, Event
from tests import files
from tests.factories import make_item, make_organ
from tests.ops.storages import FailingStorage
from tests.requests_app.factories import application_data

PDF = files.pdf()
PNG = files.png()
MESSAGE = "附件暂时无法保存，本次提交未被受理，请稍后重新提交。"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def failing_storage(settings: Any) -> None:
    FailingStorage.saves = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.ops.storages.FailingStorage"},
    }


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def scans() -> list[SimpleUploadedFile]:
    # The first is written, the second fails: the first must not stay behind.
    return [
        SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
    ]


def test_api_submission_gets_a_chinese_400_and_nothing_is_kept(settings: Any) -> None:
    organ = make_organ()
    payload = {"organ": organ.code, **application_data()}
    payload["applicant"] = json.dumps(payload["applicant"], ensure_ascii=False)
    payload["attachments"] = scans()
    response = APIClient().post("/api/v1/applications/", payload, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"attachments": [MESSAGE]}
    assert FailingStorage.saves == 2  # the fault really happened after one file was written
    assert Application.objects.count() == 0
    assert Event.objects.count() == 0
    assert ApplicationAttachment.objects.count() == 0
    assert stored_files(settings) == []


def test_form_submission_shows_the_error_at_the_attachments_field(settings: Any) -> None:
    organ = make_organ()
    data = application_data()
    form = {
        "organ": organ.code,
        "applicant_type": "natural_person",
        **data["applicant"],
        "description": data["description"],
        "delivery_form": "electronic",
        "delivery_method": "email",
        "attachments": scans(),
    }
    response = Client().post("/apply/", form)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_attachments_error"' in html
    assert MESSAGE in html
    assert Application.objects.count() == 0
    assert stored_files(settings) == []


def test_item_attachment_upload_gets_a_400_and_keeps_no_file(settings: Any) -> None:
    from tests.factories import make_superuser

    organ = make_organ()
    item = make_item(organ, publish=False)
    api = APIClient()
    api.force_authenticate(make_superuser())
    FailingStorage.saves = 1  # the next save fails
    upload = SimpleUploadedFile("通知.pdf", PDF, content_type="application/pdf")
    response = api.post(f"/api/v1/items/{item.pk}/attachments/", {"file": upload})
    assert response.status_code == 400
    assert response.json() == {"file": [MESSAGE]}
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []


def test_item_and_attachments_saved_together_lose_every_file_together(settings: Any) -> None:
    # What the staff item form does: item and its uploads in one transaction. The first
    # attachment's own block succeeds; the second fails; the first file must go as well.
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from catalog import services
    from catalog.uploads import discard_unless_committed

    organ = make_organ()
    uploads = [SimpleUploadedFile(f"附件{n}.pdf", PDF) for n in range(2)]
    with pytest.raises(ValidationError), discard_unless_committed(), transaction.atomic():
        item = make_item(organ, publish=False)
        for upload in uploads:
            services.attachment_add(actor=None, item=item, upload=upload)
    assert FailingStorage.saves == 2
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []
