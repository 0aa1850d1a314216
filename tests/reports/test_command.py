"""``manage.py build_annual_report``: the tables and checks before publishing."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from reports.models import AnnualReport
from reports.services import report_get_or_create, report_publish, report_update
from tests.factories import make_organ
from tests.reports.test_statistics import COMPILED_AT, D, build_scenario, make_application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _january_2027() -> Any:
    with time_machine.travel(COMPILED_AT, tick=False):
        yield


def build(*args: str) -> str:
    out = StringIO()
    call_command("build_annual_report", *args, stdout=out)
    return out.getvalue()


def test_prints_the_three_tables_with_their_row_labels_and_the_check_result() -> None:
    s = build_scenario()

    output = build("--organ", s.city.code, "--year", "2026")

    assert "某市人民政府2026年政府信息公开工作年度报告" in output
    for label in (
        "二、主动公开政府信息情况",
        "行政规范性文件",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "4.保护第三方合法权益",
        "（七）总计",
        "四、结转下年度继续办理",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议",
        "复议后起诉",
    ):
        assert label in output, label
    new_row = next(line for line in output.splitlines() if "本年新收" in line)
    # 自然人 3, 商业企业 1, 科研机构 1, 社会公益组织 1, 法律服务机构 1, 其他 1, 总计 8.
    assert new_row.split()[-7:] == ["3", "1", "1", "1", "1", "1", "8"]
    # No text sections were written: warnings, which do not block.
    assert "[提示] sections 一、总体情况" in output
    assert "没有阻止发布的错误。" in output


def test_tree_option_consolidates_the_subordinates() -> None:
    s = build_scenario()

    output = build("--organ", s.city.code, "--year", "2026", "--tree")

    assert "（本机关及所属机关汇总）" in output
    new_row = next(line for line in output.splitlines() if "本年新收" in line)
    assert new_row.split()[-1] == "10"


def test_writes_nothing() -> None:
    s = build_scenario()

    build("--organ", s.city.code, "--year", "2026")

    assert not AnnualReport.objects.exists()


def test_failing_check_exits_non_zero() -> None:
    s = build_scenario()
    report = report_get_or_create(organ=s.city, year=2025, scope="organ")
    report_update(actor=None, report=report, sections={"overview": "总体", "problems": "问题"})
    report_publish(actor=s.actor, report=report)
    # Registered afterwards: open since 2025, unlike what the 2025 report says.
    make_application(s.city, received=D(2025, 10, 8), applicant_type="nonprofit")
    out = StringIO()

    with pytest.raises(CommandError, match="2项校验未通过"):
        call_command("build_annual_report", "--organ", s.city.code, "--year", "2026", stdout=out)

    assert "[错误] F5 表三 二 ≠ 上年四 / 社会公益组织" in out.getvalue()
    # From the shell: manage.py exits with status 1.
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(
            ["manage.py", "build_annual_report", "--organ", s.city.code, "--year", "2026"]
        )
    assert exit_info.value.code == 1


def test_passing_checks_exit_zero_from_the_shell() -> None:
    organ = make_organ("某县人民政府")
    report = report_get_or_create(organ=organ, year=2026, scope="organ")
    report_update(
        actor=None,
        report=report,
        sections={"overview": "总体", "problems": "问题", "other": "其他"},
    )

    # execute_from_command_line only raises SystemExit on failure.
    execute_from_command_line(
        ["manage.py", "build_annual_report", "--organ", organ.code, "--year", "2026"]
    )


def test_unknown_organ_is_an_error() -> None:
    with pytest.raises(CommandError, match="未找到"):
        build("--organ", "91330100MA2XXXXXXX", "--year", "2026")


@pytest.mark.parametrize("year", ["2007", "2028"])
def test_year_outside_the_range_is_an_error(year: str) -> None:
    organ = make_organ()

    with pytest.raises(CommandError, match="2008年至2027年"):
        build("--organ", organ.code, "--year", year)
