"""Version stamps (disclosure_portal.versions): what a process cached is used only while the
stamp it was cached under is the committed one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from disclosure_portal import versions
from disclosure_portal.models import CacheVersion

pytestmark = pytest.mark.django_db


class Loads:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_value_is_reused_until_its_namespace_is_bumped() -> None:
    load = Loads()
    assert versions.cached("catalog", "k", load) == 1
    assert versions.cached("catalog", "k", load) == 1
    versions.bump("organs")  # another namespace
    assert versions.cached("catalog", "k", load) == 1

    versions.bump("catalog")

    assert versions.cached("catalog", "k", load) == 2


def test_bumping_adds_one_to_the_committed_stamp() -> None:
    versions.bump("calendar")
    first = CacheVersion.objects.get(namespace="calendar").version
    versions.bump("calendar")
    assert CacheVersion.objects.get(namespace="calendar").version == first + 1


def test_a_transaction_that_bumped_neither_reads_nor_fills_the_cache() -> None:
    load = Loads()
    versions.cached("organs", "tree", load)
    with transaction.atomic():
        versions.bump("organs")
        # Inside: its own uncommitted rows are loaded, and not remembered.
        assert versions.cached("organs", "tree", load) == 2
        assert versions.cached("organs", "tree", load) == 3
    # Committed: loaded once more under the new stamp, then reused.
    assert versions.cached("organs", "tree", load) == 4
    assert versions.cached("organs", "tree", load) == 4


def test_a_rolled_back_change_leaves_nothing_cached_under_a_stamp_it_never_committed() -> None:
    load = Loads()
    before = versions.current("organs")
    with pytest.raises(RuntimeError), transaction.atomic():
        versions.bump("organs")
        versions.cached("organs", "tree", load)
        raise RuntimeError
    assert versions.current("organs") == before
    # The next committed change gets the number the rolled-back one had; its value is loaded.
    versions.bump("organs")
    assert versions.cached("organs", "tree", load) == 2


def test_one_request_reads_the_stamps_once(client: Any) -> None:
    with versions.scope(), CaptureQueriesContext(connection) as queries:
        versions.current("organs")
        versions.current("calendar")
        versions.current("catalog")
    assert len(queries) == 1


def test_a_request_sees_its_own_committed_change() -> None:
    load = Loads()
    with versions.scope():
        versions.cached("organs", "tree", load)
        with transaction.atomic():
            versions.bump("organs")
        assert versions.cached("organs", "tree", load) == 2


def test_persisted_values_survive_a_restart_of_the_process() -> None:
    load = Loads()
    assert versions.persisted("catalog", "facets", load) == 1
    versions.forget()  # a new worker

    assert versions.persisted("catalog", "facets", load) == 1
    versions.bump("catalog")
    versions.forget()
    assert versions.persisted("catalog", "facets", load) == 2


def test_saving_an_organ_bumps_the_organ_and_catalog_stamps() -> None:
    from tests.factories import make_organ

    organs, catalog = versions.current("organs"), versions.current("catalog")
    make_organ()
    assert versions.current("organs") != organs
    assert versions.current("catalog") != catalog
