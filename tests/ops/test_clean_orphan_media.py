"""``manage.py clean_orphan_media`` removes only old files that no row refers to."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from catalog import services
from tests import files
from tests.factories import make_item, make_organ

PDF = files.pdf()

pytestmark = pytest.mark.django_db


def age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_old_unreferenced_files_go_and_everything_else_stays(settings: Any) -> None:
    media = Path(settings.MEDIA_ROOT)
    item = make_item(make_organ(), publish=False)
    kept = services.attachment_add(
        actor=None, item=item, upload=SimpleUploadedFile("通知.pdf", PDF)
    )
    kept_path = media / kept.file.name
    orphan = media / "applications" / "2026" / "12" / "abandoned.pdf"
    fresh = media / "applications" / "2026" / "12" / "in-flight.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(PDF)
    fresh.write_bytes(PDF)
    for path in (kept_path, orphan):
        age(path, 3)

    out = io.StringIO()
    call_command("clean_orphan_media", "--dry-run", stdout=out)
    assert "applications/2026/12/abandoned.pdf" in out.getvalue()
    assert orphan.exists()

    call_command("clean_orphan_media", stdout=io.StringIO())
    assert not orphan.exists()
    assert kept_path.exists()  # referenced by its attachment row
    assert fresh.exists()  # younger than an hour: perhaps an upload still being committed


def test_an_empty_media_folder_is_fine(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "never-created"
    out = io.StringIO()
    call_command("clean_orphan_media", stdout=out)
    assert "0个" in out.getvalue()
