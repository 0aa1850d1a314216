"""The HTML 网站地图 (《政府网站发展指引》: every site offers one to people, not only the XML
sitemap for search engines): the portal's sections and, for every organ, its four 61号 columns."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.organs import organ_tree


def site_map(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/site_map.html", {"organs": organ_tree().flat()})
