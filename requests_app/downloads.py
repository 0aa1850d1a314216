"""Downloads of the files an application holds: the applicant's scans and the documents
released with the answer. They carry personal data, so they are never cached (api.md:
``Cache-Control: no-store``) and always saved rather than shown (``attachment``)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def private_download(
    file: FieldFile, *, filename: str, content_type: str, missing: Exception
) -> FileResponse:
    """The stored file as an attachment under ``filename``; ``missing`` is raised when the
    storage no longer has it (the caller's 404)."""
    try:
        handle = file.open("rb")
    except OSError:  # FileNotFoundError, or the storage refusing to open it
        raise missing from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response
