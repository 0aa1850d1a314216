"""Shared infrastructure of the portal, used by every app: nothing here knows the law."""

from __future__ import annotations
