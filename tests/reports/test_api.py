"""The annual report over the REST API (api.md, "Annual report")."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from reports.models import AnnualReport, PublishedReport
from tests.factories import make_organ
from tests.reports.test_statistics import (
    CITY_2026,
    COMPILED_AT,
    TREE_2026,
    D,
    build_scenario,
    fast_user,
    make_application,
)

pytestmark = pytest.mark.django_db

API_KEYS = {"organ", "year", "scope", "status", "published_at", "sections"}
API_KEYS |= {"proactive", "applications", "appeals"}
PUT_BODY = {
    "sections": {
        "overview": "2026年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
        "problems": "依申请公开答复质量有待提高。",
        "other": "2026年未收取信息处理费。",
    },
    "proactive": {
        # Computed rows sent back are ignored.
        "rule": {"issued": 99, "repealed": 99, "in_force": 99},
        "licensing": {"decisions": 120},
        "penalty": {"decisions": 35},
        "coercion": {"decisions": 4},
        "fees": {"amount_10k_yuan": "1.2345"},
    },
    "applications": {"rows": {"new": {"total": 999}}},
}


@pytest.fixture(autouse=True)
def _january_2027() -> Any:
    with time_machine.travel(COMPILED_AT, tick=False):
        yield


def url(organ: Any, year: int | str = 2026, action: str = "") -> str:
    code = organ if isinstance(organ, str) else organ.code
    return f"/api/v1/reports/{code}/{year}/" + (f"{action}/" if action else "")


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world() -> dict[str, Any]:
    s = build_scenario()
    other = make_organ("某县人民政府")
    return {
        "s": s,
        "reporter": client_for(fast_user("reporter", organ=s.city, roles=("reporter",))),
        "handler": client_for(fast_user("handler", organ=s.city, roles=("handler",))),
        "stranger": client_for(fast_user("stranger", organ=other, roles=("reporter",))),
        "bureau_reporter": client_for(
            fast_user("bureau-reporter", organ=s.bureau, roles=("reporter",))
        ),
        "admin": client_for(s.actor),
    }


def publish(world: dict[str, Any], scope: str = "") -> Any:
    s = world["s"]
    query = "?scope=tree" if scope else ""
    world["reporter"].put(url(s.city) + query, PUT_BODY, format="json")
    return world["reporter"].post(url(s.city, action="publish") + query)


class TestRead:
    def test_draft_is_a_404_for_the_public_and_for_staff_of_other_organs(
        self, world: dict[str, Any], api: APIClient
    ) -> None:
        s = world["s"]
        world["reporter"].put(url(s.city), PUT_BODY, format="json")

        assert api.get(url(s.city)).status_code == 404
        assert world["stranger"].get(url(s.city)).status_code == 404
        # Staff of a subordinate organ are not staff of the government above it.
        assert world["bureau_reporter"].get(url(s.city)).status_code == 404
        # Nothing drafted for 2025 yet: the same answer as for an existing draft.
        assert api.get(url(s.city, 2025)).status_code == 404

    def test_staff_of_the_organ_whatever_their_role_see_the_draft(
        self, world: dict[str, Any]
    ) -> None:
        s = world["s"]
        world["reporter"].put(url(s.city), PUT_BODY, format="json")

        response = world["handler"].get(url(s.city))

        assert response.status_code == 200
        data = response.json()
        assert API_KEYS <= set(data)
        assert data["status"] == "draft"
        assert data["published_at"] is None
        assert data["organ"] == s.city.code
        assert data["year"] == 2026
        assert data["scope"] == "organ"
        assert data["applications"] == CITY_2026
        assert data["proactive"] == {
            "rule": {"issued": 1, "repealed": 1, "in_force": 2},
            "normative": {"issued": 3, "repealed": 1, "in_force": 2},
            "licensing": {"decisions": 120},
            "penalty": {"decisions": 35},
            "coercion": {"decisions": 4},
            "fees": {"amount_10k_yuan": "1.2345"},
        }
        assert data["appeals"]["review"] == {
            "upheld": 0,
            "corrected": 1,
            "other": 0,
            "pending": 1,
            "total": 2,
        }
        assert data["sections"] == PUT_BODY["sections"]
        assert data["checks"] == []

    def test_superuser_sees_any_draft(self, world: dict[str, Any]) -> None:
        response = world["admin"].get(url(world["s"].bureau))

        assert response.status_code == 200
        assert response.json()["status"] == "draft"

    def test_staff_of_an_organ_above_see_the_subordinates_draft(
        self, world: dict[str, Any]
    ) -> None:
        response = world["handler"].get(url(world["s"].bureau))

        assert response.status_code == 200

    def test_scope_tree_consolidates_the_subtree(self, world: dict[str, Any]) -> None:
        response = world["handler"].get(url(world["s"].city), {"scope": "tree"})

        assert response.status_code == 200
        assert response.json()["scope"] == "tree"
        assert response.json()["applications"] == TREE_2026

    def test_unknown_organ_is_a_404(self, api: APIClient) -> None:
        response = api.get(url("91330100MA2XXXXXXX"))

        assert response.status_code == 404

    @pytest.mark.parametrize("year", ["2007", "2028", "1999"])
    def test_year_outside_2008_to_this_year_is_a_400_naming_year(
        self, world: dict[str, Any], year: str
    ) -> None:
        response = world["handler"].get(url(world["s"].city, year))

        assert response.status_code == 400
        assert response.json() == {"year": ["年度应在2008年至2027年之间。"]}

    def test_year_that_is_not_a_number_is_a_400(self, api: APIClient) -> None:
        response = api.get(url(make_organ(), "20x6"))

        assert response.status_code == 400
        assert list(response.json()) == ["year"]

    @pytest.mark.parametrize(("param", "value"), [("scope", "city"), ("version", "first")])
    def test_bad_query_parameter_is_a_400_naming_it(
        self, world: dict[str, Any], param: str, value: str
    ) -> None:
        response = world["handler"].get(url(world["s"].city), {param: value})

        assert response.status_code == 400
        assert list(response.json()) == [param]


class TestEdit:
    def test_reporter_saves_sections_and_manual_figures_and_gets_the_report(
        self, world: dict[str, Any]
    ) -> None:
        s = world["s"]

        response = world["reporter"].put(url(s.city), PUT_BODY, format="json")

        assert response.status_code == 200
        data = response.json()
        assert data["status"] == "draft"
        assert data["proactive"]["rule"] == {"issued": 1, "repealed": 1, "in_force": 2}
        assert data["proactive"]["licensing"] == {"decisions": 120}
        assert data["applications"]["rows"]["new"]["total"] == 8
        report = AnnualReport.objects.get(organ=s.city, year=2026, scope="organ")
        assert report.manual["fees"] == {"amount_10k_yuan": "1.2345"}
        assert report.sections == PUT_BODY["sections"]

    def test_reporter_of_an_organ_above_may_edit_the_subordinates_report(
        self, world: dict[str, Any]
    ) -> None:
        response = world["reporter"].put(
            url(world["s"].bureau), {"sections": {"overview": "教育局总体情况"}}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["sections"]["overview"] == "教育局总体情况"

    def test_anonymous_edit_is_a_401(self, world: dict[str, Any], api: APIClient) -> None:
        response = api.put(url(world["s"].city), PUT_BODY, format="json")

        assert response.status_code == 401
        assert not AnnualReport.objects.exists()

    def test_staff_of_the_organ_without_the_reporter_role_get_a_403(
        self, world: dict[str, Any]
    ) -> None:
        response = world["handler"].put(url(world["s"].city), PUT_BODY, format="json")

        assert response.status_code == 403
        assert not AnnualReport.objects.exists()

    def test_reporter_of_another_organ_gets_a_404_for_a_draft(self, world: dict[str, Any]) -> None:
        s = world["s"]

        put = world["stranger"].put(url(s.city), PUT_BODY, format="json")
        post = world["stranger"].post(url(s.city, action="publish"))

        assert (put.status_code, post.status_code) == (404, 404)
        assert not AnnualReport.objects.exists()

    def test_reporter_of_another_organ_gets_a_403_for_a_published_report(
        self, world: dict[str, Any]
    ) -> None:
        assert publish(world).status_code == 200

        response = world["stranger"].put(url(world["s"].city), PUT_BODY, format="json")

        assert response.status_code == 403

    @pytest.mark.parametrize(
        ("body", "errors"),
        [
            (
                {"proactive": {"penalty": {"decisions": -1}}},
                {"proactive": {"penalty": {"decisions": ["请填写不小于0的整数。"]}}},
            ),
            (
                {"proactive": {"fees": {"amount_10k_yuan": "0.00001"}}},
                {
                    "proactive": {
                        "fees": {"amount_10k_yuan": ["金额以万元为单位，最多保留4位小数。"]}
                    }
                },
            ),
            (
                {"proactive": {"fees": {"amount_10k_yuan": "-2"}}},
                {"proactive": {"fees": {"amount_10k_yuan": ["金额不能为负数。"]}}},
            ),
            (
                {"sections": {"overview": 12}},
                {"sections": {"overview": ["正文应为文字。"]}},
            ),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field(
        self, world: dict[str, Any], body: dict[str, Any], errors: dict[str, Any]
    ) -> None:
        response = world["reporter"].put(url(world["s"].city), body, format="json")

        assert response.status_code == 400
        assert response.json() == errors

    def test_editing_a_published_report_is_a_409(self, world: dict[str, Any]) -> None:
        assert publish(world).status_code == 200

        response = world["reporter"].put(url(world["s"].city), PUT_BODY, format="json")

        assert response.status_code == 409
        assert "撤回" in response.json()["detail"]


class TestPublish:
    def test_publish_freezes_the_report_for_everyone(
        self,
        world: dict[str, Any],
        api: APIClient,
        django_assert_num_queries: Any,
        settings: Any,
    ) -> None:
        s = world["s"]

        response = publish(world)

        assert response.status_code == 200
        assert response.json()["status"] == "published"
        assert response.json()["version"] == 1
        # Data registered afterwards does not change the published report.
        make_application(s.city, received=D(2026, 6, 1), closed=D(2026, 6, 10))
        # The throttle's counter (one upsert; in Redis instead when REDIS_URL is set), the
        # organ, the report, its versions: the frozen JSON is served as stored.
        settings.REDIS_URL = ""
        with django_assert_num_queries(4):
            public = api.get(url(s.city))
        assert public.status_code == 200
        data = public.json()
        assert data["status"] == "published"
        assert data["published_at"] == "2027-01-20T10:00:00+08:00"
        assert data["applications"] == CITY_2026
        assert data["proactive"]["fees"] == {"amount_10k_yuan": "1.2345"}
        assert "checks" not in data

    def test_failing_checks_are_a_400_listing_each_one(self, world: dict[str, Any]) -> None:
        s = world["s"]
        world["reporter"].put(url(s.city), PUT_BODY, format="json")
        AnnualReport.objects.filter(organ=s.city).update(
            manual={**PUT_BODY["proactive"], "licensing": {"decisions": -5}}
        )

        response = world["reporter"].post(url(s.city, action="publish"))

        assert response.status_code == 400
        assert response.json() == {
            "checks": [
                {
                    "rule": "non_negative",
                    "cell": "表二 行政许可 / 本年处理决定数量",
                    "message": "数值不能为负数，当前为-5",
                    "severity": "error",
                }
            ]
        }
        assert not PublishedReport.objects.exists()

    def test_carry_over_mismatch_with_last_years_report_is_a_400(
        self, world: dict[str, Any]
    ) -> None:
        s = world["s"]
        world["reporter"].put(url(s.city, 2025), PUT_BODY, format="json")
        assert world["reporter"].post(url(s.city, 2025, "publish")).status_code == 200
        make_application(s.city, received=D(2025, 9, 1), applicant_type="research")

        response = publish(world)

        assert response.status_code == 400
        assert [c["cell"] for c in response.json()["checks"]] == [
            "表三 二 ≠ 上年四 / 科研机构",
            "表三 二 ≠ 上年四 / 总计",
        ]

    def test_publishing_twice_is_a_409(self, world: dict[str, Any]) -> None:
        assert publish(world).status_code == 200

        response = world["reporter"].post(url(world["s"].city, action="publish"))

        assert response.status_code == 409

    def test_handler_cannot_publish(self, world: dict[str, Any]) -> None:
        response = world["handler"].post(url(world["s"].city, action="publish"))

        assert response.status_code == 403

    def test_year_in_progress_cannot_be_published(self, world: dict[str, Any]) -> None:
        response = world["reporter"].post(url(world["s"].city, 2027, "publish"))

        assert response.status_code == 400
        assert list(response.json()) == ["year"]

    def test_reopen_and_republish_keeps_the_first_version_as_superseded(
        self, world: dict[str, Any], api: APIClient
    ) -> None:
        s = world["s"]
        assert publish(world).status_code == 200

        reopened = world["reporter"].post(url(s.city, action="reopen"))
        assert reopened.status_code == 200
        assert reopened.json()["status"] == "draft"
        make_application(s.city, received=D(2026, 6, 1), closed=D(2026, 6, 10))
        # While corrected, the public still reads version 1.
        assert api.get(url(s.city)).json()["version"] == 1
        with time_machine.travel(COMPILED_AT.replace(day=25), tick=False):
            republished = world["reporter"].post(url(s.city, action="publish"))
        assert republished.status_code == 200

        current = api.get(url(s.city)).json()
        first = api.get(url(s.city), {"version": 1}).json()
        assert current["version"] == 2
        assert current["applications"]["rows"]["new"]["total"] == 9
        assert first["version"] == 1
        assert first["applications"]["rows"]["new"]["total"] == 8
        assert first["superseded_at"] == "2027-01-25T10:00:00+08:00"
        assert [(v["version"], v["superseded_at"]) for v in current["versions"]] == [
            (1, "2027-01-25T10:00:00+08:00"),
            (2, None),
        ]
        assert api.get(url(s.city), {"version": 3}).status_code == 404

    def test_reopening_a_draft_is_a_409(self, world: dict[str, Any]) -> None:
        response = world["reporter"].post(url(world["s"].city, action="reopen"))

        assert response.status_code == 409

    def test_consolidated_report_is_published_separately(
        self, world: dict[str, Any], api: APIClient
    ) -> None:
        s = world["s"]

        assert publish(world, scope="tree").status_code == 200

        assert api.get(url(s.city), {"scope": "tree"}).json()["applications"] == TREE_2026
        assert api.get(url(s.city)).status_code == 404


class TestList:
    def test_lists_the_current_published_versions_only(
        self,
        world: dict[str, Any],
        api: APIClient,
        django_assert_num_queries: Any,
        settings: Any,
    ) -> None:
        s = world["s"]
        publish(world)
        publish(world, scope="tree")
        world["reporter"].post(url(s.city, action="reopen"))
        world["reporter"].post(url(s.city, action="publish"))  # version 2 of the organ's report
        world["reporter"].put(url(s.bureau), PUT_BODY, format="json")  # a draft: not listed

        # The throttle's counter (one upsert; in Redis instead when REDIS_URL is set), the
        # count, then the page with each version's report and organ joined.
        settings.REDIS_URL = ""
        with django_assert_num_queries(3):
            response = api.get("/api/v1/reports/")

        assert response.status_code == 200
        data = response.json()
        assert data["count"] == 2
        assert [(r["organ"], r["year"], r["scope"], r["version"]) for r in data["results"]] == [
            (s.city.code, 2026, "organ", 2),
            (s.city.code, 2026, "tree", 1),
        ]
        first = data["results"][0]
        assert first["organ_name"] == "某市人民政府"
        assert first["url"] == f"/reports/{s.city.code}/2026/"
        assert data["results"][1]["url"] == f"/reports/{s.city.code}/2026/?scope=tree"
        assert first["api_url"] == url(s.city)
        assert first["published_at"] == "2027-01-20T10:00:00+08:00"

    def test_filters_by_organ_subtree_and_year(self, world: dict[str, Any], api: APIClient) -> None:
        s = world["s"]
        publish(world)

        assert api.get("/api/v1/reports/", {"organ": s.city.code}).json()["count"] == 1
        assert api.get("/api/v1/reports/", {"organ": s.bureau.code}).json()["count"] == 0
        assert api.get("/api/v1/reports/", {"year": 2025}).json()["count"] == 0
        assert api.get("/api/v1/reports/", {"year": "abc"}).status_code == 400
