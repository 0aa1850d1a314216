"""``manage.py seed_demo`` with ``requests_app.demo`` and ``reports.demo``: applications in every
state across 2025 and 2026, published 2025 reports that balance, and a second run that adds
nothing.

Seeding takes several seconds, so the class seeds twice in ``setUpTestData`` and its tests
share the result inside the class's transaction.
"""

from __future__ import annotations

import io
import re
import tempfile
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from catalog import permissions as organ_permissions
from catalog.demo_data import ORGANS_BY_KEY
from catalog.models import Organ, StaffRole
from catalog.validators import credit_code_problem
from reports.checks import check_figures, has_errors
from reports.format import RESULTS_TOTAL
from reports.models import AnnualReport, Consultation, PublishedReport, Scope
from reports.services import report_checks, report_data
from requests_app.calendar import current_calendar
from requests_app.deadlines import is_due_soon, is_overdue
from requests_app.models import (
    Appeal,
    ApplicantType,
    Application,
    Channel,
    DeliveryMethod,
    Event,
    EventType,
    IdType,
    Outcome,
    ReleasedFile,
    Status,
)
from requests_app.services import resident_id_problem

MODELS = (
    Application,
    Event,
    Appeal,
    ReleasedFile,
    Consultation,
    AnnualReport,
    PublishedReport,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


class TestSeedDemoApplicationsAndReports(TestCase):
    first: dict[str, int]
    second: dict[str, int]
    second_out: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.media = tempfile.TemporaryDirectory()
        with override_settings(MEDIA_ROOT=cls.media.name):
            call_command("seed_demo", stdout=io.StringIO())
            cls.first = counts()
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            cls.second, cls.second_out = counts(), out.getvalue()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.media.cleanup()

    # --- Applications ----------------------------------------------------------------------

    def test_about_150_applications_are_created_once(self) -> None:
        assert 140 <= self.first["Application"] <= 160
        assert self.second == self.first
        assert "未重复创建" in self.second_out

    def test_every_application_status_appears(self) -> None:
        present = set(Application.objects.values_list("status", flat=True))
        assert present == set(Status.values)

    def test_at_least_ten_distinct_outcomes(self) -> None:
        outcomes = set(Application.objects.exclude(outcome="").values_list("outcome", flat=True))
        assert len(outcomes) >= 10

    def test_applications_span_2025_and_2026(self) -> None:
        years = set(Application.objects.values_list("first_received_on__year", flat=True))
        assert {2025, 2026} <= years

    def test_queue_has_applications_due_soon_and_overdue(self) -> None:
        cal, today = current_calendar(), timezone.localdate()
        received = list(Application.objects.filter(status=Status.RECEIVED))
        assert any(is_due_soon(cal, a.due_on, today) for a in received)
        assert any(is_overdue(a.due_on, today) for a in received)

    def test_channels_and_applicant_types_are_mixed(self) -> None:
        channels = set(Application.objects.values_list("channel", flat=True))
        types = set(Application.objects.values_list("applicant_type", flat=True))
        assert {Channel.IN_PERSON, Channel.ONLINE, Channel.EMAIL, Channel.LETTER} <= channels
        assert {ApplicantType.NATURAL_PERSON, ApplicantType.COMMERCIAL} <= types
        assert len(types) >= 4

    def test_no_date_is_in_the_future_and_steps_are_in_order(self) -> None:
        today = timezone.localdate()
        for application in Application.objects.prefetch_related("events"):
            steps = [e for e in application.events.all() if e.type != EventType.ASSIGN]
            dates = [e.date for e in sorted(steps, key=lambda e: e.pk)]
            assert dates == sorted(dates), application.tracking_code
            assert dates[-1] <= today
            assert application.closed_on is None or application.closed_on <= today
        assert not Appeal.objects.filter(filed_on__gt=today).exists()
        assert not Appeal.objects.filter(decided_on__gt=today).exists()

    def test_applicants_have_valid_identity_documents_and_no_email(self) -> None:
        for application in Application.objects.all():
            if application.applicant_type == ApplicantType.NATURAL_PERSON:
                assert application.id_type == IdType.RESIDENT_ID
                assert resident_id_problem(application.id_number) is None
            else:
                assert credit_code_problem(application.credit_code) is None
            # No address, no mail: seeding never writes to anybody.
            assert application.email == ""

    def test_extensions_are_approved_by_an_approver_of_the_organ(self) -> None:
        users = {u.username: u for u in get_user_model().objects.all()}
        extensions = Event.objects.filter(type=EventType.EXTEND).select_related("application")
        assert extensions.exists()
        for event in extensions:
            approver = users[event.data["approved_by"]]
            assert organ_permissions.can_act(
                approver, event.application.organ_id, StaffRole.APPROVER
            )

    def test_answer_letters_carry_each_organs_own_code_and_serial(self) -> None:
        answered = Application.objects.filter(status=Status.ANSWERED).select_related("organ")
        assert answered.exists()
        education = ORGANS_BY_KEY["edu"]
        for application in answered:
            number = application.letter_number
            year = application.closed_on.year
            assert re.fullmatch(rf"\S+信复〔{year}〕\d+号", number), number
            assert "市政府信复" not in number  # the 机关代字, not the short name
        letters = answered.filter(organ__code=education.credit_code)
        assert letters and all(a.letter_number.startswith("临教信复〔") for a in letters)

    def test_online_disclosures_carry_documents_the_applicant_downloads(self) -> None:
        released = ReleasedFile.objects.select_related("application")
        assert released.count() >= 3
        for document in released:
            application = document.application
            assert application.delivery_method == DeliveryMethod.ONLINE
            assert application.status == Status.ANSWERED
            assert application.outcome in (Outcome.DISCLOSED, Outcome.PARTIALLY_DISCLOSED)
        application = released.first().application
        page = self.client.get("/track/", {"code": application.tracking_code})
        links = re.findall(r'href="(/track/files/[^"]+)"', page.content.decode())
        assert len(links) == 1
        with override_settings(MEDIA_ROOT=self.media.name):
            download = self.client.get(links[0])
            assert download.status_code == 200
            assert b"".join(download.streaming_content).startswith(b"%PDF-")

    def test_appeals_of_both_kinds_with_several_results(self) -> None:
        appeals = Appeal.objects.all()
        assert 6 <= appeals.count() <= 12
        assert len(set(appeals.values_list("kind", flat=True))) >= 2
        assert len(set(appeals.values_list("result", flat=True))) >= 3

    # --- Reports ---------------------------------------------------------------------------

    def test_city_2025_report_is_published_in_both_scopes_and_balances(self) -> None:
        city = Organ.objects.get(code=ORGANS_BY_KEY["city"].credit_code)
        for scope in Scope.values:
            report = AnnualReport.objects.get(organ=city, year=2025, scope=scope)
            assert report.status == AnnualReport.Status.PUBLISHED
            data: dict[str, Any] | None = report_data(
                report, city, 2025, scope, user=AnonymousUser()
            )
            assert data is not None and data["status"] == "published"
            rows = data["applications"]["rows"]
            for column in data["applications"]["columns"]:
                assert (
                    rows["new"][column] + rows["carried_over"][column]
                    == rows[RESULTS_TOTAL][column] + rows["carried_forward"][column]
                )
            assert rows["new"]["total"] > 0
            figures = {key: data[key] for key in ("proactive", "applications", "appeals")}
            assert not has_errors(check_figures(figures))
            assert not has_errors(report_checks(report))
            assert data["proactive"]["licensing"]["decisions"] > 0
            # The reporter's prompts are answered in what is published.
            assert all("【请补充" not in text for text in data["sections"].values())
            assert all(text.strip() for text in data["sections"].values())

    def test_a_department_2025_report_is_published(self) -> None:
        edu = Organ.objects.get(code=ORGANS_BY_KEY["edu"].credit_code)
        report = AnnualReport.objects.get(organ=edu, year=2025, scope=Scope.ORGAN)
        assert report.status == AnnualReport.Status.PUBLISHED
        assert report.versions.count() == 1

    def test_2026_reports_stay_drafts(self) -> None:
        drafts = AnnualReport.objects.filter(year=2026)
        assert drafts.exists()
        assert set(drafts.values_list("status", flat=True)) == {AnnualReport.Status.DRAFT}

    def test_consultations_cover_both_years_and_every_channel(self) -> None:
        consultations = Consultation.objects.all()
        assert 30 <= consultations.count() <= 50
        assert {2025, 2026} <= set(consultations.values_list("date__year", flat=True))
        assert set(consultations.values_list("channel", flat=True)) == set(
            Consultation.Channel.values
        )
