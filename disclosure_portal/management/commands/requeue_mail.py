"""Give a delivery task back to every mail that is due but has none: run every few minutes
from cron or a systemd timer, on any number of machines (a surplus task sends nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from disclosure_portal.mail import requeue_stalled


class Command(BaseCommand):
    help = "为已到期却没有发送任务的邮件（任务丢失或发送进程中断）重新排队。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = requeue_stalled()
        self.stdout.write(_("重新排队的邮件：%(count)d封。") % {"count": count})
