"""Documents out (issue 10 item 4): the files an answer carries (拟公开文件).

Upload rules (catalog.uploads), the personal-data scan (catalog.pii) and its acknowledgement,
the freeze after the answer, the outcomes that may carry files, the applicant's download
through a signed link of the tracking page, and the letter and mail that list the files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from disclosure_portal.models import AuditEntry, OutboxMail
from requests_app import letters, services, tracking
from requests_app.models import Application, Event, ReleasedFile
from tests import files
from tests.factories import make_organ, make_staff
from tests.requests_app.factories import make_application, resident_id

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
THIRD_PARTY_ID = resident_id(birth="19850312", region="330102", sequence=417)
THIRD_PARTY_MOBILE = "13912345678"


@pytest.fixture(autouse=True)
def _thursday() -> Any:
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def organ() -> Any:
    return make_organ("临江市住房和城乡建设局")


@pytest.fixture
def handler(organ: Any) -> Any:
    return make_staff(organ, ["handler"], username="jingban")


@pytest.fixture
def client(api: Any, handler: Any) -> Any:
    api.force_authenticate(handler)
    return api


def online_application(organ: Any) -> Application:
    return make_application(organ, delivery_method="online")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def docx_with(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def names_list() -> bytes:
    """A 公示名单 with a third party's ID and mobile number in it."""
    return docx_with(
        "2025年老旧小区改造项目资金安排",
        f"联系人：李四，身份证号码{THIRD_PARTY_ID}，联系电话{THIRD_PARTY_MOBILE}。",
    )


def files_url(app: Application) -> str:
    return f"/api/v1/applications/{app.pk}/released-files/"


def post_file(client: Any, app: Application, name: str, content: bytes) -> Any:
    return client.post(files_url(app), {"file": upload(name, content)}, format="multipart")


def answer(client: Any, app: Application, **body: Any) -> Any:
    body = {"outcome": "disclosed", "reply": "予以公开，详见附件。", **body}
    return client.post(f"/api/v1/applications/{app.pk}/answer/", body, format="json")


# --- Upload rules ---------------------------------------------------------------------------


class TestUploadRules:
    def test_a_pdf_is_stored_under_a_random_name_and_served_under_its_sanitised_stem(
        self, client: Any, organ: Any
    ) -> None:
        app = online_application(organ)
        response = post_file(client, app, "资金安排.pdf.bat", files.pdf())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["name"] == "资金安排.pdf"
        assert body["content_type"] == "application/pdf"
        assert body["findings"] == []
        released = ReleasedFile.objects.get()
        assert "资金安排" not in released.file.name
        assert re.fullmatch(r"released/\d{4}/\d{2}/[A-Za-z0-9]{32}\.pdf", released.file.name)
        assert released.uploaded_by.username == "jingban"
        assert response["Cache-Control"] == "no-store"

    def test_a_disguised_executable_is_refused_naming_the_field(
        self, client: Any, organ: Any
    ) -> None:
        app = online_application(organ)
        response = post_file(client, app, "资金安排.pdf", files.EXE)
        assert response.status_code == 400
        assert "资金安排.pdf" in response.json()["file"][0]
        assert "不是允许的格式" in response.json()["file"][0]
        assert not ReleasedFile.objects.exists()

    def test_text_that_is_no_document_kind_is_refused(self, client: Any, organ: Any) -> None:
        app = online_application(organ)
        response = post_file(client, app, "说明.docx", "<html>不是Word文件</html>".encode())
        assert response.status_code == 400
        assert "file" in response.json()

    def test_a_file_above_the_size_limit_is_a_413(
        self, client: Any, organ: Any, settings: Any
    ) -> None:
        settings.ITEM_ATTACHMENT_MAX_BYTES = 1024 * 1024
        app = online_application(organ)
        response = post_file(client, app, "扫描件.pdf", files.pdf() + b"\0" * (1024 * 1024))
        assert response.status_code == 413
        assert "超过大小上限" in response.json()["file"][0]
        assert not ReleasedFile.objects.exists()

    def test_no_file_is_a_400_naming_the_field(self, client: Any, organ: Any) -> None:
        response = client.post(files_url(online_application(organ)), {}, format="multipart")
        assert response.status_code == 400
        assert "file" in response.json()

    def test_more_files_than_the_limit_are_refused(
        self, client: Any, organ: Any, monkeypatch: Any
    ) -> None:
        monkeypatch.setattr(services, "MAX_RELEASED_FILES", 2)
        app = online_application(organ)
        for number in range(2):
            assert post_file(client, app, f"文件{number}.pdf", files.pdf()).status_code == 201
        response = post_file(client, app, "文件3.pdf", files.pdf())
        assert response.status_code == 400
        assert "最多2个" in response.json()["file"][0]

    def test_removing_a_file_deletes_its_row_and_its_stored_file(
        self, client: Any, organ: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        app = online_application(organ)
        file_id = post_file(client, app, "a.pdf", files.pdf()).json()["id"]
        stored = ReleasedFile.objects.get().file.name
        assert default_storage.exists(stored)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.delete(f"{files_url(app)}{file_id}/")
        assert response.status_code == 204
        assert not ReleasedFile.objects.exists()
        assert not default_storage.exists(stored)

    def test_detail_lists_the_released_files_with_their_findings(
        self, client: Any, organ: Any
    ) -> None:
        app = online_application(organ)
        post_file(client, app, "名单.docx", names_list())
        detail = client.get(f"/api/v1/applications/{app.pk}/").json()
        (entry,) = detail["released_files"]
        assert set(entry) == {"id", "name", "content_type", "size", "url", "findings"}
        assert entry["name"] == "名单.docx"
        downloaded = client.get(entry["url"])
        assert downloaded.status_code == 200
        assert b"".join(downloaded.streaming_content) == names_list_bytes(app)


def names_list_bytes(app: Application) -> bytes:
    with app.released_files.get().file.open("rb") as handle:
        return handle.read()


# --- The personal-data scan and its acknowledgement -----------------------------------------


class TestFindings:
    def test_personal_data_in_a_released_file_is_found_and_masked(
        self, client: Any, organ: Any
    ) -> None:
        app = online_application(organ)
        body = post_file(client, app, "名单.docx", names_list()).json()
        kinds = sorted(f["kind"] for f in body["findings"])
        assert kinds == ["mobile", "resident_id"]
        text = str(body)
        assert THIRD_PARTY_ID not in text and THIRD_PARTY_MOBILE not in text
        assert f"{THIRD_PARTY_ID[:4]}**********{THIRD_PARTY_ID[-4:]}" in text
        assert all(f["where"] == "attachment:名单.docx" for f in body["findings"])

    def test_answering_with_unacknowledged_findings_is_refused(
        self, client: Any, organ: Any
    ) -> None:
        app = online_application(organ)
        post_file(client, app, "名单.docx", names_list())
        response = answer(client, app)
        assert response.status_code == 400
        assert "个人信息" in response.json()["acknowledge_findings"][0]
        app.refresh_from_db()
        assert app.status == "received"

    def test_acknowledged_findings_are_recorded_in_the_event_and_the_audit_log(
        self, client: Any, organ: Any
    ) -> None:
        app = online_application(organ)
        post_file(client, app, "名单.docx", names_list())
        response = answer(
            client, app, acknowledge_findings=True, acknowledge_reason="联系人为申请人本人"
        )
        assert response.status_code == 200, response.json()
        event = Event.objects.get(application=app, type="answer")
        assert event.data["findings_acknowledged"] is True
        assert event.data["acknowledge_reason"] == "联系人为申请人本人"
        assert len(event.data["findings"]) == 2
        assert [f["name"] for f in event.data["released_files"]] == ["名单.docx"]
        entry = AuditEntry.objects.filter(action="application.answer").latest("seq")
        assert entry.after["event"]["data"]["findings_acknowledged"] is True
        assert THIRD_PARTY_ID not in str(entry.after)

    def test_files_without_findings_need_no_acknowledgement(self, client: Any, organ: Any) -> None:
        app = online_application(organ)
        post_file(client, app, "资金安排.pdf", files.pdf())
        assert answer(client, app).status_code == 200
        event = Event.objects.get(application=app, type="answer")
        assert "findings_acknowledged" not in event.data
        assert event.data["released_files"][0]["name"] == "资金安排.pdf"


# --- Outcomes and the freeze ----------------------------------------------------------------


class TestOutcomesAndFreeze:
    def test_a_refusal_cannot_carry_files(self, client: Any, organ: Any) -> None:
        app = online_application(organ)
        post_file(client, app, "资金安排.pdf", files.pdf())
        response = answer(client, app, outcome="withheld_process", reply="属于过程性信息。")
        assert response.status_code == 400
        assert "拟公开文件" in response.json()["outcome"][0]

    def test_partial_disclosure_carries_files(self, client: Any, organ: Any) -> None:
        app = online_application(organ)
        post_file(client, app, "资金安排.pdf", files.pdf())
        response = answer(client, app, outcome="partially_disclosed", reply="部分公开。")
        assert response.status_code == 200
        assert len(response.json()["released_files"]) == 1

    def test_answers_without_files_are_unchanged(self, client: Any, organ: Any) -> None:
        app = online_application(organ)
        response = answer(client, app, outcome="unavailable_not_held", reply="本机关不掌握。")
        assert response.status_code == 200
        assert response.json()["released_files"] == []

    def test_files_are_frozen_after_the_answer(self, client: Any, organ: Any) -> None:
        app = online_application(organ)
        file_id = post_file(client, app, "资金安排.pdf", files.pdf()).json()["id"]
        assert answer(client, app).status_code == 200
        added = post_file(client, app, "补充.pdf", files.pdf())
        assert added.status_code == 409
        assert "不能再更改" in added.json()["detail"]
        assert client.delete(f"{files_url(app)}{file_id}/").status_code == 409
        assert ReleasedFile.objects.filter(application=app).count() == 1

    @pytest.mark.django_db(transaction=True)
    def test_frozen_files_are_a_409_outside_a_test_transaction_too(
        self, client: Any, organ: Any
    ) -> None:
        """As in production (autocommit, no test transaction around the request): the
        refusal of a frozen application's files is a 409, not a server error."""
        app = online_application(organ)
        file_id = post_file(client, app, "资金安排.pdf", files.pdf()).json()["id"]
        assert answer(client, app).status_code == 200
        assert post_file(client, app, "补充.pdf", files.pdf()).status_code == 409
        assert client.delete(f"{files_url(app)}{file_id}/").status_code == 409

    def test_a_file_added_while_the_answer_was_being_given_refuses_the_answer(
        self, handler: Any, organ: Any, monkeypatch: Any
    ) -> None:
        app = online_application(organ)
        real_transit = services._transit

        def transit(*args: Any, **kwargs: Any) -> Application:
            # The answer's checks ran on no files; a colleague's upload commits before the swap.
            services.released_file_add(
                actor=handler, application=app, upload=upload("迟到.pdf", files.pdf())
            )
            return real_transit(*args, **kwargs)

        monkeypatch.setattr(services, "_transit", transit)
        with pytest.raises(services.WorkflowConflict):
            services.application_answer(
                actor=handler, application=app, outcome="disclosed", reply="予以公开。"
            )
        app.refresh_from_db()
        assert app.status == "received"


# --- The applicant's download ---------------------------------------------------------------


def answered_with_file(organ: Any, handler: Any, content: bytes, **overrides: Any) -> Application:
    app = make_application(organ, delivery_method="online", **overrides)
    services.released_file_add(
        actor=handler, application=app, upload=upload("资金安排.pdf", content)
    )
    return services.application_answer(
        actor=handler, application=app, outcome="disclosed", reply="予以公开，详见附件。"
    )


def tracked_links(client: Client, app: Application) -> list[str]:
    page = client.get("/track/", {"code": app.tracking_code})
    assert page.status_code == 200
    return re.findall(r'href="(/track/files/[^"]+)"', page.content.decode())


class TestDownload:
    def test_the_code_holder_downloads_the_released_file(self, organ: Any, handler: Any) -> None:
        content = files.pdf(pages=2)
        app = answered_with_file(organ, handler, content)
        citizen = Client()
        (link,) = tracked_links(citizen, app)
        response = Client().get(link)  # the link works in the browser that was given it
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "no-store"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=utf-8''%E8%B5%84%E9%87%91%E5%AE%89%E6%8E%92.pdf" in disposition

    def test_the_tracking_api_gives_the_same_signed_links(
        self, organ: Any, handler: Any, api: Any
    ) -> None:
        content = files.pdf()
        app = answered_with_file(organ, handler, content)
        body = api.get(f"/api/v1/applications/track/{app.tracking_code}/").json()
        (entry,) = body["released_files"]
        assert entry["name"] == "资金安排.pdf"
        response = Client().get(entry["url"])
        assert b"".join(response.streaming_content) == content

    def test_without_the_code_there_is_no_way_to_the_file(self, organ: Any, handler: Any) -> None:
        app = answered_with_file(organ, handler, files.pdf())
        released = app.released_files.get()
        anonymous = Client()
        for url in (
            f"/track/files/{released.pk}/",
            f"/track/files/{signing.dumps({'f': released.pk}, salt='x')}/",
            f"/track/files/{signing.dumps({'f': released.pk, 'c': ''})}/",
            "/track/files/not-a-token/",
        ):
            assert anonymous.get(url).status_code == 404, url

    def test_another_applications_code_does_not_open_this_file(
        self, organ: Any, handler: Any
    ) -> None:
        mine = answered_with_file(organ, handler, files.pdf())
        other = answered_with_file(organ, handler, files.pdf(pages=3))
        released = mine.released_files.get()
        # A link signed for the other application's code, naming this file.
        token = tracking.release_token(released, other.tracking_code)
        assert Client().get(f"/track/files/{token}/").status_code == 404
        # The other application's page links its own file only.
        (link,) = tracked_links(Client(), other)
        assert link == tracking.release_url(other.released_files.get(), other.tracking_code)

    def test_links_expire(self, organ: Any, handler: Any) -> None:
        app = answered_with_file(organ, handler, files.pdf())
        (link,) = tracked_links(Client(), app)
        with time_machine.travel(dt.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)):
            assert Client().get(link).status_code == 404

    def test_files_are_not_offered_before_the_answer(self, organ: Any, handler: Any) -> None:
        app = online_application(organ)
        released = services.released_file_add(
            actor=handler, application=app, upload=upload("草稿.pdf", files.pdf())
        )
        assert tracked_links(Client(), app) == []
        token = tracking.release_token(released, app.tracking_code)
        assert Client().get(f"/track/files/{token}/").status_code == 404


# --- The letter and the mail ----------------------------------------------------------------


class TestLetterAndMail:
    def test_the_letter_lists_the_files_and_the_online_download(
        self, organ: Any, handler: Any, client: Any
    ) -> None:
        app = online_application(organ)
        post_file(client, app, "资金安排.pdf", files.pdf())
        post_file(client, app, "项目清单.xlsx", files.xlsx())
        answer(client, app)
        app.refresh_from_db()
        text = letters.render_letter_text(app)
        annex = text.index("附件：1. 资金安排.pdf")
        assert text[annex + 1] == "2. 项目清单.xlsx"
        assert annex > text.index("特此告知。")  # GB/T 9704: 附件说明 after the body
        code = tracking.display_tracking_code(app.tracking_code)
        download = next(p for p in text if "申请查询" in p)
        assert code in download

    def test_the_pdf_and_docx_letters_list_the_files(
        self, organ: Any, handler: Any, tmp_path: Any
    ) -> None:
        app = answered_with_file(organ, handler, files.pdf())
        pdf_path = tmp_path / "letter.pdf"
        pdf_path.write_bytes(letters.letter_pdf(app))
        pdf_text = subprocess.run(
            ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(r"附件：1\.\s*资金安排\.pdf", pdf_text)
        assert "申请查询" in re.sub(r"\s+", "", pdf_text)

        from docx import Document

        document = Document(io.BytesIO(letters.letter_docx(app)))
        paragraphs = [p.text for p in document.paragraphs]
        assert "附件：1. 资金安排.pdf" in paragraphs

    def test_a_letter_for_post_delivery_does_not_point_to_the_portal(
        self, organ: Any, handler: Any
    ) -> None:
        app = make_application(organ, delivery_method="post")
        services.released_file_add(
            actor=handler, application=app, upload=upload("资金安排.pdf", files.pdf())
        )
        app = services.application_answer(
            actor=handler, application=app, outcome="disclosed", reply="予以公开。"
        )
        text = letters.render_letter_text(app)
        assert "附件：1. 资金安排.pdf" in text
        assert not any("申请查询" in p for p in text)

    def test_the_answer_mail_lists_the_files_and_where_to_download_them(
        self, organ: Any, handler: Any
    ) -> None:
        app = answered_with_file(organ, handler, files.pdf())
        mail = OutboxMail.objects.filter(kind="answer").get()
        assert "1. 资金安排.pdf" in mail.body
        assert tracking.display_tracking_code(app.tracking_code) in mail.body
        assert "申请查询" in mail.body


# --- The staff page -------------------------------------------------------------------------


class TestStaffPage:
    @pytest.fixture
    def desk(self, handler: Any) -> Client:
        desk = Client()
        desk.force_login(handler)
        return desk

    def page(self, desk: Client, app: Application) -> str:
        response = desk.get(f"/staff/applications/{app.pk}/")
        assert response.status_code == 200
        return response.content.decode()

    def test_the_handler_uploads_sees_findings_in_context_and_removes_a_file(
        self, desk: Client, organ: Any
    ) -> None:
        app = online_application(organ)
        assert "尚未上传拟公开文件" in self.page(desk, app)
        response = desk.post(
            f"/staff/applications/{app.pk}/released-files/",
            {"file": upload("名单.docx", names_list())},
            follow=True,
        )
        assert response.redirect_chain[-1][0].endswith(f"/staff/applications/{app.pk}/#released")
        html = response.content.decode()
        assert "检出2处疑似个人信息" in html  # the message after the upload
        section = html[html.index('id="released"') : html.index('id="actions"')]
        assert "名单.docx" in section
        assert "居民身份证号码" in section and "手机号码" in section
        assert "139****5678" in section  # masked, in context
        assert THIRD_PARTY_ID not in html and THIRD_PARTY_MOBILE not in html
        released = app.released_files.get()
        download = desk.get(f"/staff/applications/{app.pk}/released-files/{released.pk}/")
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment;")

        desk.post(f"/staff/applications/{app.pk}/released-files/{released.pk}/delete/")
        assert not app.released_files.exists()

    def test_a_long_roster_lists_the_first_findings_and_counts_the_rest_by_kind(
        self, desk: Client, organ: Any, handler: Any
    ) -> None:
        app = online_application(organ)
        lines = [
            f"{n}. 李{n}，身份证号码{resident_id(sequence=n)}，电话1390000{n:04d}。"
            for n in range(60)
        ]
        services.released_file_add(
            actor=handler, application=app, upload=upload("名单.docx", docx_with(*lines))
        )
        assert len(app.released_files.get().pii_findings) == 120  # all kept (and in the API)
        html = self.page(desk, app)
        section = html[html.index('id="released"') : html.index('id="actions"')]
        assert section.count('class="finding-excerpt"') == 50
        assert "另有 70 处未逐一列出：居民身份证号码 35 处，手机号码 35 处。" in section
        form = html[html.index('id="action-answer"') :]
        assert form.count('class="finding-excerpt"') == 50
        assert "另有 70 处未逐一列出" in form

    def test_a_refused_upload_shows_the_error_next_to_the_field(
        self, desk: Client, organ: Any
    ) -> None:
        app = online_application(organ)
        response = desk.post(
            f"/staff/applications/{app.pk}/released-files/", {"file": upload("a.pdf", files.EXE)}
        )
        assert response.status_code == 200
        assert "不是允许的格式" in response.content.decode()
        assert not app.released_files.exists()

    def test_the_answer_form_lists_the_files_and_requires_a_reason_for_findings(
        self, desk: Client, organ: Any, handler: Any
    ) -> None:
        app = online_application(organ)
        services.released_file_add(
            actor=handler, application=app, upload=upload("名单.docx", names_list())
        )
        html = self.page(desk, app)
        form = html[html.index('id="action-answer"') :]
        assert "随答复提供 1 个文件" in form and "名单.docx" in form
        assert 'name="answer-acknowledge_findings"' in form
        base = {"answer-outcome": "disclosed", "answer-reply": "予以公开，详见附件。"}
        url = f"/staff/applications/{app.pk}/act/answer/"

        refused = desk.post(url, base)
        assert "拟公开文件中检出2处疑似个人信息" in refused.content.decode()
        no_reason = desk.post(url, {**base, "answer-acknowledge_findings": "on"})
        assert "请说明理由" in no_reason.content.decode()
        app.refresh_from_db()
        assert app.status == "received"

        done = desk.post(
            url,
            {
                **base,
                "answer-acknowledge_findings": "on",
                "answer-acknowledge_reason": "联系人为申请人本人",
            },
        )
        assert done.status_code == 302
        app.refresh_from_db()
        assert app.status == "answered"
        event = app.events.get(type="answer")
        assert event.data["acknowledge_reason"] == "联系人为申请人本人"
        html = self.page(desk, app)
        section = html[html.index('id="released"') : html.index('id="actions"')]
        assert "文件已冻结" in section
        assert "/delete/" not in section
        assert "multipart/form-data" not in section
        timeline = html[html.index('id="timeline"') :]
        assert "随答复提供1个文件" in timeline
        assert "经确认提供检出的2处个人信息，理由：联系人为申请人本人" in timeline

    def test_after_the_answer_uploads_are_a_409(
        self, desk: Client, organ: Any, handler: Any
    ) -> None:
        app = answered_with_file(organ, handler, files.pdf())
        response = desk.post(
            f"/staff/applications/{app.pk}/released-files/", {"file": upload("b.pdf", files.pdf())}
        )
        assert response.status_code == 409
        assert "不能再更改" in response.content.decode()

    def test_the_desk_shows_online_delivery(self, desk: Client, organ: Any) -> None:
        html = self.page(desk, online_application(organ))
        assert "网上获取" in html
