"""Factories for applications: every application is made through the submit service, so
tests see exactly what a real submission stores (event row, tracking code, deadline)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model

from catalog.models import Organ
from requests_app import services
from requests_app.models import ApplicantType, Application

_serial = itertools.count(1)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(
    birth: str = "19900101", region: str = "330106", sequence: int | None = None
) -> str:
    """A valid 18-digit 居民身份证号码 (GB 11643-1999 check digit)."""
    seq = next(_serial) % 1000 if sequence is None else sequence
    first17 = f"{region}{birth}{seq:03d}"
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def person(**overrides: Any) -> dict[str, str]:
    """The applicant object of a natural person, as the API takes it."""
    data = {
        "name": "张三丰",
        "id_type": "resident_id",
        "id_number": resident_id(),
        "phone": "13800001234",
        "email": "zhangsan@example.cn",
        "address": "浙江省杭州市西湖区文三路100号",
        "postal_code": "310012",
    }
    data.update(overrides)
    return data


def application_data(**overrides: Any) -> dict[str, Any]:
    """A complete submission body (without ``organ``)."""
    applicant = overrides.pop("applicant", None) or person()
    data = {
        "applicant_type": ApplicantType.NATURAL_PERSON,
        "applicant": applicant,
        "description": "请公开2025年本市老旧小区改造项目的资金安排文件（文号不详）。",
        "delivery_form": "electronic",
        "delivery_method": "email",
    }
    data.update(overrides)
    return data


def registrar() -> Any:
    """A superuser standing in for the organ's staff who register paper applications."""
    user, _created = get_user_model().objects.get_or_create(
        username="factory-registrar", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def make_application(organ: Organ, **overrides: Any) -> Application:
    """Submit an application to ``organ`` through ``services.application_submit``.

    ``received_on`` registers it as staff would (channel ``in_person`` unless given);
    ``actor``, ``channel``, ``now`` and ``attachments`` go to the service as they are; any
    other keyword overrides the submission data (``applicant=…``, ``description=…``).
    """
    received_on: dt.date | None = overrides.pop("received_on", None)
    actor = overrides.pop("actor", None)
    channel = overrides.pop("channel", None)
    now = overrides.pop("now", None)
    attachments = overrides.pop("attachments", ())
    confirm = overrides.pop("confirm_published_year", False)
    if received_on is not None:
        actor = actor or registrar()
        channel = channel or "in_person"
    return services.application_submit(
        actor=actor,
        organ=organ,
        data=application_data(**overrides),
        attachments=attachments,
        channel=channel,
        received_on=received_on,
        now=now,
        confirm_published_year=confirm,
    )
