"""Organs and their guides over the API (api.md, "Organs")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from catalog.models import Guide, GuideRevision, Organ
from tests.factories import credit_code, make_organ, make_staff, make_superuser

pytestmark = pytest.mark.django_db

ORGANS_URL = "/api/v1/organs/"


def guide_url(code: str) -> str:
    return f"{ORGANS_URL}{code}/guide/"


class TestOrganList:
    def test_anyone_lists_organs_with_parent_code_and_effective_prefix(self, api: Any) -> None:
        city = make_organ(
            "某市人民政府", code=credit_code(1), short_name="某市政府", publication_review=True
        )
        make_organ("某市财政局", parent=city, code=credit_code(2), index_prefix="CZJ")

        response = api.get(ORGANS_URL)

        assert response.status_code == 200
        data = response.json()
        assert data["count"] == 2
        assert data["previous"] is None
        assert data["next"] is None
        assert data["results"] == [
            {
                "code": city.code,
                "name": "某市人民政府",
                "short_name": "某市政府",
                "parent": None,
                # Default 前段码: characters 9–17 of the credit code (组织机构代码).
                "index_prefix": city.code[8:17],
                "publication_review": True,  # 条例第十七条 审查机制
            },
            {
                "code": credit_code(2),
                "name": "某市财政局",
                "short_name": "",
                "parent": city.code,
                "index_prefix": "CZJ",
                "publication_review": False,
            },
        ]

    def test_page_size_beyond_the_maximum_is_capped_at_100(self, api: Any) -> None:
        Organ.objects.bulk_create(
            [Organ(code=credit_code(500 + n), name=f"机关{n}") for n in range(101)]
        )

        response = api.get(ORGANS_URL, {"page_size": 100000})

        assert response.status_code == 200
        assert response.json()["count"] == 101
        assert len(response.json()["results"]) == 100

    @pytest.mark.parametrize("page_size", ["abc", "0", "-3"])
    def test_malformed_page_size_is_a_400_in_chinese(self, api: Any, page_size: str) -> None:
        response = api.get(ORGANS_URL, {"page_size": page_size})

        assert response.status_code == 400
        assert response.json() == {"page_size": ["每页条数必须是1到100之间的整数。"]}

    def test_page_beyond_the_last_is_a_404(self, api: Any) -> None:
        make_organ()

        response = api.get(ORGANS_URL, {"page": 9})

        assert response.status_code == 404


class TestOrganDetail:
    def test_organ_is_found_by_code(self, api: Any) -> None:
        organ = make_organ("某市教育局")

        response = api.get(f"{ORGANS_URL}{organ.code}/")

        assert response.status_code == 200
        assert response.json()["name"] == "某市教育局"

    @pytest.mark.parametrize("code", [credit_code(9999), "nonsense"])
    def test_unknown_code_is_a_404(self, api: Any, code: str) -> None:
        make_organ()

        assert api.get(f"{ORGANS_URL}{code}/").status_code == 404


class TestOrganCreate:
    def test_superuser_creates_an_organ_under_a_parent(self, api: Any) -> None:
        city = make_organ("某市人民政府")
        api.force_authenticate(make_superuser())
        code = credit_code(77)

        response = api.post(
            ORGANS_URL,
            {
                "code": code,
                "name": "某市卫生健康委员会",
                "short_name": "市卫健委",
                "parent": city.code,
            },
            format="json",
        )

        assert response.status_code == 201
        assert response.json() == {
            "code": code,
            "name": "某市卫生健康委员会",
            "short_name": "市卫健委",
            "parent": city.code,
            "index_prefix": code[8:17],
            # 条例第十七条: a new organ reviews before publishing unless told otherwise.
            "publication_review": True,
        }
        organ = Organ.objects.get(code=code)
        assert organ.parent == city
        assert Guide.objects.filter(organ=organ).exists()

    def test_custom_index_prefix_is_kept(self, api: Any) -> None:
        api.force_authenticate(make_superuser())

        response = api.post(
            ORGANS_URL,
            {"code": credit_code(78), "name": "某区政府", "index_prefix": "QZF-01"},
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["index_prefix"] == "QZF-01"

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            (credit_code(79)[:17] + "0", "统一社会信用代码校验位错误。"),
            ("12345", "统一社会信用代码应为18位。"),
            (
                "11330100000000IOSX",
                "统一社会信用代码含有不允许的字符“IOS”（不使用I、O、S、V、Z及小写字母）。",
            ),
        ],
    )
    def test_bad_credit_code_is_a_400_naming_code(self, api: Any, code: str, message: str) -> None:
        assert code != credit_code(79)
        api.force_authenticate(make_superuser())

        response = api.post(ORGANS_URL, {"code": code, "name": "某局"}, format="json")

        assert response.status_code == 400
        assert response.json() == {"code": [message]}
        assert not Organ.objects.exists()

    def test_duplicate_code_is_a_400(self, api: Any) -> None:
        organ = make_organ()
        api.force_authenticate(make_superuser())

        response = api.post(ORGANS_URL, {"code": organ.code, "name": "另一局"}, format="json")

        assert response.status_code == 400
        assert response.json() == {"code": ["该统一社会信用代码的行政机关已存在。"]}

    def test_unknown_parent_is_a_400_on_parent(self, api: Any) -> None:
        api.force_authenticate(make_superuser())

        response = api.post(
            ORGANS_URL,
            {"code": credit_code(80), "name": "某局", "parent": credit_code(81)},
            format="json",
        )

        assert response.status_code == 400
        assert list(response.json()) == ["parent"]
        assert "不存在" in response.json()["parent"][0]

    def test_anonymous_caller_gets_401(self, api: Any) -> None:
        response = api.post(ORGANS_URL, {"code": credit_code(82), "name": "某局"}, format="json")

        assert response.status_code == 401
        assert not Organ.objects.exists()

    def test_staff_who_is_not_superuser_gets_403(self, api: Any) -> None:
        api.force_authenticate(make_staff(make_organ(), ["publisher"]))

        response = api.post(ORGANS_URL, {"code": credit_code(83), "name": "某局"}, format="json")

        assert response.status_code == 403
        assert Organ.objects.count() == 1


class TestGuide:
    def test_anyone_reads_the_guide_with_updated_at_in_beijing_time(self, api: Any) -> None:
        organ = make_organ("某市财政局")

        response = api.get(guide_url(organ.code))

        assert response.status_code == 200
        data = response.json()
        assert data["office_name"] == "某市财政局办公室"
        assert set(data) == {*Guide.FIELDS, "updated_at"}
        updated_at = dt.datetime.fromisoformat(data["updated_at"])
        assert updated_at.utcoffset() == dt.timedelta(hours=8)

    def test_guide_of_unknown_organ_is_a_404(self, api: Any) -> None:
        assert api.get(guide_url(credit_code(9998))).status_code == 404

    def test_publisher_of_the_organ_updates_it_and_a_revision_is_kept(self, api: Any) -> None:
        organ = make_organ()
        api.force_authenticate(make_staff(organ, ["publisher"]))

        response = api.put(
            guide_url(organ.code),
            {
                "office_name": "某市财政局政务公开办公室",
                "phone": "0571-12345678",
                "email": "gk@example.gov.cn",
                "remedies": "可依法申请行政复议或者提起行政诉讼。",
            },
            format="json",
        )

        assert response.status_code == 200
        assert response.json()["phone"] == "0571-12345678"
        guide = Guide.objects.get(organ=organ)
        assert guide.office_name == "某市财政局政务公开办公室"
        assert guide.remedies == "可依法申请行政复议或者提起行政诉讼。"
        assert GuideRevision.objects.get(guide=guide).content["email"] == "gk@example.gov.cn"
        # Later reads show the new text.
        assert api.get(guide_url(organ.code)).json()["email"] == "gk@example.gov.cn"

    def test_publisher_of_the_parent_government_updates_a_department_guide(self, api: Any) -> None:
        city = make_organ("某市人民政府")
        department = make_organ("某市财政局", parent=city)
        api.force_authenticate(make_staff(city, ["publisher"]))

        response = api.put(guide_url(department.code), {"fees": "不收取费用。"}, format="json")

        assert response.status_code == 200
        assert Guide.objects.get(organ=department).fees == "不收取费用。"

    def test_superuser_updates_any_guide(self, api: Any) -> None:
        organ = make_organ()
        api.force_authenticate(make_superuser())

        response = api.put(
            guide_url(organ.code), {"scope": "主动公开目录所列信息。"}, format="json"
        )

        assert response.status_code == 200

    @pytest.mark.parametrize("roles", [["handler", "approver", "reporter"], ["publisher"]])
    def test_staff_who_may_not_publish_for_the_organ_gets_403(
        self, api: Any, roles: list[str]
    ) -> None:
        organ = make_organ("某市财政局")
        other = make_organ("某市教育局")
        # Either the right organ without the publisher role, or a publisher elsewhere.
        staff_organ = organ if "publisher" not in roles else other
        api.force_authenticate(make_staff(staff_organ, roles))

        response = api.put(guide_url(organ.code), {"phone": "110"}, format="json")

        assert response.status_code == 403
        assert Guide.objects.get(organ=organ).phone == ""

    def test_publisher_of_a_department_cannot_edit_the_government_guide(self, api: Any) -> None:
        city = make_organ("某市人民政府")
        department = make_organ("某市财政局", parent=city)
        api.force_authenticate(make_staff(department, ["publisher"]))

        response = api.put(guide_url(city.code), {"phone": "110"}, format="json")

        assert response.status_code == 403

    def test_anonymous_caller_gets_401(self, api: Any) -> None:
        organ = make_organ()

        response = api.put(guide_url(organ.code), {"phone": "110"}, format="json")

        assert response.status_code == 401

    def test_invalid_email_is_a_400_on_email(self, api: Any) -> None:
        organ = make_organ()
        api.force_authenticate(make_staff(organ, ["publisher"]))

        response = api.put(guide_url(organ.code), {"email": "not-an-address"}, format="json")

        assert response.status_code == 400
        assert list(response.json()) == ["email"]
        assert not GuideRevision.objects.exists()

    def test_updated_at_is_read_only(self, api: Any) -> None:
        organ = make_organ()
        api.force_authenticate(make_staff(organ, ["publisher"]))

        response = api.put(
            guide_url(organ.code), {"updated_at": "2000-01-01T00:00:00+08:00"}, format="json"
        )

        assert response.status_code == 200
        assert not response.json()["updated_at"].startswith("2000-")
