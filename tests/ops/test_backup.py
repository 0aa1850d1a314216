"""``manage.py backup`` / ``restore`` round-trip the demo data: database rows and media files."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from catalog.models import Attachment, Item, Organ
from requests_app.models import Application, ApplicationAttachment, Event


def snapshot(media: Path) -> dict[str, Any]:
    return {
        "organs": Organ.objects.count(),
        "items": sorted(Item.objects.values_list("pk", "title", "index_no")),
        "applications": sorted(Application.objects.values_list("pk", "tracking_code", "status")),
        "events": Event.objects.count(),
        "attachments": sorted(Attachment.objects.values_list("pk", "file")),
        "application_attachments": ApplicationAttachment.objects.count(),
        "users": get_user_model().objects.count(),
        "files": {
            str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(media.rglob("*"))
            if p.is_file()
        },
    }


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_back_the_demo_portal(settings: Any, tmp_path: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    call_command("seed_demo", stdout=io.StringIO())
    before = snapshot(media)
    assert before["items"] and before["applications"] and before["files"]

    archive = tmp_path / "portal.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["vendor"] == connection.vendor
    assert "catalog.0001_initial" in manifest["migrations"]
    assert any(name.startswith("media/") for name in names)

    # Damage both halves: rows deleted and changed, files removed and added.
    Application.objects.all().delete()
    Item.objects.filter(pk=before["items"][0][0]).update(title="被篡改的标题")
    for path in list(media.rglob("*.pdf"))[:3]:
        path.unlink()
    (media / "stray.txt").write_text("not in the backup")
    assert snapshot(media) != before

    call_command("restore", str(archive), "--yes", stdout=io.StringIO())
    assert snapshot(media) == before

    # The restored portal serves: a published item and its attachment download.
    attachment = Attachment.objects.filter(item__status="published").first()
    assert attachment is not None
    page = Client().get(f"/items/{attachment.item_id}/")
    assert page.status_code == 200
    assert attachment.item.title in page.content.decode()


@pytest.mark.django_db
def test_restore_refuses_without_yes(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x.tar.gz"))


@pytest.mark.django_db
def test_restore_refuses_an_archive_of_the_other_engine(tmp_path: Path) -> None:
    archive = tmp_path / "other.tar.gz"
    manifest = tmp_path / "manifest.json"
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest.write_text(json.dumps({"format": 1, "vendor": other, "migrations": []}))
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(manifest, arcname="manifest.json")
    with pytest.raises(CommandError, match=other):
        call_command("restore", str(archive), "--yes")


@pytest.mark.django_db
def test_restore_refuses_paths_outside_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar.gz"
    evil = tmp_path / "evil"
    evil.write_text("x")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(evil, arcname="../../etc/evil")
    with pytest.raises(CommandError, match="unexpected entry"):
        call_command("restore", str(archive), "--yes")
