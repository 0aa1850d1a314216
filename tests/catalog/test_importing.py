"""Importing an old system's catalog (catalog.importing, ``manage.py import_items``)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from catalog import importing, services
from catalog.import_models import ImportedItem, ItemImport
from catalog.models import Item, Organ, Term, Topic
from catalog.search import search_items
from tests import files
from tests.factories import make_item, make_organ

pytestmark = pytest.mark.django_db

HEADER = ["标题", "索引号", "文号", "发布机构", "成文日期", "发布日期", "主题分类", "体裁"]
HEADER += ["有效性", "正文", "附件"]
PDF = files.pdf()


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def organ() -> Organ:
    return make_organ("某市教育局", index_prefix="000014349")


def xlsx(rows: list[list[Any]], *, title_row: bool = True, merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title_row:
        # Old systems export a merged title above the header.
        sheet.append(["某市教育局政府信息公开目录"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(title: str, **values: Any) -> list[Any]:
    data = {"索引号": "", "文号": "", "发布机构": "某市教育局", "成文日期": "2019-03-01"}
    data |= {"发布日期": "2019-03-05", "主题分类": "", "体裁": "", "有效性": "有效"}
    data |= {"正文": "正文内容", "附件": ""}
    data |= {k.replace("_", ""): v for k, v in values.items()}
    return [title, *(data[column] for column in HEADER[1:])]


def run(data: bytes, organ: Organ, name: str = "catalog.xlsx", **options: Any) -> dict[str, int]:
    table = importing.read_table(data, name)
    source = options.pop("attachments", None)
    plan = importing.plan_import(table, organ, attachments=source)
    batch = importing.open_batch(organ=organ, actor=None, name=name, data=data)
    return importing.apply_import(plan, actor=None, batch=batch, attachments=source, **options)


def test_rows_are_published_on_their_dates_keep_old_numbers_and_are_searchable(
    organ: Organ,
) -> None:
    topic, _new = Topic.objects.get_or_create(name="教育", parent=None)
    genre, _new = Term.objects.get_or_create(kind=Term.Kind.GENRE, name="通知", organ=None)
    data = xlsx(
        [
            row(
                "关于做好春季学期开学工作的通知",
                索引号="000014349/2019-00042",
                主题分类="教育",
                体裁="通知",
            ),
            # An Excel serial date (43535 = 2019-03-11) and a date written in Chinese.
            row("关于公布义务教育学校招生范围的公告", 成文日期=43535, 发布日期="2019年3月15日"),
        ]
    )
    assert run(data, organ) == {"create": 2, "update": 0, "unchanged": 0, "skipped": 0}

    kept = Item.objects.get(index_no="000014349/2019-00042")
    assert kept.status == Item.Status.PUBLISHED
    assert kept.published_on == dt.date(2019, 3, 5)
    assert (kept.topic, kept.genre) == (topic, genre)
    assert kept.imported_from.legacy_index is True
    other = Item.objects.get(title="关于公布义务教育学校招生范围的公告")
    assert (other.formed_on, other.published_on) == (dt.date(2019, 3, 11), dt.date(2019, 3, 15))
    # A new number for the row without one, after the old serial: never a collision.
    assert other.index_no == "000014349/2019-00043"
    assert other.imported_from.legacy_index is False
    assert services.issue_index_no(organ, 2019) == "000014349/2019-00044"
    assert [i.pk for i in search_items(Item.objects.published(), "招生范围")] == [other.pk]


def test_importing_the_same_file_again_updates_instead_of_duplicating(organ: Organ) -> None:
    first = xlsx([row("甲通知", 索引号="OLD-2019-1"), row("乙通知", 文号="某教〔2019〕3号")])
    run(first, organ)
    second = xlsx(
        [
            row("甲通知（修订）", 索引号="OLD-2019-1", 正文="新的正文"),
            row("乙通知", 文号="某教〔2019〕3号", 正文="乙的新正文"),
        ]
    )
    preview = importing.plan_import(importing.read_table(second, "catalog.xlsx"), organ)
    assert [r.action for r in preview.rows] == ["update", "update"]
    assert run(second, organ) == {"create": 0, "update": 2, "unchanged": 0, "skipped": 0}
    # The same file once more: the preview says so, and nothing is rewritten.
    preview = importing.plan_import(importing.read_table(second, "catalog.xlsx"), organ)
    assert [r.action for r in preview.rows] == ["unchanged", "unchanged"]
    assert preview.counts()["unchanged"] == 2
    assert run(second, organ) == {"create": 0, "update": 0, "unchanged": 2, "skipped": 0}
    assert Item.objects.count() == 2
    assert Item.objects.get(index_no="OLD-2019-1").title == "甲通知（修订）"
    assert "新正文" in Item.objects.get(title="乙通知").body
    assert [i.pk for i in search_items(Item.objects.published(), "修订")] == [
        Item.objects.get(index_no="OLD-2019-1").pk
    ]


def test_a_file_with_an_error_imports_nothing_unless_valid_rows_are_chosen(organ: Organ) -> None:
    data = xlsx(
        [
            row("好的一行"),
            row("", 发布日期="2019-04-01"),
            row("日期有误", 发布日期="下个月"),
            row("未来发布", 发布日期="2027-01-01"),
            row("废止无日期", 有效性="已废止"),
        ]
    )
    plan = importing.plan_import(importing.read_table(data, "x.xlsx"), organ)
    reasons = {r.number: r.errors for r in plan.rows}
    # Spreadsheet rows: title row 1, header row 2, data from row 3.
    assert reasons[3] == []
    assert reasons[4] == ["“标题”为空。"]
    assert reasons[5] == ["“发布日期”不是有效的日期：下个月"]
    assert reasons[6] == ["“发布日期”晚于今天。"]
    assert reasons[7] == ["“有效性”为已修改或已废止时须填写“废止日期”。"]

    with pytest.raises(ValidationError, match="有4行存在错误，未导入任何信息"):
        run(data, organ)
    assert Item.objects.count() == 0
    assert ItemImport.objects.get().status == ItemImport.Status.REFUSED

    assert run(data, organ, valid_only=True) == {
        "create": 1,
        "update": 0,
        "unchanged": 0,
        "skipped": 4,
    }
    assert list(Item.objects.values_list("title", flat=True)) == ["好的一行"]


def test_merged_cells_take_the_value_of_their_first_cell(organ: Organ) -> None:
    # 发布机构 (column D) merged down rows 3–4, as old systems group by publisher.
    data = xlsx([row("一", 发布机构="某市教育局"), row("二", 发布机构=None)], merge="D3:D4")
    plan = importing.plan_import(importing.read_table(data, "x.xlsx"), organ)
    assert [r.warnings for r in plan.rows] == [[], []]


def test_gbk_csv_with_text_dates_imports(organ: Organ) -> None:
    text = "标题,发布日期,成文日期,文号\n关于开展安全检查的通知,2020/5/6,20200430,某教〔2020〕5号\n"
    assert run(text.encode("gbk"), organ, name="old.csv") == {
        "create": 1,
        "update": 0,
        "unchanged": 0,
        "skipped": 0,
    }
    item = Item.objects.get()
    assert (item.formed_on, item.published_on) == (dt.date(2020, 4, 30), dt.date(2020, 5, 6))


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04garbage", "broken.xlsx", "无法读取该Excel文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "另存为.xlsx"),
        (b"", "empty.csv", "文件是空的"),
        ("甲,乙\n1,2\n".encode(), "x.csv", "找不到表头"),
        (b"\xff\xfe\x00\x81\xff" * 10, "x.csv", "无法识别CSV文件的编码"),
        (b"not a spreadsheet", "x.xlsx", "不是有效的Excel"),
    ],
)
def test_unreadable_files_get_a_clear_message(data: bytes, name: str, message: str) -> None:
    with pytest.raises(importing.ImportFileError, match=message):
        importing.read_table(data, name)


def test_files_over_the_limit_are_refused_before_reading(monkeypatch: Any) -> None:
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1024)
    with pytest.raises(importing.ImportFileError, match="文件超过0 MB"):
        importing.read_upload(io.BytesIO(b"x"), "big.xlsx", 2048)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-03-05", dt.date(2019, 3, 5)),
        ("2019/3/5 10:00", dt.date(2019, 3, 5)),
        ("2019.3.5", dt.date(2019, 3, 5)),
        ("2019年3月5日", dt.date(2019, 3, 5)),
        ("20190305", dt.date(2019, 3, 5)),
        (43529, dt.date(2019, 3, 5)),
        ("43529", dt.date(2019, 3, 5)),
        (dt.datetime(2019, 3, 5, 8), dt.date(2019, 3, 5)),
        (None, None),
    ],
)
def test_dates_as_old_systems_write_them(value: Any, expected: dt.date | None) -> None:
    assert importing.parse_date(value) == expected


@pytest.mark.parametrize("value", ["2019-13-01", "下月", "12", 5])
def test_what_is_not_a_date_is_refused(value: Any) -> None:
    with pytest.raises(ValueError):
        importing.parse_date(value)


def test_personal_data_in_the_text_is_listed_in_the_report(organ: Organ) -> None:
    data = xlsx([row("名单公示", 正文="联系人张三，电话13812345678，身份证11010519491231002X")])
    plan = importing.plan_import(importing.read_table(data, "x.xlsx"), organ)
    kinds = {(f["kind"], f["where"]) for f in plan.rows[0].findings}
    assert {("mobile", "body"), ("resident_id", "body")} <= kinds
    assert all("13812345678" not in f["excerpt"] for f in plan.rows[0].findings)


def test_an_old_number_used_by_another_item_is_replaced_by_a_new_one(organ: Organ) -> None:
    existing = make_item(organ, "本平台发布的信息", published_on=dt.date(2019, 1, 4))
    data = xlsx([row("旧系统的信息", 索引号=existing.index_no)])
    run(data, organ)
    imported = Item.objects.get(title="旧系统的信息")
    assert imported.index_no != existing.index_no
    assert imported.imported_from.legacy_index is False


def test_command_dry_run_writes_nothing_and_attachments_come_from_a_zip(
    organ: Organ, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.xlsx"
    path.write_bytes(xlsx([row("附件通知", 附件="方案.pdf")]))
    archive = tmp_path / "files.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("附件/方案.pdf", PDF)
    out = io.StringIO()
    call_command("import_items", str(path), organ=organ.code, dry_run=True, stdout=out)
    assert "共1行：新增1" in out.getvalue() and "试运行" in out.getvalue()
    assert Item.objects.count() == 0

    call_command("import_items", str(path), organ=organ.code, attachments=str(archive), stdout=out)
    item = Item.objects.get()
    assert [a.name for a in item.attachments.all()] == ["方案.pdf"]
    # Again: the same attachment is not added twice.
    call_command("import_items", str(path), organ=organ.code, attachments=str(archive), stdout=out)
    assert item.attachments.count() == 1
    assert ImportedItem.objects.count() == 1


def test_command_reports_a_missing_attachment_and_unknown_columns_via_map(
    organ: Organ, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("信息标识,上网日期\n某通知,2021-02-03\n", encoding="utf-8")
    with pytest.raises(CommandError, match="前10行中找不到表头"):
        call_command("import_items", str(path), organ=organ.code)
    path.write_text("标题,上网日期\n某通知,2021-02-03\n", encoding="utf-8")
    with pytest.raises(CommandError, match="找不到必需的列：发布日期"):
        call_command("import_items", str(path), organ=organ.code)
    out = io.StringIO()
    call_command(
        "import_items", str(path), organ=organ.code, map=["上网日期=published_on"], stdout=out
    )
    assert Item.objects.get().published_on == dt.date(2021, 2, 3)
    with pytest.raises(CommandError, match="找不到统一社会信用代码"):
        call_command("import_items", str(path), organ="nope")


# --- The staff page ---------------------------------------------------------------------------


def test_staff_upload_preview_mapping_and_confirm(organ: Organ, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import StaffRole
    from tests.factories import make_staff

    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    text = "标题,上网日期,成文日期\n甲通知,2021-02-03,2021-02-01\n,2021-02-04,2021-02-01\n"
    response = client.post(
        "/staff/items/import/",
        {"organ": organ.pk, "file": SimpleUploadedFile("old.csv", text.encode("gbk"))},
    )
    batch = ItemImport.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/staff/items/import/{batch.pk}/"
    )

    page = client.get(f"/staff/items/import/{batch.pk}/")
    # 上网日期 is not a known name: offered in the mapping step, not imported until mapped.
    assert page.status_code == 200
    assert '<option value="" selected>（不导入）</option>' in page.content.decode()
    mapping = {"map-0": "title", "map-1": "published_on", "map-2": "formed_on"}
    page = client.post(f"/staff/items/import/{batch.pk}/", {**mapping, "action": "check"})
    html = page.content.decode()
    assert "甲通知" in html and "“标题”为空。" in html and "有错误1" in html

    refused = client.post(f"/staff/items/import/{batch.pk}/", {**mapping, "action": "import"})
    assert "有1行存在错误，未导入任何信息" in refused.content.decode()
    assert Item.objects.count() == 0
    done = client.post(
        f"/staff/items/import/{batch.pk}/", {**mapping, "action": "import", "valid_only": "on"}
    )
    assert done.status_code == 302
    assert list(Item.objects.values_list("title", "published_on")) == [
        ("甲通知", dt.date(2021, 2, 3))
    ]


def test_staff_upload_of_a_broken_file_is_a_clear_message(organ: Organ, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import StaffRole
    from tests.factories import make_staff

    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    response = client.post(
        "/staff/items/import/",
        {"organ": organ.pk, "file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04broken")},
    )
    assert response.status_code == 400
    assert "无法读取该Excel文件" in response.content.decode()
    other = make_organ("另一市教育局")
    stranger = make_staff(other, [StaffRole.PUBLISHER])
    client.force_login(stranger)
    batch = importing.open_batch(organ=organ, actor=None, name="a.csv", data=b"x")
    assert client.get(f"/staff/items/import/{batch.pk}/").status_code == 404


def _staff_import(organ: Organ, client: Any, text: str) -> ItemImport:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import StaffRole
    from tests.factories import make_staff

    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    client.post(
        "/staff/items/import/",
        {"organ": organ.pk, "file": SimpleUploadedFile("old.csv", text.encode("gbk"))},
    )
    return ItemImport.objects.latest("pk")


def test_the_finished_import_page_counts_the_unchanged_rows_of_a_reimport(
    organ: Organ, client: Any
) -> None:
    text = "标题,发布日期\n甲通知,2021-02-03\n乙通知,2021-02-04\n"
    first = _staff_import(organ, client, text)
    client.post(f"/staff/items/import/{first.pk}/", {"map-0": "title", "map-1": "published_on"})
    client.post(
        f"/staff/items/import/{first.pk}/",
        {"map-0": "title", "map-1": "published_on", "action": "import"},
    )
    again = _staff_import(organ, client, text)
    client.post(
        f"/staff/items/import/{again.pk}/",
        {"map-0": "title", "map-1": "published_on", "action": "import"},
    )
    html = client.get(f"/staff/items/import/{again.pk}/").content.decode()
    assert "新增0条，更新0条，未变2条。" in html
    assert Item.objects.count() == 2


def test_the_import_report_names_personal_data_in_chinese(organ: Organ, client: Any) -> None:
    text = "标题,发布日期,正文\n名单公示,2021-02-03,联系电话13812345678\n"
    batch = _staff_import(organ, client, text)
    html = client.get(f"/staff/items/import/{batch.pk}/").content.decode()
    assert "疑似个人信息（手机号码，正文）" in html
    assert "mobile" not in html


def test_command_names_personal_data_in_chinese(organ: Organ, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("标题,发布日期\n张三身份证11010519491231002X,2021-02-03\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_items", str(path), organ=organ.code, dry_run=True, stdout=out)
    assert "疑似个人信息（居民身份证号码，标题）" in out.getvalue()
    assert "resident_id" not in out.getvalue()


def test_column_names_of_other_old_systems_are_mapped_without_a_mapping_step() -> None:
    header = ["信息标题", "索引号", "发文字号", "公开主体", "成文时间", "公开日期", "所属主题"]
    header += ["所属体裁", "效力状态", "正文", "备注"]
    mapping, unmapped = importing.guess_mapping(header)
    assert mapping == {
        "信息标题": "title",
        "索引号": "index_no",
        "发文字号": "doc_number",
        "公开主体": "publisher",
        "成文时间": "formed_on",
        "公开日期": "published_on",
        "所属主题": "topic",
        "所属体裁": "genre",
        "效力状态": "validity",
        "正文": "body",
    }
    assert unmapped == ["备注"]  # left for the mapping step


def test_preview_shows_dates_as_the_import_reads_them(organ: Organ, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import StaffRole
    from tests.factories import make_staff

    client.force_login(make_staff(organ, [StaffRole.PUBLISHER]))
    data = xlsx(
        [
            row("序列号日期的通知", 成文日期=43617, 发布日期=dt.datetime(2019, 6, 3)),
            row("文字日期的通知", 成文日期="2019年6月4日", 发布日期="2019.6.5"),
            row("日期有误的通知", 发布日期="下个月"),
        ]
    )
    client.post(
        "/staff/items/import/",
        {"organ": organ.pk, "file": SimpleUploadedFile("old.xlsx", data)},
    )
    page = client.get(f"/staff/items/import/{ItemImport.objects.get().pk}/").content.decode()
    preview = page[page.index('id="preview-title"') : page.index('id="mapping-title"')]
    cells = re.findall(r"<td>([^<]*)</td>", preview)
    # Excel's serial 43617 is 2019-06-01; a date-time cell and dates written as text read as
    # the dates they mean; what cannot be read stays as written (the report names the row).
    assert "2019-06-01" in cells and "2019-06-03" in cells
    assert "2019-06-04" in cells and "2019-06-05" in cells and "下个月" in cells
    assert "43617" not in preview and "00:00:00" not in preview
