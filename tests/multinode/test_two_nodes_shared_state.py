"""The two-node scenario's shared state (issue 7, item 4): an organ created on A is used on B
at once (version stamps); a throttle counts across both nodes (shared counters); reminders run
on both nodes send each reminder once (claimed rows, durable mail). Same cluster fixture, same
two configurations (with Redis, without Redis).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from tests.factories import credit_code
from tests.multinode.cluster import PASSWORD, TRACK_LIMIT, Cluster
from tests.ops.processes import Browser, Node, get

pytestmark = [pytest.mark.django_db]


def call(node: Node, token: str, method: str, path: str, body: object) -> object:
    return Browser().request(
        node.port,
        method,
        path,
        body=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )


def test_an_organ_created_on_a_is_used_on_b_at_once(cluster: Cluster) -> None:
    root = cluster.token(cluster.a, "root")
    code = credit_code(4242)
    created = call(
        cluster.a,
        root,
        "POST",
        "/api/v1/organs/",
        {"code": code, "name": "临江市数据资源管理局", "parent": cluster.data["organ"].code},
    )
    assert created.status == 201, created.text  # type: ignore[attr-defined]
    staff = call(
        cluster.a,
        root,
        "POST",
        "/api/v1/staff/",
        {"username": "data_publisher", "password": PASSWORD, "organ": code, "roles": ["publisher"]},
    )
    assert staff.status == 201, staff.text  # type: ignore[attr-defined]

    # At once, on the other node: no cache expiry to wait for.
    assert get(cluster.b.port, f"/api/v1/organs/{code}/").status == 200
    assert get(cluster.b.port, f"/organs/{code}/").status == 200
    assert "临江市数据资源管理局" in get(cluster.b.port, "/").text
    publisher = cluster.token(cluster.b, "data_publisher")
    item = call(
        cluster.b,
        publisher,
        "POST",
        "/api/v1/items/",
        {
            "organ": code,
            "title": "新机关在另一节点发布的第一份文件",
            "doc_type": "other",
            "formed_on": "2026-03-01",
            "status": "published",
        },
    )
    assert item.status == 201, item.text  # type: ignore[attr-defined]


def test_a_throttle_counts_across_both_nodes(cluster: Cluster) -> None:
    # THROTTLE_TRACK is TRACK_LIMIT/hour on every node (cluster.py); one client address.
    statuses = [
        get(cluster.nodes[n % 2].port, "/api/v1/applications/track/ABCD2345EFGH/").status
        for n in range(TRACK_LIMIT)
    ]
    assert 429 not in statuses
    assert get(cluster.a.port, "/api/v1/applications/track/ABCD2345EFGH/").status == 429
    assert get(cluster.b.port, "/api/v1/applications/track/ABCD2345EFGH/").status == 429


def test_reminders_run_on_both_nodes_send_each_reminder_once(
    cluster: Cluster, tmp_path: Path
) -> None:
    organ = cluster.data["organ"]
    # A handler who can be mailed, and an application submitted online on node A.
    cluster.run_python(
        "from django.contrib.auth import get_user_model; "
        "from django.contrib.auth.hashers import make_password; "
        "from catalog.models import Organ, StaffProfile; "
        "u = get_user_model().objects.create(username='handler', email='handler@example.cn', "
        "is_staff=True, password=make_password('x')); "
        f"StaffProfile.objects.create(user=u, organ=Organ.objects.get(code={organ.code!r}), "
        "roles=['handler'])",
        log=tmp_path / "handler.log",
    )
    from tests.requests_app.factories import application_data

    submitted = Browser().request(
        cluster.a.port,
        "POST",
        "/api/v1/applications/",
        body=json.dumps({"organ": organ.code, **application_data()}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert submitted.status == 201, submitted.text
    due_on = submitted.json()["due_on"]

    # The daily job fires on both nodes at the same moment, on the application's due date.
    runs = [
        cluster.manage("send_deadline_reminders", "--date", due_on, log=tmp_path / f"run-{n}.log")
        for n in range(2)
    ]
    results = []
    threads = [threading.Thread(target=lambda r=r: results.append(r.popen.wait(60))) for r in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert results == [0, 0], [r.log() for r in runs]

    # The worker delivers what the runs queued: one digest, however many nodes ran the job.
    deadline = time.monotonic() + 30
    while not cluster.smtp.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # a duplicate would arrive within the worker's next polls
    to_handler = [m for m in cluster.smtp.messages if "handler@example.cn" in m["to"]]
    assert len(to_handler) == 1
