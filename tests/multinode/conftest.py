"""The ``cluster`` fixture: two app nodes and a worker, started once per test module and
once per configuration (with the shared Redis named by REDIS_URL, and without Redis)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection

from catalog.models import StaffProfile
from tests.factories import make_organ
from tests.multinode.cluster import PASSWORD, Cluster, start_cluster


def _people() -> dict[str, Any]:
    """What every scenario starts from: an organ, its publisher, a superuser."""
    organ = make_organ("临江市人民政府")
    users = get_user_model().objects
    # The nodes verify with the production hashers, not the tests' fast one.
    password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    admin = users.create(username="root", password=password, is_superuser=True, is_staff=True)
    publisher = users.create(username="publisher", password=password, is_staff=True)
    StaffProfile.objects.create(user=publisher, organ=organ, roles=["publisher"])
    return {"organ": organ, "admin": admin, "publisher": publisher}


@pytest.fixture(scope="module", params=["redis", "no-redis"])
def cluster(
    request: Any, django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[Cluster]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several nodes and a worker share one database server")
    redis_url = None
    if request.param == "redis":
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            pytest.skip("set REDIS_URL to run the two-node scenario with Redis")
    workdir = tmp_path_factory.mktemp(f"cluster-{request.param}")
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, stdout=io.StringIO())
        data = _people()
    cluster = start_cluster(workdir, redis_url=redis_url, blocker=django_db_blocker)
    cluster.data = data
    try:
        yield cluster
    finally:
        cluster.stop()
        # What the nodes committed must not leak into the next module's tests.
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0, stdout=io.StringIO())
