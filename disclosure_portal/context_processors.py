"""Template context shared by every public page: site identity and the organ tree."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    from catalog.organs import navigation_tree

    return {"portal": settings.PORTAL, "organ_nav": navigation_tree()}
