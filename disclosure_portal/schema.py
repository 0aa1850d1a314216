"""The OpenAPI schema of the API (drf-spectacular), with the error responses of api.md's
conventions on every operation.

Its own module: drf-spectacular's AutoSchema imports DRF's views, which read the parser
settings that name ``disclosure_portal.api``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema

# --- The OpenAPI schema documents the error responses every operation may give --------------

# ``{"field": ["中文说明"]}`` for 400, ``{"detail": "中文说明"}`` for the others (api.md).
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {},
    "description": "字段错误为 {字段: [说明]}，其他错误为 {detail: 说明}",
}
ERROR_RESPONSES = {
    "400": _("请求有误：字段错误、参数格式错误或请求体不是JSON对象"),
    "401": _("未登录或令牌无效"),
    "403": _("无权执行此操作"),
    "404": _("不存在，或调用者无权查看"),
    "429": _("请求过于频繁"),
}
BODY_ERROR_RESPONSES = {
    "413": _("请求内容超过大小上限"),
    "415": _("请求体的媒体类型不受支持或无法解析"),
}


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the error responses of api.md's conventions on every
    operation: clients (and schemathesis, which checks every response against the schema)
    see each status the API can answer with, in the shape it has."""

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            if parameter.get("in") == "query" and not parameter.get("required"):
                # ``?organ=&page=`` is how an HTML form sends fields left empty: an optional
                # query parameter with an empty value counts as not given (django-filter, DRF).
                parameter["allowEmptyValue"] = True
        return operation

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(ERROR_RESPONSES)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(BODY_ERROR_RESPONSES)
        for code, response in responses.items():
            if code < "400":
                continue
            if "content" not in response:
                # Declared by a view with only a description: the error shape.
                response["content"] = {"application/json": {"schema": ERROR_SCHEMA}}
            else:
                # A view's own error body (e.g. the report's failed checks), or the field errors
                # every operation may answer with.
                for media in response["content"].values():
                    media["schema"] = {"anyOf": [media["schema"], ERROR_SCHEMA]}
        for code, description in errors.items():
            responses.setdefault(
                code,
                {
                    "description": str(description),
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                },
            )
        return dict(sorted(responses.items()))


# Output fields present only in some responses: ``snippet`` only in search results (``q``).
OPTIONAL_OUTPUT_FIELDS: dict[str, set[str]] = {"Item": {"snippet"}}


def optional_output_fields(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: drf-spectacular marks every read-only field
    required; the fields above are not always sent."""
    schemas = result.get("components", {}).get("schemas", {})
    for component, fields in OPTIONAL_OUTPUT_FIELDS.items():
        schema = schemas.get(component)
        if schema and "required" in schema:
            schema["required"] = [f for f in schema["required"] if f not in fields]
    return result


class VerifiedSessionScheme(SessionScheme):
    """The session cookie, as for Django's session authentication (a session that still owes
    its second factor is simply not authenticated)."""

    target_class = "disclosure_portal.auth.VerifiedSessionAuthentication"
