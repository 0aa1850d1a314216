"""The disclosure catalog: organs (行政机关), their guides (指南) and the directory (目录).

条例第十二条: each organ compiles and keeps up to date its 政府信息公开指南 and 目录;
第十九至二十六条: what is published proactively and how fast.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from catalog.validators import (
    DEFAULT_ANSWER_NUMBER_PATTERN,
    organisation_code,
    validate_answer_number_pattern,
    validate_credit_code,
)


class Organ(models.Model):
    """A 行政机关: a people's government, a department, a 派出机构 or a sub-district."""

    code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    index_prefix = models.CharField(
        _("索引号前段码"),
        max_length=18,
        blank=True,
        help_text=_("留空则使用统一社会信用代码第9至17位（组织机构代码）。"),
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    # 条例第三十条: the correction period a notice states (organ setting, default 15 workdays).
    correction_period_workdays = models.PositiveSmallIntegerField(
        _("补正期限（工作日）"), default=15
    )
    # 国办函〔2020〕109号: whether the fee period pauses the answer clock (default on, domain.md).
    fee_pauses_clock = models.BooleanField(_("缴费期间不计入答复期限"), default=True)
    # The 发文字号 of answer letters (GB/T 9704-2012 7.2.4: 机关代字 + 〔年份〕 + 序号).
    answer_number_pattern = models.CharField(
        _("答复书文号格式"),
        max_length=40,
        blank=True,
        validators=[validate_answer_number_pattern],
        help_text=_("留空则为“{short}信复〔{year}〕{n}号”；{short}为机关简称，{n}为本年度序号。"),
    )
    # 条例第四十九条: departments publish their annual report by 31 January, a people's
    # government by 31 March; blank = decided by the organ's level (reports.statutory).
    report_due = models.CharField(
        _("年度报告法定公布期限"),
        max_length=5,
        blank=True,
        default="",
        choices=[
            ("", _("按层级（本级人民政府3月31日前，部门1月31日前）")),
            ("jan31", _("每年1月31日前（条例第四十九条第一款）")),
            ("mar31", _("每年3月31日前（条例第四十九条第二款）")),
        ],
    )
    # 条例第十七条: every organ keeps a 审查机制; with it on, a publisher's item waits for a
    # reviewer (审核员) before it reaches the public ("先审后发").
    publication_review = models.BooleanField(
        _("发布前审核"),
        default=True,
        help_text=_("开启后，发布员提交的信息须经审核员审核通过才公开（条例第十七条）。"),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("行政机关")
        verbose_name_plural = _("行政机关")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="organ_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(report_due__in=["", "jan31", "mar31"]), name="organ_report_due_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:organ", args=[self.code])

    @property
    def effective_index_prefix(self) -> str:
        return self.index_prefix or organisation_code(self.code)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def answer_number(self, year: int, serial: int) -> str:
        """The 文号 of this organ's ``serial``-th answer letter of ``year``."""
        pattern = self.answer_number_pattern or DEFAULT_ANSWER_NUMBER_PATTERN
        return (
            pattern.replace("{short}", self.display_name)
            .replace("{year}", str(year))
            .replace("{n}", str(serial))
        )


class Guide(models.Model):
    """政府信息公开指南 (条例第十二条第二款); every save keeps a revision."""

    organ = models.OneToOneField(
        Organ, verbose_name=_("行政机关"), on_delete=models.CASCADE, related_name="guide"
    )
    office_name = models.CharField(_("政府信息公开工作机构"), max_length=100, blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    fax = models.CharField(_("传真号码"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    postal_code = models.CharField(_("邮政编码"), max_length=6, blank=True)
    website = models.URLField(_("网址"), blank=True)
    scope = models.TextField(_("主动公开范围"), blank=True)
    classification = models.TextField(_("政府信息的分类与编排体系"), blank=True)
    application_procedure = models.TextField(_("依申请公开的办理程序"), blank=True)
    fees = models.TextField(_("收费标准"), blank=True)
    remedies = models.TextField(_("监督和救济"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    FIELDS = (
        "office_name",
        "address",
        "office_hours",
        "phone",
        "fax",
        "email",
        "postal_code",
        "website",
        "scope",
        "classification",
        "application_procedure",
        "fees",
        "remedies",
    )

    class Meta:
        verbose_name = _("政府信息公开指南")
        verbose_name_plural = _("政府信息公开指南")

    def __str__(self) -> str:
        return f"{self.organ.name}政府信息公开指南"

    def snapshot(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in self.FIELDS}


class GuideRevision(models.Model):
    """One published version of a guide, so the page can show what changed and when."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="revisions")
    content = models.JSONField(_("内容"))
    created_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("指南修订记录")
        verbose_name_plural = _("指南修订记录")

    def __str__(self) -> str:
        return f"{self.guide_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Topic(models.Model):
    """主题分类: a two-level tree of data (seeded with the 22 gov.cn topics)."""

    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级主题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("主题分类")
        verbose_name_plural = _("主题分类")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="topic_unique_name"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="topic_unique_root_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name}\\{self.name}" if self.parent_id else self.name

    @property
    def path(self) -> str:
        return str(self)


class Term(models.Model):
    """A term of a controlled vocabulary: 体裁 (national list plus local ones), 组配分类 and
    服务对象分类 (per organ, 目录系统实施指引)."""

    class Kind(models.TextChoices):
        GENRE = "genre", _("体裁")
        GROUPING = "grouping", _("组配分类")
        AUDIENCE = "audience", _("服务对象分类")

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50)
    organ = models.ForeignKey(
        Organ,
        verbose_name=_("所属机关"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("留空则为全平台通用。"),
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["kind", "position", "id"]
        verbose_name = _("分类词")
        verbose_name_plural = _("分类词")
        constraints = [
            models.UniqueConstraint(fields=["kind", "organ", "name"], name="term_unique"),
            models.UniqueConstraint(
                fields=["kind", "name"], condition=Q(organ__isnull=True), name="term_unique_global"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["genre", "grouping", "audience"]), name="term_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ItemQuerySet(models.QuerySet["Item"]):
    def published(self) -> ItemQuerySet:
        return self.filter(status=Item.Status.PUBLISHED)


class Item(models.Model):
    """One entry of the 政府信息公开目录 with the gov.cn metadata (regulation.md §4.4)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING_REVIEW = "pending_review", _("待审核")
        PUBLISHED = "published", _("已发布")

    class DocType(models.TextChoices):
        RULE = "rule", _("规章")
        NORMATIVE = "normative", _("行政规范性文件")
        OTHER = "other", _("其他")

    class Validity(models.TextChoices):
        IN_FORCE = "in_force", _("有效")
        AMENDED = "amended", _("已修改")
        REPEALED = "repealed", _("已废止")

    # 条例第二十条 (一)–(十五)
    ARTICLE20_CHOICES = [
        (1, _("（一）行政法规、规章和规范性文件")),
        (2, _("（二）机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名")),
        (3, _("（三）国民经济和社会发展规划、专项规划、区域规划及相关政策")),
        (4, _("（四）国民经济和社会发展统计信息")),
        (5, _("（五）办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果")),
        (6, _("（六）实施行政处罚、行政强制的依据、条件、程序以及有一定社会影响的行政处罚决定")),
        (7, _("（七）财政预算、决算信息")),
        (8, _("（八）行政事业性收费项目及其依据、标准")),
        (9, _("（九）政府集中采购项目的目录、标准及实施情况")),
        (10, _("（十）重大建设项目的批准和实施情况")),
        (11, _("（十一）扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况")),
        (12, _("（十二）突发公共事件的应急预案、预警信息及应对情况")),
        (13, _("（十三）环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况")),
        (14, _("（十四）公务员招考的职位、名额、报考条件等事项以及录用结果")),
        (15, _("（十五）法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息")),
    ]

    organ = models.ForeignKey(
        Organ, verbose_name=_("发布机构"), on_delete=models.PROTECT, related_name="items"
    )
    co_organs = models.ManyToManyField(
        Organ, verbose_name=_("联合发布机构"), blank=True, related_name="joint_items"
    )
    title = models.CharField(_("标题"), max_length=300)
    doc_number = models.CharField(_("发文字号"), max_length=100, blank=True)
    subject_terms = models.JSONField(_("主题词"), default=list, blank=True)
    summary = models.TextField(_("内容概述"), blank=True)
    topic = models.ForeignKey(
        Topic, verbose_name=_("主题分类"), null=True, blank=True, on_delete=models.PROTECT
    )
    genre = models.ForeignKey(
        Term,
        verbose_name=_("体裁"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.GENRE},
    )
    grouping = models.ForeignKey(
        Term,
        verbose_name=_("组配分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.GROUPING},
    )
    audience = models.ForeignKey(
        Term,
        verbose_name=_("服务对象分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.AUDIENCE},
    )
    article20 = models.PositiveSmallIntegerField(
        _("条例第二十条类别"), null=True, blank=True, choices=ARTICLE20_CHOICES
    )
    doc_type = models.CharField(
        _("文件类型"), max_length=10, choices=DocType.choices, default=DocType.OTHER
    )
    formed_on = models.DateField(_("成文日期"))
    changed_on = models.DateField(_("变更日期"), null=True, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    validity = models.CharField(
        _("有效性"), max_length=10, choices=Validity.choices, default=Validity.IN_FORCE
    )
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    index_no = models.CharField(_("索引号"), max_length=40, null=True, blank=True, unique=True)
    body = models.TextField(_("正文"), blank=True)
    # Bigram tokens of the searchable fields (catalog.search_text); indexed per database vendor.
    search_tokens = models.TextField(editable=False, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    # The last review decision (条例第十七条); the full history is in ItemReview.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_opinion = models.TextField(_("审核意见"), blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("目录条目")
        verbose_name_plural = _("目录条目")
        indexes = [
            models.Index(fields=["status", "-published_on", "-id"], name="item_pub_order"),
            models.Index(fields=["organ", "status", "-published_on"], name="item_organ_pub"),
            models.Index(fields=["doc_type", "published_on"], name="item_doctype_pub"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "pending_review"])
                | Q(published_on__isnull=False, index_no__isnull=False),
                name="item_published_has_date_and_index",
            ),
            models.CheckConstraint(
                condition=Q(article20__isnull=True) | Q(article20__gte=1, article20__lte=15),
                name="item_article20_range",
            ),
            models.CheckConstraint(
                condition=Q(validity="in_force") | Q(repealed_on__isnull=False),
                name="item_repealed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "pending_review", "published"]),
                name="item_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(doc_type__in=["rule", "normative", "other"]), name="item_doctype_valid"
            ),
            models.CheckConstraint(
                condition=Q(validity__in=["in_force", "amended", "repealed"]),
                name="item_validity_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:item", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_pending_review(self) -> bool:
        return self.status == self.Status.PENDING_REVIEW


class ItemReview(models.Model):
    """One step of the review of an item before publication (条例第十七条 审查机制):
    submitted by a publisher, approved or returned by a reviewer. The record of who decided
    what and when, including personal-data findings the reviewer chose to let through."""

    class Decision(models.TextChoices):
        SUBMIT = "submit", _("提交审核")
        APPROVE = "approve", _("审核通过")
        RETURN = "return", _("退回修改")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(_("审核结论"), max_length=10, choices=Decision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    opinion = models.TextField(_("审核意见"), blank=True)
    # Personal-data findings present at the decision, and the reason given to publish them.
    findings = models.JSONField(_("个人信息检查结果"), default=list, blank=True)
    findings_acknowledged = models.BooleanField(_("确认发布检出的个人信息"), default=False)
    acknowledge_reason = models.TextField(_("确认理由"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["submit", "approve", "return"]),
                name="item_review_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(findings_acknowledged=False) | ~Q(acknowledge_reason=""),
                name="item_review_acknowledgement_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.decision} @ {self.at:%Y-%m-%d %H:%M}"


class IndexSerial(models.Model):
    """The last 索引号 serial issued per organ and year (目录系统实施指引: 5-digit serial)."""

    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organ", "year"], name="index_serial_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organ_id}/{self.year}: {self.last}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random stored name (issue 8): nothing of the uploader's name or of the content reaches
    # the file system; the served name is kept in ``name``.
    return f"items/{instance.item_id}/{get_random_string(32)}{instance.extension}"


class Attachment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=300)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    # Personal data found in the file's text when it was uploaded (catalog.pii); files do
    # not change, so they are scanned once.
    pii_findings = models.JSONField(_("个人信息检查结果"), default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:attachment", args=[self.item_id, self.pk])


class StaffRole(models.TextChoices):
    HANDLER = "handler", _("经办人")
    APPROVER = "approver", _("负责人")
    PUBLISHER = "publisher", _("发布员")
    REPORTER = "reporter", _("年报编制")
    REVIEWER = "reviewer", _("审核员")


class StaffProfile(models.Model):
    """A staff member's organ and roles (api.md, Authentication)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    organ = models.ForeignKey(
        Organ, verbose_name=_("所属机关"), on_delete=models.PROTECT, related_name="staff"
    )
    roles = models.JSONField(_("角色"), default=list)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return f"{self.user} ({self.organ})"

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def role_labels(self) -> list[Any]:
        return [StaffRole(r).label for r in self.roles if r in StaffRole.values]


from catalog.import_models import ImportedItem, ItemImport  # noqa: E402, F401 - registers them
