# Partial indexes on django-tasks-db's table for GET /healthz (disclosure_portal/health.py):
# queued and failed tasks are counted, and the oldest queued one found, from these small
# indexes instead of a scan of every finished task. The table belongs to a third-party app, so
# the indexes are plain SQL here (PostgreSQL and SQLite both have partial indexes).
from __future__ import annotations

from django.db import migrations

TABLE = "django_tasks_database_dbtaskresult"

INDEXES = {
    "portal_tasks_ready_enqueued_idx": "status = 'READY'",
    "portal_tasks_failed_enqueued_idx": "status = 'FAILED'",
}


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure_portal", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} (enqueued_at) WHERE {condition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, condition in INDEXES.items()
    ]
