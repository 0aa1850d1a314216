"""The tamper-evident audit log: what it records, and that tampering is found."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from disclosure_portal import audit
from disclosure_portal.models import AuditEntry, AuditHead
from requests_app import services as request_services
from tests.factories import make_item, make_organ, make_staff, make_superuser
from tests.requests_app.factories import make_application

pytestmark = pytest.mark.django_db

TABLE = AuditEntry._meta.db_table
SHANGHAI = ZoneInfo("Asia/Shanghai")


def write_entries(n: int) -> list[AuditEntry]:
    return [audit.record("test.step", object_type="test", object_id=i) for i in range(n)]


def verify_fails_naming(fragment: str) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    assert fragment in str(failure.value)
    return str(failure.value)


class TestChain:
    def test_each_entry_carries_the_hash_of_the_previous_one(self) -> None:
        first, second, third = write_entries(3)

        assert first.prev_hash == audit.GENESIS
        assert second.prev_hash == first.hash
        assert third.prev_hash == second.hash
        assert [first.seq, second.seq, third.seq] == [first.seq, first.seq + 1, first.seq + 2]

    def test_untouched_log_verifies(self) -> None:
        write_entries(5)
        out = io.StringIO()

        call_command("verify_audit", stdout=out)

        assert "审计日志完整" in out.getvalue()

    def test_an_edited_row_is_found(self) -> None:
        entries = write_entries(5)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET actor_name = %s WHERE id = %s",  # noqa: S608
                ["someone-else", entries[2].pk],
            )

        verify_fails_naming(f"第 {entries[2].seq} 条")

    def test_an_edited_before_or_after_is_found(self) -> None:
        entry = audit.record("test.step", after={"status": "answered"})
        write_entries(2)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET after = %s WHERE id = %s",  # noqa: S608
                ['{"status": "closed"}', entry.pk],
            )

        verify_fails_naming(f"第 {entry.seq} 条")

    def test_a_deleted_row_is_found(self) -> None:
        entries = write_entries(5)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entries[2].pk])  # noqa: S608

        verify_fails_naming(f"第 {entries[3].seq} 条")

    def test_rows_cut_off_the_end_are_found(self) -> None:
        entries = write_entries(3)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entries[-1].pk])  # noqa: S608

        verify_fails_naming("链头")

    def test_an_inserted_row_is_found(self) -> None:
        entries = write_entries(3)
        # Make room after the first row and slip a forged row in with a plausible hash.
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET seq = seq + 100 WHERE id > %s", [entries[0].pk])  # noqa: S608
        forged = AuditEntry(
            seq=entries[0].seq + 1,
            created_at=entries[0].created_at,
            action="auth.login",
            actor_name="intruder",
            prev_hash=entries[0].hash,
            hash="f" * 64,
        )
        forged.save()

        verify_fails_naming(f"第 {forged.seq} 条")

    def test_entries_are_append_only_through_the_orm(self) -> None:
        (entry,) = write_entries(1)
        entry.action = "changed"

        with pytest.raises(RuntimeError):
            entry.save()
        with pytest.raises(RuntimeError):
            entry.delete()

    def test_an_entry_is_written_in_the_transaction_of_its_change(self) -> None:
        organ = make_organ("某市统计局")
        before = AuditEntry.objects.count()

        with pytest.raises(RuntimeError), transaction.atomic():
            organ.name = "改名"
            organ.save()
            raise RuntimeError("rolled back")

        assert AuditEntry.objects.count() == before
        call_command("verify_audit", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain() -> None:
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(8):
                audit.record("test.concurrent", object_id=i)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 33))
    assert audit.verify().ok
    assert AuditHead.objects.get().seq == 32


class TestWhatIsRecorded:
    def test_item_change_through_the_api_records_who_where_before_and_after(self, api: Any) -> None:
        organ = make_organ("某市教育局")
        item = make_item(organ, "关于开学的通知", publish=False)
        publisher = make_staff(organ, ["publisher"])
        api.force_authenticate(publisher)

        response = api.patch(
            f"/api/v1/items/{item.pk}/",
            {"title": "关于秋季开学的通知"},
            format="json",
            REMOTE_ADDR="10.1.2.3",
        )

        assert response.status_code == 200
        entry = AuditEntry.objects.filter(action="catalog.item.update").latest("seq")
        assert entry.actor_name == publisher.username
        assert entry.actor_id == publisher.pk
        assert entry.ip == "10.1.2.3"
        assert entry.object_type == "catalog.item"
        assert entry.object_id == str(item.pk)
        assert entry.before["title"] == "关于开学的通知"
        assert entry.after["title"] == "关于秋季开学的通知"
        assert "search_tokens" not in entry.after

    def test_workflow_step_records_the_state_before_and_after(self) -> None:
        organ = make_organ()
        handler = make_staff(organ, ["handler"])
        with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
            app = make_application(organ, received_on=dt.date(2026, 11, 20))
            request_services.perform_action("withdraw", actor=handler, application=app)

        entry = AuditEntry.objects.filter(action="application.withdraw").get()
        assert entry.actor_name == handler.username
        assert entry.object_repr == app.tracking_code
        assert entry.before["status"] == "received"
        assert entry.after["status"] == "closed"
        assert entry.after["event"]["type"] == "withdraw"

    def test_password_change_is_recorded_without_the_hash(self) -> None:
        user = make_superuser("root")
        user.set_password("another-long-passphrase")
        user.save()

        entry = AuditEntry.objects.filter(action="auth.user.update").latest("seq")
        assert entry.after == {"password": "（已更改）"}
        assert "pbkdf2" not in str(entry.before) + str(entry.after)

    def test_change_in_the_admin_is_recorded(self) -> None:
        client = Client()
        client.force_login(make_superuser("root"))

        response = client.post(
            "/admin/requests_app/calendaroverride/add/",
            {"date": "2027-01-01", "is_workday": "", "note": "元旦"},
            REMOTE_ADDR="10.9.8.7",
        )

        assert response.status_code == 302
        entry = AuditEntry.objects.filter(action="requests_app.calendaroverride.create").get()
        assert entry.actor_name == "root"
        assert entry.ip == "10.9.8.7"
        assert entry.after["note"] == "元旦"
        assert entry.after["is_workday"] is False


class TestBrowseAndExport:
    def test_superuser_filters_by_user_and_action(self) -> None:
        audit.record("auth.login", actor_name="wang")
        audit.record("auth.login_failed", actor_name="wang")
        audit.record("auth.login", actor_name="li")
        client = Client()
        client.force_login(make_superuser("root"))

        response = client.get("/staff/audit/", {"user": "wang", "action": "auth.login"})

        assert response.status_code == 200
        entries = list(response.context["page"].object_list)
        assert [(e.actor_name, e.action) for e in entries] == [("wang", "auth.login")]
        assert response["Cache-Control"] == "no-store"

    def test_staff_other_than_superusers_may_not_read_it(self) -> None:
        client = Client()
        client.force_login(make_staff(make_organ(), ["publisher", "handler"]))

        assert client.get("/staff/audit/").status_code == 403
        assert client.get("/staff/audit/export.csv").status_code == 403

    def test_bad_dates_are_a_clear_error_not_a_crash(self) -> None:
        client = Client()
        client.force_login(make_superuser("root"))

        response = client.get("/staff/audit/", {"date_from": "2026-13-40"})

        assert response.status_code == 200
        assert "起始日期" in response.content.decode()

    def test_export_is_csv_with_formulas_neutralised(self) -> None:
        audit.record("catalog.organ.create", object_repr='=HYPERLINK("http://evil")')
        client = Client()
        client.force_login(make_superuser("root"))

        response = client.get("/staff/audit/export.csv", {"action": "catalog.organ.create"})

        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][0] == "序号"
        assert rows[1][8] == '\'=HYPERLINK("http://evil")'


def test_login_success_and_failure_are_recorded_with_the_socket_address() -> None:
    get_user_model().objects.create_user("wang", password="correct-horse-battery")
    client = Client(REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="203.0.113.9")

    client.post("/staff/login/", {"username": "wang", "password": "wrong"})
    client.post("/staff/login/", {"username": "wang", "password": "correct-horse-battery"})

    failed = AuditEntry.objects.get(action="auth.login_failed")
    success = AuditEntry.objects.get(action="auth.login")
    assert failed.actor_name == "wang"
    assert failed.ip == "192.0.2.7"  # X-Forwarded-For counts only with BEHIND_PROXY
    assert success.actor_name == "wang"
    assert success.ip == "192.0.2.7"


def test_joint_publishers_of_an_item_are_recorded() -> None:
    organ, other = make_organ("某市教育局"), make_organ("某市财政局")
    item = make_item(organ, "关于联合发文的通知", publish=False)

    item.co_organs.set([other])

    entry = AuditEntry.objects.filter(action="catalog.item.update").latest("seq")
    assert entry.before == {"co_organs": []}
    assert entry.after == {"co_organs": [other.pk]}
