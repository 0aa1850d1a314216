"""Answer letters carry the organ's own 发文字号 (GB/T 9704-2012 7.2.4), one serial per organ
and year, issued when the application is answered or closed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from requests_app import letters, services
from requests_app.models import Application, Outcome
from tests.factories import make_organ, make_staff
from tests.requests_app.factories import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> object:
    when = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(when, tick=False):
        yield


def _answer(application: Application, actor: object) -> Application:
    return services.perform_action(
        "answer",
        actor=actor,
        application=application,
        date=dt.date(2026, 11, 26),
        outcome=Outcome.DISCLOSED,
        reply="予以公开。",
    )


def test_answers_are_numbered_with_the_default_pattern_per_organ() -> None:
    education = make_organ("临江市教育局", short_name="临教")
    health = make_organ("临江市卫生健康委员会", short_name="临卫")
    teacher = make_staff(education, ["handler"])
    doctor = make_staff(health, ["handler"])

    first = _answer(make_application(education), teacher)
    second = _answer(make_application(education), teacher)
    other = _answer(make_application(health), doctor)

    assert first.letter_number == "临教信复〔2026〕1号"
    assert second.letter_number == "临教信复〔2026〕2号"
    assert other.letter_number == "临卫信复〔2026〕1号"
    assert letters.render_letter_text(second)[1] == "临教信复〔2026〕2号"


def test_closing_without_an_answer_is_numbered_too() -> None:
    organ = make_organ("临江市教育局", short_name="临教")
    handler = make_staff(organ, ["handler"])
    withdrawn = services.perform_action(
        "withdraw", actor=handler, application=make_application(organ), note="申请人撤回"
    )
    assert withdrawn.letter_number == "临教信复〔2026〕1号"


def test_an_organ_sets_its_own_pattern() -> None:
    organ = make_organ("临江市教育局", short_name="临教")
    organ.answer_number_pattern = "{short}依复字〔{year}〕第{n}号"
    organ.full_clean()
    organ.save()
    handler = make_staff(organ, ["handler"])
    answered = _answer(make_application(organ), handler)
    assert answered.letter_number == "临教依复字〔2026〕第1号"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("临教信复〔{year}〕号", "必须包含序号"),
        ("{short}{month}信复〔{year}〕{n}号", "只能使用"),
        ("{n}{", "只能使用"),
    ],
)
def test_a_pattern_without_serial_or_with_unknown_placeholders_is_refused(
    pattern: str, message: str
) -> None:
    organ = make_organ("临江市教育局")
    organ.answer_number_pattern = pattern
    with pytest.raises(ValidationError) as exc:
        organ.full_clean()
    assert message in " ".join(exc.value.message_dict["answer_number_pattern"])


def test_a_refused_answer_claims_no_serial() -> None:
    organ = make_organ("临江市教育局", short_name="临教")
    handler = make_staff(organ, ["handler"])
    application = make_application(organ)
    with pytest.raises(ValidationError):
        services.perform_action(
            "answer", actor=handler, application=application, outcome="no-such-outcome"
        )
    assert _answer(application, handler).letter_number == "临教信复〔2026〕1号"


def test_the_request_is_quoted_without_its_own_closing_punctuation() -> None:
    organ = make_organ("临江市教育局", short_name="临教")
    handler = make_staff(organ, ["handler"])
    application = make_application(organ, description="请公开2025年度“双减”工作经费。\n")
    text = letters.render_letter_text(_answer(application, handler))
    assert "“请公开2025年度“双减”工作经费”。经研究" in text[3]
