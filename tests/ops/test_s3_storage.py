"""Media in S3-compatible object storage (MEDIA_STORAGE=s3), against a local S3 server.

moto's server speaks the S3 protocol over HTTP on loopback: django-storages and boto3 talk to
it exactly as they would to MinIO or a cloud bucket.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests import files
from tests.factories import make_item, make_organ, make_superuser
from tests.ops.processes import free_port

moto_server = pytest.importorskip("moto.server", reason="moto[server] is a dev requirement")
boto3 = pytest.importorskip("boto3")

PDF = files.pdf()
BUCKET = "portal-media"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_media(settings: Any, s3_endpoint: str) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "location": "media",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }


def objects(endpoint: str) -> list[str]:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db
def test_item_attachment_goes_to_the_bucket_and_downloads_through_the_portal(
    s3_media: None, s3_endpoint: str, client: Any
) -> None:
    organ = make_organ()
    item = make_item(organ, publish=False)
    api = APIClient()
    api.force_authenticate(make_superuser())
    upload = SimpleUploadedFile("通知.pdf", PDF, content_type="application/pdf")
    response = api.post(f"/api/v1/items/{item.pk}/attachments/", {"file": upload})
    assert response.status_code == 201, response.content
    stored = item.attachments.get()
    assert f"media/{stored.file.name}" in objects(s3_endpoint)
    api.patch(f"/api/v1/items/{item.pk}/", {"status": "published"}, format="json")
    download = client.get(response.json()["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.django_db
def test_healthz_checks_the_bucket(s3_media: None, client: Any, settings: Any) -> None:
    assert client.get("/healthz").json()["storage"] == "ok"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {
                **settings.STORAGES["default"]["OPTIONS"],
                "endpoint_url": f"http://127.0.0.1:{free_port()}",
            },
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "down"


@pytest.mark.django_db
def test_released_file_goes_to_the_bucket_and_the_citizen_downloads_it(
    s3_media: None, s3_endpoint: str, client: Any
) -> None:
    """Documents out (issue 10): the file an answer carries lives in the bucket too."""
    import re

    from tests.factories import make_staff
    from tests.requests_app.factories import make_application

    organ = make_organ()
    application = make_application(organ, delivery_method="online")
    api = APIClient()
    api.force_authenticate(make_staff(organ, ["handler"]))
    upload = SimpleUploadedFile("资金安排.pdf", PDF, content_type="application/pdf")
    response = api.post(f"/api/v1/applications/{application.pk}/released-files/", {"file": upload})
    assert response.status_code == 201, response.content
    stored = application.released_files.get()
    assert f"media/{stored.file.name}" in objects(s3_endpoint)
    answered = api.post(
        f"/api/v1/applications/{application.pk}/answer/",
        {"outcome": "disclosed", "reply": "予以公开，详见附件。"},
        format="json",
    )
    assert answered.status_code == 200, answered.content
    page = client.get("/track/", {"code": application.tracking_code}).content.decode()
    (link,) = re.findall(r'href="(/track/files/[^"]+)"', page)
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
