"""依申请公开: applications, their dated events, appeals, and the working-day calendar.

条例第二十七至四十五条. The event rows are the record: the deadline and the yearly statistics
are folds over them. ``Application.due_on`` is a stored copy of that fold (refreshed by every
workflow service, by a calendar change, and daily for paused applications) so that the staff
queue can sort and filter a million rows by it; pages and the API show the live fold.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Item, Organ


class ApplicantType(models.TextChoices):
    NATURAL_PERSON = "natural_person", _("自然人")
    COMMERCIAL = "commercial", _("商业企业")
    RESEARCH = "research", _("科研机构")
    NONPROFIT = "nonprofit", _("社会公益组织")
    LEGAL_SERVICES = "legal_services", _("法律服务机构")
    OTHER_ORG = "other_org", _("其他")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    IN_PERSON = "in_person", _("当面")
    LETTER = "letter", _("信函")
    FAX = "fax", _("传真")
    EMAIL = "email", _("电子邮件")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    RECEIVED = "received", _("办理中")
    AWAITING_CORRECTION = "awaiting_correction", _("待补正")
    CONSULTING = "consulting", _("征求意见中")
    AWAITING_FEE = "awaiting_fee", _("待缴费")
    # 条例第三十五条: the applicant is asked to state reasons for a clearly excessive request.
    AWAITING_REASONS = "awaiting_reasons", _("待说明理由")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已终止")


OPEN_STATUSES = (
    Status.RECEIVED,
    Status.AWAITING_CORRECTION,
    Status.CONSULTING,
    Status.AWAITING_FEE,
    Status.AWAITING_REASONS,
)


class Outcome(models.TextChoices):
    """One outcome per answered application = one row of the annual report's table 三."""

    DISCLOSED = "disclosed", _("予以公开")
    PARTIALLY_DISCLOSED = "partially_disclosed", _("部分公开")
    WITHHELD_STATE_SECRET = "withheld_state_secret", _("属于国家秘密")
    WITHHELD_PROHIBITED = "withheld_prohibited", _("其他法律行政法规禁止公开")
    WITHHELD_SECURITY = "withheld_security", _("危及“三安全一稳定”")
    WITHHELD_THIRD_PARTY = "withheld_third_party", _("保护第三方合法权益")
    WITHHELD_INTERNAL = "withheld_internal", _("属于三类内部事务信息")
    WITHHELD_PROCESS = "withheld_process", _("属于四类过程性信息")
    WITHHELD_ENFORCEMENT = "withheld_enforcement", _("属于行政执法案卷")
    WITHHELD_QUERY = "withheld_query", _("属于行政查询事项")
    UNAVAILABLE_NOT_HELD = "unavailable_not_held", _("本机关不掌握相关政府信息")
    UNAVAILABLE_NEEDS_CREATION = "unavailable_needs_creation", _("没有现成信息需要另行制作")
    UNAVAILABLE_UNCLEAR = "unavailable_unclear", _("补正后申请内容仍不明确")
    REJECTED_PETITION = "rejected_petition", _("信访举报投诉类申请")
    REJECTED_REPEATED = "rejected_repeated", _("重复申请")
    REJECTED_PUBLICATION = "rejected_publication", _("要求提供公开出版物")
    REJECTED_MASS = "rejected_mass", _("无正当理由大量反复申请")
    REJECTED_CONFIRMATION = "rejected_confirmation", _("要求行政机关确认或重新出具已获取信息")
    OTHER_CORRECTION_LAPSED = (
        "other_correction_lapsed",
        _("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    )
    OTHER_FEE_UNPAID = (
        "other_fee_unpaid",
        _("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    )
    OTHER_OTHER = "other_other", _("其他")


class DeliveryForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")


class DeliveryMethod(models.TextChoices):
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    PICKUP = "pickup", _("自行领取")
    ONLINE = "online", _("网上获取")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    FOREIGN_PERMANENT = "foreign_permanent", _("外国人永久居留身份证")
    OTHER = "other", _("其他")


class FeeBasis(models.TextChoices):
    PER_ITEM = "per_item", _("按件计收")
    PER_PAGE = "per_page", _("按量计收")


def _choices_check(
    field: str, choices: type[models.TextChoices], name: str
) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class Application(models.Model):
    """One 政府信息公开申请 (条例第二十九条: the contents of an application)."""

    organ = models.ForeignKey(
        Organ, verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="applications"
    )
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    channel = models.CharField(_("申请方式"), max_length=10, choices=Channel.choices)
    applicant_type = models.CharField(_("申请人类型"), max_length=20, choices=ApplicantType.choices)
    # Applicant (条例第二十九条第二款第一项); seen only by staff of the organ.
    name = models.CharField(_("姓名"), max_length=100, blank=True)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=50, blank=True)
    organization = models.CharField(_("名称"), max_length=200, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人或负责人"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=300, blank=True)
    postal_code = models.CharField(_("邮政编码"), max_length=6, blank=True)
    # 条例第二十九条第二款第二项
    description = models.TextField(
        _("所需政府信息的名称、文号或者便于行政机关查询的其他特征性描述")
    )
    # 条例第二十九条第二款第三项
    delivery_form = models.CharField(
        _("信息的提供形式"), max_length=10, choices=DeliveryForm.choices
    )
    delivery_method = models.CharField(
        _("获取信息的方式"), max_length=10, choices=DeliveryMethod.choices
    )

    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    # 条例第三十一条: the receipt date; it decides the report year and is never moved.
    first_received_on = models.DateField(_("收到申请日期"))
    # The clock's start: the receipt date, or the day a corrected application arrived (第三十条).
    received_on = models.DateField(_("计时起算日"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    # Stored copy of the deadline fold (see the module docstring); null while awaiting correction.
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    due_covered = models.BooleanField(_("期限按官方日历计算"), default=True)
    paused_workdays = models.PositiveIntegerField(_("暂停的工作日"), default=0)
    extension_workdays = models.PositiveSmallIntegerField(_("延长的工作日"), default=0)

    correction_requested_on = models.DateField(_("补正通知日期"), null=True, blank=True)
    correction_due_on = models.DateField(_("补正期限"), null=True, blank=True)
    correction_late = models.BooleanField(_("补正通知超过7个工作日"), default=False)
    consultation_party = models.CharField(_("征求意见对象"), max_length=200, blank=True)
    # 条例第三十二条: the consulted party's 15 working days run from the day it received the
    # request; null while unknown (the desk lists those).
    consultation_delivered_on = models.DateField(_("征求意见书送达日期"), null=True, blank=True)
    consultation_reply_due_on = models.DateField(_("征求意见答复期限"), null=True, blank=True)
    # 条例第三十五条
    reasons_requested_on = models.DateField(_("要求说明理由日期"), null=True, blank=True)
    reasons_due_on = models.DateField(_("说明理由期限"), null=True, blank=True)
    delayed_due_on = models.DateField(_("延迟答复期限"), null=True, blank=True)
    delayed_due_reason = models.TextField(_("延迟答复理由"), blank=True)

    fee_basis = models.CharField(_("收费方式"), max_length=10, choices=FeeBasis.choices, blank=True)
    fee_quantity = models.PositiveIntegerField(_("件数或页数"), null=True, blank=True)
    fee_amount = models.DecimalField(
        _("收费金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # 国办函〔2020〕109号第四条: 一事一申请 — one application may count as several pieces.
    fee_pieces = models.PositiveSmallIntegerField(_("按件计收的件数"), default=1)
    fee_notice_on = models.DateField(_("收费通知日期"), null=True, blank=True)
    # The day the notice reached the applicant: the payment period counts from the day after.
    fee_delivered_on = models.DateField(_("收费通知送达日期"), null=True, blank=True)
    fee_payment_due_on = models.DateField(_("缴费期限"), null=True, blank=True)
    fee_paid_on = models.DateField(_("缴费日期"), null=True, blank=True)

    outcome = models.CharField(
        _("办理结果"), max_length=30, choices=Outcome.choices, blank=True, default=""
    )
    reply = models.TextField(_("答复内容"), blank=True)
    referral = models.CharField(_("告知获取途径"), max_length=500, blank=True)
    linked_item = models.ForeignKey(
        Item,
        verbose_name=_("已主动公开的信息"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The day the application left the open states (answered or closed): the report year of
    # its result row (regulation.md §2.6 F6).
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    # The answer letter's 发文字号, issued when the application is answered or closed
    # (Organ.answer_number_pattern, serial per organ and year: LetterSerial).
    letter_number = models.CharField(_("答复书文号"), max_length=80, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The mails about this application (disclosure_portal.OutboxMail, linked generically).
    mails = GenericRelation("disclosure_portal.OutboxMail", related_query_name="application")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        indexes = [
            models.Index(fields=["organ", "status", "due_on"], name="app_queue"),
            models.Index(fields=["status", "due_on"], name="app_status_due"),
            models.Index(fields=["organ", "first_received_on"], name="app_organ_received"),
            models.Index(fields=["organ", "closed_on"], name="app_organ_closed"),
            # The queue of staff who see every organ: ORDER BY due_on, id (bench/deadlines.md).
            models.Index(fields=["due_on", "id"], name="app_due_order"),
            # The report annex "oldest open applications" (bench/report.md).
            models.Index(fields=["first_received_on", "id"], name="app_received_order"),
        ]
        constraints = [
            _choices_check("status", Status, "app_status_valid"),
            _choices_check("channel", Channel, "app_channel_valid"),
            _choices_check("applicant_type", ApplicantType, "app_applicant_type_valid"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values), name="app_outcome_valid"
            ),
            # An application is closed with exactly one outcome, and only then.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["answered", "closed"], closed_on__isnull=False) & ~Q(outcome="")
                )
                | (
                    Q(status__in=[s.value for s in OPEN_STATUSES], closed_on__isnull=True)
                    & Q(outcome="")
                ),
                name="app_outcome_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(received_on__gte=models.F("first_received_on")),
                name="app_clock_not_before_receipt",
            ),
            models.CheckConstraint(
                condition=Q(extension_workdays__lte=20), name="app_extension_at_most_20"
            ),
            models.CheckConstraint(condition=Q(fee_pieces__gte=1), name="app_fee_pieces_positive"),
            models.CheckConstraint(
                condition=Q(fee_delivered_on__isnull=True)
                | Q(fee_delivered_on__gte=models.F("fee_notice_on")),
                name="app_fee_delivered_after_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.organ}"

    def get_absolute_url(self) -> str:
        return reverse("staff_requests:application", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_organisation(self) -> bool:
        return self.applicant_type != ApplicantType.NATURAL_PERSON

    @property
    def applicant_display_name(self) -> str:
        return self.organization if self.is_organisation else self.name

    @property
    def masked_name(self) -> str:
        """张* for a person; the organisation's first characters and * for others."""
        full = self.applicant_display_name or ""
        if not full:
            return ""
        keep = 1 if not self.is_organisation else min(2, len(full))
        return full[:keep] + "*" * max(1, min(len(full) - keep, 3 if self.is_organisation else 2))


class LetterSerial(models.Model):
    """The last answer-letter serial issued per organ and year (the {n} of the 文号)."""

    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organ", "year"], name="letter_serial_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organ_id}/{self.year}: {self.last}"


class ApplicationAttachment(models.Model):
    """Scans and supporting files of an application (PDF/JPEG/PNG/OFD, checked by content)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(_("文件"), upload_to="applications/%Y/%m/", max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("申请附件")
        verbose_name_plural = _("申请附件")

    def __str__(self) -> str:
        return self.name


# 条例第三十六条第二项、第三十七条: only an answer that discloses (in whole or in part) carries
# the released documents.
RELEASING_OUTCOMES = frozenset({Outcome.DISCLOSED.value, Outcome.PARTIALLY_DISCLOSED.value})
# Documents released with one answer: as many as a catalog item may carry.
MAX_RELEASED_FILES = 20


class ReleasedFile(models.Model):
    """A document released with the answer (拟公开文件): uploaded by the handler while the
    application is open, frozen once it is answered, downloaded by the applicant from the
    tracking page. Its text is scanned for third parties' personal data on upload
    (条例第十五条; catalog.pii), the findings kept with masked excerpts."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="released_files"
    )
    name = models.CharField(_("文件名"), max_length=200)
    # A random stored name (catalog.uploads.random_name): the served name is ``name``.
    file = models.FileField(_("文件"), upload_to="released/%Y/%m/", max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    # Personal data found in the file's text when it was uploaded: [{"kind", "where",
    # "excerpt"}] with the numbers masked (api.md, Catalog: the same shape as an item's).
    pii_findings = models.JSONField(_("个人信息检查结果"), default=list, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("拟公开文件")
        verbose_name_plural = _("拟公开文件")

    def __str__(self) -> str:
        return self.name


class EventType(models.TextChoices):
    RECEIVED = "received", _("收到申请")
    REQUEST_CORRECTION = "request-correction", _("告知补正")
    RECEIVE_CORRECTION = "receive-correction", _("收到补正")
    LAPSE_CORRECTION = "lapse-correction", _("逾期未补正")
    START_CONSULTATION = "start-consultation", _("征求意见")
    END_CONSULTATION = "end-consultation", _("征求意见结束")
    EXTEND = "extend", _("延长答复期限")
    ISSUE_FEE_NOTICE = "issue-fee-notice", _("发出收费通知")
    CONFIRM_FEE_PAID = "confirm-fee-paid", _("确认缴费")
    LAPSE_FEE = "lapse-fee", _("逾期未缴费")
    ANSWER = "answer", _("作出答复")
    WITHDRAW = "withdraw", _("撤回申请")
    ASSIGN = "assign", _("分派经办人")
    # 条例第三十五条
    REQUEST_REASONS = "request-reasons", _("要求说明理由")
    RECEIVE_REASONS = "receive-reasons", _("收到理由说明")
    LAPSE_REASONS = "lapse-reasons", _("逾期未说明理由，不予处理")
    SET_DELAYED_DUE = "set-delayed-due", _("确定延迟答复期限")
    # When a fee notice or a consultation request reached its addressee (not a workflow step).
    RECORD_DELIVERY = "record-delivery", _("登记送达日期")


class Event(models.Model):
    """A dated step of an application: the record the deadline and statistics fold over."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("事项"), max_length=30, choices=EventType.choices)
    date = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The mail that told the applicant of this step (receipt, 补正, fee notice, extension,
    # answer), queued in the step's transaction; when it was sent is the notice's record.
    notice = models.OneToOneField(
        "disclosure_portal.OutboxMail",
        verbose_name=_("告知邮件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event",
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        indexes = [models.Index(fields=["application", "date"], name="event_app_date")]
        constraints = [_choices_check("type", EventType, "event_type_valid")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.date}"


class AppealKind(models.TextChoices):
    REVIEW = "review", _("行政复议")
    LITIGATION_DIRECT = "litigation_direct", _("未经复议直接起诉")
    LITIGATION_AFTER_REVIEW = "litigation_after_review", _("复议后起诉")


class AppealResult(models.TextChoices):
    UPHELD = "upheld", _("结果维持")
    CORRECTED = "corrected", _("结果纠正")
    OTHER = "other", _("其他结果")
    PENDING = "pending", _("尚未审结")


class Appeal(models.Model):
    """行政复议 / 行政诉讼 on an application (table 四 of the annual report)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="appeals")
    kind = models.CharField(_("类型"), max_length=30, choices=AppealKind.choices)
    filed_on = models.DateField(_("提起日期"))
    result = models.CharField(
        _("结果"), max_length=10, choices=AppealResult.choices, default=AppealResult.PENDING
    )
    decided_on = models.DateField(_("审结日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["filed_on", "id"]
        verbose_name = _("行政复议或诉讼")
        verbose_name_plural = _("行政复议或诉讼")
        constraints = [
            _choices_check("kind", AppealKind, "appeal_kind_valid"),
            _choices_check("result", AppealResult, "appeal_result_valid"),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("filed_on")),
                name="appeal_decided_after_filed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_on}"


class CalendarOverride(models.Model):
    """A day of the State Council's yearly holiday notice entered by an administrator;
    overrides win over the bundled chinese-calendar data."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'}"


class CalendarYear(models.Model):
    """A year whose official schedule an administrator has entered completely."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    completed_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("已录入的年度日历")
        verbose_name_plural = _("已录入的年度日历")

    def __str__(self) -> str:
        return str(self.year)


class ReminderSent(models.Model):
    """One deadline reminder per handler, application and day: makes the daily command
    idempotent and safe to run on several machines at once (the unique row is the claim)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "user", "day"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.user_id} {self.day}"
