"""Translation helpers shared by the apps."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise, lazy


def _interpolate(message: str | Promise, values: dict[str, Any]) -> str:
    return str(message) % values


_interpolate_lazy = lazy(_interpolate, str)


def interpolate_lazy(message: str | Promise, **values: Any) -> Any:
    """``gettext_lazy("…%(n)d…") % {"n": 5}`` written in a class body runs at import, in the
    default language, so an English reader would get the Chinese; this keeps the message lazy
    and fills in ``values`` each time it is shown, in the reader's language."""
    return _interpolate_lazy(message, values)
