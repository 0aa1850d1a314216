# The portal's shared infrastructure tables (caches' version stamps, counters, the mail
# outbox, the audit log) start here; each comes in a migration of its own.
from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations: list[migrations.operations.base.Operation] = []
