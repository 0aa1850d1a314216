"""The staff desk of 依申请公开 (/staff/applications/…) and the calendar page (/staff/calendar/).

Today is Friday 2026-11-27 in Beijing. Deadlines were checked by hand against the 2026
holiday notice: received 2026-10-23 → due Fri 2026-11-20 (5 working days overdue today);
received 2026-10-30 → due today; received 2026-11-02 → due Mon 2026-11-30 (due soon);
received 2026-11-20 → due 2026-12-18.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import Organ
from requests_app import services
from requests_app.calendar import current_calendar
from requests_app.models import (
    Appeal,
    Application,
    CalendarOverride,
    CalendarYear,
    Channel,
    Event,
    EventType,
    Outcome,
    Status,
)
from requests_app.tracking import display_tracking_code
from requests_app.workdays import add_workdays
from tests import files
from tests.factories import make_item, make_organ, make_staff, make_superuser
from tests.requests_app.factories import make_application, person, resident_id

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_today"),
]

D = dt.date
PDF = files.pdf()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Staff accounts get real passwords; hashing them properly is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def _today() -> Any:
    with time_machine.travel("2026-11-27 10:00 +0800", tick=False):
        yield


@pytest.fixture
def tree() -> dict[str, Organ]:
    city = make_organ("临江市人民政府", short_name="市政府")
    return {
        "city": city,
        "edu": make_organ("临江市教育局", parent=city, short_name="市教育局"),
        "finance": make_organ("临江市财政局", parent=city, short_name="市财政局"),
    }


@pytest.fixture
def edu(tree: dict[str, Organ]) -> Organ:
    return tree["edu"]


@pytest.fixture
def handler(edu: Organ) -> Any:
    return make_staff(edu, ["handler"], username="wangfang")


@pytest.fixture
def approver(edu: Organ) -> Any:
    return make_staff(edu, ["approver"], username="chief")


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(app: Application, suffix: str = "") -> str:
    return f"/staff/applications/{app.pk}/{suffix}"


def act(action: str, app: Application, actor: Any, **params: Any) -> Application:
    return services.perform_action(action, actor=actor, application=app, **params)


def post_action(client: Client, app: Application, action: str, **fields: Any) -> Any:
    """POST the action's form as the page renders it (fields prefixed with the action)."""
    data = {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(url(app, f"act/{action}/"), data)


def offered_actions(html: str, app: Application) -> set[str]:
    return set(re.findall(rf'action="/staff/applications/{app.pk}/act/([a-z-]+)/"', html))


def row_of(html: str, app: Application) -> str:
    """The queue's table row holding ``app``."""
    code = display_tracking_code(app.tracking_code)
    rows = [row for row in html.split("<tr") if code in row]
    assert len(rows) == 1, f"{code} appears in {len(rows)} rows"
    return rows[0]


def field_errors(html: str, field_id: str) -> str:
    """The text of the error list Django links to the field (``<id>_error``)."""
    match = re.search(rf'<ul class="errorlist" id="{re.escape(field_id)}_error">(.*?)</ul>', html)
    return match.group(1) if match else ""


# --- The queue --------------------------------------------------------------------------------


class TestQueue:
    @pytest.fixture
    def apps(self, tree: dict[str, Organ], handler: Any) -> dict[str, Application]:
        edu = tree["edu"]
        correction = make_application(edu, received_on=D(2026, 11, 3))
        act(EventType.REQUEST_CORRECTION, correction, handler, date=D(2026, 11, 4), note="补充")
        return {
            # Created out of order: the page must sort them by due date.
            "later": make_application(edu, received_on=D(2026, 11, 20)),
            "correction": correction,
            "soon": make_application(edu, received_on=D(2026, 11, 2)),
            "late": make_application(edu, received_on=D(2026, 10, 23)),
            "today": make_application(edu, received_on=D(2026, 10, 30)),
            "other_organ": make_application(tree["finance"], received_on=D(2026, 10, 20)),
        }

    def test_queue_lists_only_the_users_organs_sorted_by_due_date_awaiting_correction_last(
        self, apps: dict[str, Application], handler: Any
    ) -> None:
        html = logged_in(handler).get("/staff/applications/").content.decode()
        assert display_tracking_code(apps["other_organ"].tracking_code) not in html
        order = ["late", "today", "soon", "later", "correction"]
        positions = [html.index(display_tracking_code(apps[k].tracking_code)) for k in order]
        assert positions == sorted(positions)
        assert "共 5 件" in html

    def test_overdue_and_due_soon_rows_say_so_in_words(
        self, apps: dict[str, Application], handler: Any
    ) -> None:
        html = logged_in(handler).get("/staff/applications/").content.decode()
        assert "已逾期5个工作日" in row_of(html, apps["late"])
        assert 'class="is-overdue"' in row_of(html, apps["late"])
        assert "即将到期" in row_of(html, apps["today"])
        assert "今日到期" in row_of(html, apps["today"])
        assert "即将到期" in row_of(html, apps["soon"])
        assert "还剩1个工作日" in row_of(html, apps["soon"])
        for key in ("later", "correction"):
            assert "即将到期" not in row_of(html, apps[key])
            assert "已逾期" not in row_of(html, apps[key])
        assert "2026年12月18日" in row_of(html, apps["later"])
        assert "待补正" in row_of(html, apps["correction"])

    def test_a_deadline_through_an_uncovered_year_is_marked(self, edu: Organ, handler: Any) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        Application.objects.filter(pk=app.pk).update(due_covered=False)
        html = logged_in(handler).get("/staff/applications/").content.decode()
        assert "期限未覆盖官方日历" in row_of(html, app)

    def test_the_government_sees_its_departments_applications(
        self, apps: dict[str, Application], tree: dict[str, Organ]
    ) -> None:
        city_handler = make_staff(tree["city"], ["handler"])
        html = logged_in(city_handler).get("/staff/applications/").content.decode()
        assert display_tracking_code(apps["other_organ"].tracking_code) in html
        assert "共 6 件" in html

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("overdue=on", {"late"}),
            ("due_soon=on", {"today", "soon"}),
            ("status=awaiting_correction", {"correction"}),
            ("received_after=2026-11-01&received_before=2026-11-10", {"soon", "correction"}),
        ],
    )
    def test_filters_narrow_the_queue(
        self, apps: dict[str, Application], handler: Any, query: str, expected: set[str]
    ) -> None:
        html = logged_in(handler).get(f"/staff/applications/?{query}").content.decode()
        shown = {k for k, a in apps.items() if display_tracking_code(a.tracking_code) in html}
        assert shown == expected

    def test_status_filter_shows_answered_applications_that_the_default_hides(
        self, edu: Organ, handler: Any
    ) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        act(EventType.ANSWER, app, handler, outcome=Outcome.DISCLOSED, reply="予以公开。")
        client = logged_in(handler)
        code = display_tracking_code(app.tracking_code)
        assert code not in client.get("/staff/applications/").content.decode()
        assert code in client.get("/staff/applications/?status=answered").content.decode()
        assert code in client.get("/staff/applications/?status=all").content.decode()

    def test_organ_filter_covers_the_subtree(
        self, apps: dict[str, Application], tree: dict[str, Organ]
    ) -> None:
        client = logged_in(make_superuser())
        html = client.get(f"/staff/applications/?organ={tree['city'].pk}").content.decode()
        assert "共 6 件" in html
        html = client.get(f"/staff/applications/?organ={tree['finance'].pk}").content.decode()
        assert "共 1 件" in html

    def test_search_by_tracking_code_or_applicant_name(self, edu: Organ, handler: Any) -> None:
        li = make_application(edu, received_on=D(2026, 11, 20), applicant=person(name="李四光"))
        zhang = make_application(edu, received_on=D(2026, 11, 20))
        client = logged_in(handler)
        typed = display_tracking_code(zhang.tracking_code).lower()  # as read over the phone
        html = client.get("/staff/applications/", {"q": typed}).content.decode()
        assert display_tracking_code(zhang.tracking_code) in html
        assert display_tracking_code(li.tracking_code) not in html
        html = client.get("/staff/applications/", {"q": "李四"}).content.decode()
        assert display_tracking_code(li.tracking_code) in html
        assert display_tracking_code(zhang.tracking_code) not in html

    def test_search_by_part_of_the_code_or_of_the_description(
        self, edu: Organ, handler: Any
    ) -> None:
        roads = make_application(
            edu, received_on=D(2026, 11, 20), description="请公开2025年城区道路维修工程的招标文件"
        )
        schools = make_application(
            edu, received_on=D(2026, 11, 20), description="请公开2026年学区划分方案"
        )
        client = logged_in(handler)
        html = client.get("/staff/applications/", {"q": "道路维修"}).content.decode()
        assert display_tracking_code(roads.tracking_code) in html
        assert display_tracking_code(schools.tracking_code) not in html
        # The last group of four, typed in lower case, as read from a paper receipt.
        piece = display_tracking_code(schools.tracking_code).split("-")[-1].lower()
        html = client.get("/staff/applications/", {"q": piece}).content.decode()
        assert display_tracking_code(schools.tracking_code) in html
        assert display_tracking_code(roads.tracking_code) not in html

    def test_assigned_to_me_filter(self, edu: Organ, handler: Any) -> None:
        mine, other = (make_application(edu, received_on=D(2026, 11, 20)) for _ in range(2))
        services.application_assign(actor=handler, application=mine, user=handler)
        html = logged_in(handler).get("/staff/applications/?mine=on").content.decode()
        assert display_tracking_code(mine.tracking_code) in html
        assert display_tracking_code(other.tracking_code) not in html

    def test_query_count_does_not_grow_with_the_number_of_applications(
        self, edu: Organ, handler: Any, django_assert_max_num_queries: Any
    ) -> None:
        def queries_for_page(count: int) -> int:
            Application.objects.all().delete()
            for n in range(count):
                app = make_application(edu, received_on=D(2026, 10, 20) + dt.timedelta(days=n))
                services.application_assign(actor=handler, application=app, user=handler)
            client = logged_in(handler)
            client.get("/staff/applications/")  # warm the organ tree and calendar caches
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/staff/applications/").status_code == 200
            return len(captured)

        assert queries_for_page(5) == queries_for_page(30)
        client = logged_in(handler)
        client.get("/staff/applications/")
        # version stamps, session, user, staff profile, the profile's organ (navigation), the
        # sidebar's count of open applications, count of the filtered applications, the page's
        # ids in deadline order, the page's rows joined with organ and assignee
        with django_assert_max_num_queries(9):
            client.get("/staff/applications/")

    def test_sidebar_counts_the_open_applications_of_the_users_organs(
        self, edu: Organ, tree: dict[str, Organ], handler: Any
    ) -> None:
        for _ in range(3):
            make_application(edu, received_on=D(2026, 11, 20))
        make_application(tree["finance"], received_on=D(2026, 11, 20))  # not the user's organ
        html = logged_in(handler).get("/staff/").content.decode()
        assert '<span class="staff-count" aria-label="3件待办">3</span>' in html

    def test_queue_pages_by_fifty(self, edu: Organ, handler: Any) -> None:
        for _ in range(51):
            make_application(edu, received_on=D(2026, 11, 20))
        client = logged_in(handler)
        first = client.get("/staff/applications/").content.decode()
        assert first.count('<th scope="row"><a class="code"') == 50
        assert "第 1 页，共 2 页" in first
        second = client.get("/staff/applications/?page=2").content.decode()
        assert second.count('<th scope="row"><a class="code"') == 1

    def test_anonymous_is_sent_to_login_and_non_staff_is_refused(self, apps: Any) -> None:
        response = Client().get("/staff/applications/")
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/")
        from django.contrib.auth import get_user_model

        citizen = get_user_model().objects.create_user("citizen", password="x-y-z-w-v")
        assert logged_in(citizen).get("/staff/applications/").status_code == 403


# --- The application page ---------------------------------------------------------------------


class TestDetail:
    def test_staff_of_another_organ_gets_404_on_page_action_and_files(
        self, tree: dict[str, Organ], handler: Any
    ) -> None:
        upload = SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf")
        app = make_application(tree["edu"], received_on=D(2026, 11, 20), attachments=[upload])
        stranger = logged_in(make_staff(tree["finance"], ["handler", "approver"]))
        assert stranger.get(url(app)).status_code == 404
        response = post_action(stranger, app, "withdraw", date="2026-11-27", note="")
        assert response.status_code == 404
        attachment = app.attachments.get()
        assert stranger.get(url(app, f"attachments/{attachment.pk}/")).status_code == 404
        assert Application.objects.get(pk=app.pk).status == Status.RECEIVED

    def test_page_shows_applicant_data_deadline_derivation_and_attachment(
        self, edu: Organ, handler: Any
    ) -> None:
        upload = SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf")
        app = make_application(edu, received_on=D(2026, 11, 20), attachments=[upload])
        client = logged_in(handler)
        html = client.get(url(app)).content.decode()
        assert app.id_number in html and "张三丰" in html
        assert "收到申请：2026年11月20日" in html
        assert "答复期限届满日：2026年12月18日" in html
        attachment = app.attachments.get()
        href = f"/staff/applications/{app.pk}/attachments/{attachment.pk}/"
        assert href in html
        response = client.get(href)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]

    def test_a_publisher_cannot_open_the_application_desk(self, edu: Organ) -> None:
        # Issue 8: a publisher opened the desk by URL and read applicants' ID numbers.
        app = make_application(edu, received_on=D(2026, 11, 20))
        publisher = logged_in(make_staff(edu, ["publisher"]))
        assert publisher.get("/staff/applications/").status_code == 403
        response = publisher.get(url(app))
        assert response.status_code == 404
        assert app.id_number not in response.content.decode()
        assert post_action(publisher, app, "withdraw", date="2026-11-27").status_code == 404
        assert Application.objects.get(pk=app.pk).status == Status.RECEIVED

    def test_only_an_approver_is_offered_the_extension(
        self, edu: Organ, handler: Any, approver: Any
    ) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        assert "extend" not in offered_actions(
            logged_in(handler).get(url(app)).content.decode(), app
        )
        assert "extend" in offered_actions(logged_in(approver).get(url(app)).content.decode(), app)
        response = post_action(
            logged_in(handler), app, "extend", date="2026-11-27", workdays="5", reason="x"
        )
        assert response.status_code == 403
        assert Application.objects.get(pk=app.pk).extension_workdays == 0

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            (
                Status.RECEIVED,
                {
                    "request-correction",
                    "start-consultation",
                    "issue-fee-notice",
                    "request-reasons",
                    "answer",
                    "withdraw",
                },
            ),
            (
                Status.AWAITING_CORRECTION,
                {"receive-correction", "lapse-correction", "withdraw"},
            ),
            (Status.CONSULTING, {"end-consultation", "withdraw"}),
            (Status.AWAITING_FEE, {"confirm-fee-paid", "lapse-fee", "withdraw"}),
            (Status.ANSWERED, set()),
        ],
    )
    def test_page_offers_exactly_the_allowed_actions(
        self, edu: Organ, handler: Any, status: str, expected: set[str]
    ) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        steps = {
            Status.AWAITING_CORRECTION: (EventType.REQUEST_CORRECTION, {"note": "补充身份证明"}),
            Status.CONSULTING: (EventType.START_CONSULTATION, {"party": "临江市某某公司"}),
            Status.AWAITING_FEE: (
                EventType.ISSUE_FEE_NOTICE,
                {"basis": "per_page", "quantity": 50},
            ),
            Status.ANSWERED: (
                EventType.ANSWER,
                {"outcome": Outcome.DISCLOSED, "reply": "予以公开。"},
            ),
        }
        if status in steps:
            action, params = steps[status]
            app = act(action, app, handler, **params)
        assert app.status == status
        html = logged_in(handler).get(url(app)).content.decode()
        assert offered_actions(html, app) == expected

    def test_answer_form_groups_outcomes_as_table_three(self, edu: Organ, handler: Any) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        html = logged_in(handler).get(url(app)).content.decode()
        select = re.search(r'<select name="answer-outcome".*?</select>', html, re.S)
        assert select
        groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select.group(0), re.S)
        counts = {label: len(re.findall(r"<option ", body)) for label, body in groups}
        assert counts == {
            "（一）予以公开": 1,
            "（二）部分公开": 1,
            "（三）不予公开": 8,
            "（四）本机关不掌握相关政府信息、没有现成信息或补正后仍不明确（无法提供）": 3,
            "（五）不予处理": 5,
            "（六）其他处理": 1,
        }

    def test_consultation_form_tells_the_third_party_period(self, edu: Organ, handler: Any) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        html = logged_in(handler).get(url(app)).content.decode()
        assert "15个工作日内提出意见（条例第三十二条）" in html


class TestWorkflowThroughThePages:
    def test_correction_extension_and_answer(self, edu: Organ, handler: Any, approver: Any) -> None:
        app = make_application(edu, received_on=D(2026, 11, 2))
        client = logged_in(handler)

        response = post_action(
            client,
            app,
            "request-correction",
            date="2026-11-04",
            note="请补充申请人身份证明复印件。",
            correction_due_on="",
        )
        assert response.status_code == 302
        assert response["Location"] == url(app)
        app.refresh_from_db()
        assert app.status == Status.AWAITING_CORRECTION
        assert app.due_on is None

        response = post_action(client, app, "receive-correction", date="2026-11-10", note="")
        assert response.status_code == 302
        app.refresh_from_db()
        assert (app.status, app.received_on, app.first_received_on) == (
            Status.RECEIVED,
            D(2026, 11, 10),
            D(2026, 11, 2),
        )
        html = client.get(url(app)).content.decode()
        # The clock restarted on the day the correction arrived (条例第三十条).
        assert "收到补正申请：2026年11月10日" in html
        assert "原收到申请：2026年11月2日" in html
        assert "答复期限届满日：2026年12月8日" in html

        response = post_action(
            logged_in(approver),
            app,
            "extend",
            date="2026-11-20",
            workdays="5",
            reason="需要调取档案。",
            note="",
        )
        assert response.status_code == 302
        app.refresh_from_db()
        assert app.extension_workdays == 5
        assert app.due_on == add_workdays(current_calendar(), D(2026, 12, 8), 5).date
        assert app.due_on == D(2026, 12, 15)
        html = client.get(url(app)).content.decode()
        assert "延长答复期限：5个工作日" in html
        assert "答复期限届满日：2026年12月15日" in html

        response = post_action(
            client,
            app,
            "answer",
            date="2026-11-27",
            outcome=Outcome.PARTIALLY_DISCLOSED,
            reply="部分信息涉及第三方商业秘密，不予公开；其余予以公开。",
            referral="",
            linked_item="",
            note="",
        )
        assert response.status_code == 302
        app.refresh_from_db()
        assert (app.status, app.outcome) == (Status.ANSWERED, Outcome.PARTIALLY_DISCLOSED)

        steps = list(
            Event.objects.filter(application=app)
            .exclude(type=EventType.RECEIVED)
            .order_by("date", "id")
            .values_list("type", "actor__username")
        )
        assert steps == [
            (EventType.REQUEST_CORRECTION, "wangfang"),
            (EventType.RECEIVE_CORRECTION, "wangfang"),
            (EventType.EXTEND, "chief"),
            (EventType.ANSWER, "wangfang"),
        ]
        html = client.get(url(app)).content.decode()
        timeline = html[html.index('id="timeline"') :]
        for label in ("告知补正", "收到补正", "延长答复期限", "作出答复"):
            assert label in timeline
        assert timeline.count("wangfang") >= 3
        assert "延长5个工作日；理由：需要调取档案。；同意人：chief" in timeline
        assert offered_actions(html, app) == set()
        assert f"/staff/applications/{app.pk}/letter.docx" in html

    def test_success_redirects_to_the_page_with_a_message(self, edu: Organ, handler: Any) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        client = logged_in(handler)
        response = post_action(client, app, "withdraw", date="2026-11-27", note="来电撤回。")
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        assert "已办理：申请人撤回。当前状态：已终止。" in html
        assert Application.objects.get(pk=app.pk).outcome == Outcome.OTHER_OTHER

    def test_a_disallowed_action_is_a_409_with_an_error_message(
        self, edu: Organ, handler: Any, approver: Any
    ) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        act(EventType.ANSWER, app, handler, outcome=Outcome.DISCLOSED, reply="予以公开。")
        response = post_action(
            logged_in(approver),
            app,
            "extend",
            date="2026-11-27",
            workdays="5",
            reason="x",
        )
        assert response.status_code == 409
        html = response.content.decode()
        assert 'role="alert"' in html
        assert "当前状态（已答复）不允许“延长答复期限”" in html
        assert Application.objects.get(pk=app.pk).extension_workdays == 0

    def test_an_unknown_action_is_404(self, edu: Organ, handler: Any) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        assert logged_in(handler).post(url(app, "act/approve-everything/")).status_code == 404

    def test_an_extension_of_25_days_is_refused_next_to_the_field(
        self, edu: Organ, handler: Any, approver: Any
    ) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        response = post_action(
            logged_in(approver),
            app,
            "extend",
            date="2026-11-27",
            workdays="25",
            reason="需要调取档案。",
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "延长期限应为1至20个工作日" in field_errors(html, "id_extend-workdays")
        assert 'class="error-summary" role="alert"' in html
        assert '<details class="action-panel" id="action-extend" open>' in html
        assert Application.objects.get(pk=app.pk).extension_workdays == 0

    def test_a_service_error_lands_next_to_its_field(
        self, edu: Organ, handler: Any, approver: Any
    ) -> None:
        """The form accepts 15 days; the service refuses them after an earlier 10."""
        app = make_application(edu, received_on=D(2026, 11, 20))
        act(EventType.EXTEND, app, approver, workdays=10, reason="需要调取档案。")
        response = post_action(
            logged_in(approver),
            app,
            "extend",
            date="2026-11-27",
            workdays="15",
            reason="仍需时间。",
        )
        assert response.status_code == 200
        errors = field_errors(response.content.decode(), "id_extend-workdays")
        assert "合计不得超过20个工作日" in errors

    def test_assignment_to_a_handler_of_the_organ(self, edu: Organ, handler: Any) -> None:
        colleague = make_staff(edu, ["handler"], username="lisi")
        app = make_application(edu, received_on=D(2026, 11, 20))
        client = logged_in(handler)
        html = client.get(url(app)).content.decode()
        assert f'<option value="{colleague.pk}">lisi</option>' in html
        response = client.post(url(app, "assign/"), {"assign-user": str(colleague.pk)})
        assert response.status_code == 302
        assert Application.objects.get(pk=app.pk).assigned_to == colleague

    def test_the_record_names_the_assigned_handler_as_the_desk_does(
        self, edu: Organ, handler: Any
    ) -> None:
        colleague = make_staff(edu, ["handler"], username="lisi")
        colleague.first_name = "李四"
        colleague.save()
        app = make_application(edu, received_on=D(2026, 11, 20))
        services.application_assign(actor=handler, application=app, user=colleague)

        html = logged_in(handler).get(url(app)).content.decode()

        assert "分派给：李四（lisi）" in html

    def test_appeals_are_recorded_and_their_result_updated(self, edu: Organ, handler: Any) -> None:
        app = make_application(edu, received_on=D(2026, 11, 2))
        act(
            EventType.ANSWER,
            app,
            handler,
            date=D(2026, 11, 10),
            outcome=Outcome.WITHHELD_THIRD_PARTY,
            reply="不予公开。",
        )
        client = logged_in(handler)
        response = client.post(
            url(app, "appeals/"),
            {"appeal-kind": "review", "appeal-filed_on": "2026-11-20", "appeal-result": "pending"},
        )
        assert response.status_code == 302
        appeal = Appeal.objects.get(application=app)
        assert (appeal.kind, appeal.result) == ("review", "pending")
        prefix = f"appeal-{appeal.pk}"
        response = client.post(
            url(app, f"appeals/{appeal.pk}/"),
            {f"{prefix}-result": "upheld", f"{prefix}-decided_on": "2026-11-26"},
        )
        assert response.status_code == 302
        appeal.refresh_from_db()
        assert (appeal.result, appeal.decided_on) == ("upheld", D(2026, 11, 26))
        response = client.post(
            url(app, f"appeals/{appeal.pk}/"),
            {f"{prefix}-result": "corrected", f"{prefix}-decided_on": "2026-12-01"},
        )
        assert "审结日期不能晚于今天" in field_errors(
            response.content.decode(), f"id_{prefix}-decided_on"
        )

    def test_answer_letter_downloads_once_answered(self, edu: Organ, handler: Any) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        client = logged_in(handler)
        assert client.get(url(app, "letter.docx")).status_code == 404
        act(EventType.ANSWER, app, handler, outcome=Outcome.DISCLOSED, reply="予以公开。")
        response = client.get(url(app, "letter.docx"))
        assert response.status_code == 200
        assert response.content[:2] == b"PK"
        assert "attachment" in response["Content-Disposition"]


# --- Registering an application received on paper ------------------------------------------


def register_post(organ: Organ, **overrides: str) -> dict[str, str]:
    data = {
        "organ": organ.code,
        "channel": Channel.LETTER,
        "received_on": "2026-11-20",
        "applicant_type": "natural_person",
        "name": "赵六",
        "id_type": "resident_id",
        "id_number": resident_id(),
        "phone": "0599-88001234",
        "email": "",
        "address": "临江市滨江大道1号",
        "postal_code": "",
        "description": "请公开2026年临江市义务教育学校招生计划。",
        "delivery_form": "paper",
        "delivery_method": "post",
    }
    data.update(overrides)
    return data


class TestRegister:
    def test_registering_a_letter_received_last_friday(self, edu: Organ, handler: Any) -> None:
        client = logged_in(handler)
        assert client.get("/staff/applications/new/").status_code == 200
        upload = SimpleUploadedFile("申请表扫描件.pdf", PDF, content_type="application/pdf")
        response = client.post(
            "/staff/applications/new/", {**register_post(edu), "attachments": [upload]}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        app = Application.objects.get(name="赵六")
        assert response["Location"] == url(app)
        assert (app.channel, app.first_received_on, app.received_on) == (
            Channel.LETTER,
            D(2026, 11, 20),
            D(2026, 11, 20),
        )
        assert app.due_on == D(2026, 12, 18)
        assert app.created_by == handler
        assert app.attachments.count() == 1
        html = client.get(response["Location"]).content.decode()
        assert "已登记申请" in html

    def test_a_future_receipt_date_is_refused(self, edu: Organ, handler: Any) -> None:
        response = logged_in(handler).post(
            "/staff/applications/new/", register_post(edu, received_on="2026-11-28")
        )
        assert response.status_code == 200
        assert "收到申请日期不能晚于今天" in field_errors(
            response.content.decode(), "id_received_on"
        )
        assert not Application.objects.exists()

    def test_online_is_not_a_channel_staff_register(self, edu: Organ, handler: Any) -> None:
        response = logged_in(handler).post(
            "/staff/applications/new/", register_post(edu, channel="online")
        )
        assert response.status_code == 200
        assert field_errors(response.content.decode(), "id_channel")
        assert not Application.objects.exists()

    def test_only_the_users_organs_are_offered(self, tree: dict[str, Organ], handler: Any) -> None:
        html = logged_in(handler).get("/staff/applications/new/").content.decode()
        assert f'value="{tree["edu"].code}"' in html
        assert f'value="{tree["finance"].code}"' not in html
        response = logged_in(handler).post(
            "/staff/applications/new/", register_post(tree["finance"])
        )
        assert response.status_code == 200
        assert not Application.objects.exists()


# --- The working-day calendar -----------------------------------------------------------------


class TestCalendar:
    def test_superuser_adds_an_override_and_marks_2027_complete(self) -> None:
        client = logged_in(make_superuser())
        html = client.get("/staff/calendar/2027/").content.decode()
        assert "未覆盖" in html
        response = client.post(
            "/staff/calendar/2027/overrides/",
            {"date": "2027-01-01", "is_workday": "0", "note": "元旦"},
        )
        assert response.status_code == 302
        override = CalendarOverride.objects.get(date=D(2027, 1, 1))
        assert (override.is_workday, override.note) == (False, "元旦")
        html = client.get("/staff/calendar/2027/").content.decode()
        assert "2027年1月1日" in html and "管理员录入" in html

        response = client.post("/staff/calendar/2027/complete/")
        assert response.status_code == 302
        assert CalendarYear.objects.filter(year=2027).exists()
        html = client.get("/staff/calendar/2027/").content.decode()
        assert "已覆盖" in html
        assert "已将2027年标记为节假日安排已录入完整" in html

    def test_completing_a_year_without_any_entry_is_refused_with_a_message(self) -> None:
        client = logged_in(make_superuser())
        response = client.post("/staff/calendar/2028/complete/", follow=True)
        assert "请先录入该年度" in response.content.decode()
        assert not CalendarYear.objects.filter(year=2028).exists()

    def test_bundled_holidays_are_listed_with_their_source(self) -> None:
        html = logged_in(make_superuser()).get("/staff/calendar/2026/").content.decode()
        assert "2026年10月1日" in html  # 国庆节
        assert "内置数据" in html

    def test_completing_a_year_moves_open_deadlines_onto_the_official_calendar(
        self, edu: Organ
    ) -> None:
        with time_machine.travel("2026-12-21 10:00 +0800", tick=False):
            app = make_application(edu, received_on=D(2026, 12, 18))
            assert not app.due_covered  # its 20 working days run into 2027
            client = logged_in(make_superuser())
            html = client.get("/staff/applications/").content.decode()
            assert "期限未覆盖官方日历" in row_of(html, app)
            client.post(
                "/staff/calendar/2027/overrides/",
                {"date": "2027-01-01", "is_workday": "0", "note": "元旦"},
            )
            response = client.post("/staff/calendar/2027/complete/", follow=True)
        app.refresh_from_db()
        assert app.due_covered
        assert "不再标注“期限未覆盖官方日历”的有1件" in response.content.decode()

    def test_staff_who_are_not_superusers_get_403(self, handler: Any) -> None:
        client = logged_in(handler)
        assert client.get("/staff/calendar/2027/").status_code == 403
        response = client.post(
            "/staff/calendar/2027/overrides/", {"date": "2027-01-01", "is_workday": "0"}
        )
        assert response.status_code == 403
        assert client.post("/staff/calendar/2027/complete/").status_code == 403
        assert not CalendarOverride.objects.exists()
        assert not CalendarYear.objects.exists()


@pytest.mark.usefixtures("_today")
class TestAnswerLinksAPublishedItem:
    """The answer form finds the published item by 索引号, address or words of its title
    instead of asking for a database id (issue 10)."""

    @pytest.fixture
    def items(self, edu: Organ) -> dict[str, Any]:
        return {
            "plan": make_item(edu, "临江市2026年义务教育阶段招生工作方案"),
            "fees": make_item(edu, "临江市2026年学前教育收费标准"),
            "draft": make_item(edu, "临江市2026年招生工作方案（征求意见稿）", publish=False),
        }

    def answer(self, client: Client, app: Application, linked: str) -> Any:
        return post_action(
            client,
            app,
            "answer",
            date="2026-11-27",
            outcome=Outcome.DISCLOSED,
            reply="该信息已主动公开。",
            referral="",
            linked_item=linked,
            note="",
        )

    @pytest.mark.parametrize("how", ["index_no", "title_words", "address"])
    def test_item_found_by_index_number_title_or_address(
        self, how: str, edu: Organ, handler: Any, items: dict[str, Any]
    ) -> None:
        plan = items["plan"]
        typed = {
            "index_no": plan.index_no,
            "title_words": "招生工作方案",  # the draft shares the words but is not published
            "address": f"https://xxgk.example.gov.cn/items/{plan.pk}/",
        }[how]
        app = make_application(edu, received_on=D(2026, 11, 20))
        response = self.answer(logged_in(handler), app, typed)
        assert response.status_code == 302
        app.refresh_from_db()
        assert app.linked_item == plan

    def test_several_matches_are_listed_with_their_index_numbers(
        self, edu: Organ, handler: Any, items: dict[str, Any]
    ) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        response = self.answer(logged_in(handler), app, "临江市2026年")
        html = response.content.decode()
        errors = field_errors(html, "id_answer-linked_item")
        assert "找到多条已发布信息" in errors
        assert items["plan"].index_no in errors and items["fees"].index_no in errors
        app.refresh_from_db()
        assert app.status == Status.RECEIVED  # nothing happened

    def test_unknown_text_is_refused_naming_the_field(self, edu: Organ, handler: Any) -> None:
        app = make_application(edu, received_on=D(2026, 11, 20))
        html = self.answer(logged_in(handler), app, "不存在的文件").content.decode()
        errors = field_errors(html, "id_answer-linked_item")
        assert "没有找到与“不存在的文件”对应的已发布信息" in errors

    def test_picker_lookup_lists_published_items_by_title_words_or_index_fragment(
        self, edu: Organ, handler: Any, items: dict[str, Any]
    ) -> None:
        client = logged_in(handler)
        # The answer form's field carries the lookup's address for static/js/staff.js.
        app = make_application(edu, received_on=D(2026, 11, 20))
        page = client.get(f"/staff/applications/{app.pk}/").content.decode()
        assert 'data-item-picker="/staff/applications/items/"' in page

        found = client.get("/staff/applications/items/", {"q": "招生工作方案"}).json()
        assert [r["index_no"] for r in found["results"]] == [items["plan"].index_no]
        assert found["results"][0]["title"] == "临江市2026年义务教育阶段招生工作方案"
        assert found["results"][0]["published_on"] == "2026年3月2日"
        assert "找到1条已发布信息" in found["message"]

        serial = items["fees"].index_no.rsplit("/", 1)[1]  # part of a 索引号
        found = client.get("/staff/applications/items/", {"q": serial}).json()
        assert [r["title"] for r in found["results"]] == ["临江市2026年学前教育收费标准"]

        nothing = client.get("/staff/applications/items/", {"q": "不存在的文件"}).json()
        assert nothing["results"] == []
        assert "没有找到" in nothing["message"]
        short = client.get("/staff/applications/items/", {"q": "临"}).json()
        assert short["results"] == [] and "至少输入两个字" in short["message"]

    def test_picker_lookup_is_refused_to_staff_who_do_not_answer(self, edu: Organ) -> None:
        publisher = make_staff(edu, ["publisher"])
        response = logged_in(publisher).get("/staff/applications/items/", {"q": "招生"})
        assert response.status_code == 403
