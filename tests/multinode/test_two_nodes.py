"""One scenario across two app nodes and a task worker (README "Running on several machines").

Runs once with the shared Redis (REDIS_URL) and once without Redis: everything here must hold
in both configurations, because sessions, tokens, 索引号 serials and media never depend on
one process's memory.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest

from catalog.models import Item
from tests import files
from tests.multinode.cluster import PASSWORD, Cluster
from tests.ops.processes import Browser, get, multipart

# The mark makes pytest-django create the test database; every test only reads it (inside the
# test's transaction, committed rows of the nodes are visible) and drives the nodes over HTTP.
pytestmark = pytest.mark.django_db

PDF = files.pdf()


def api(cluster: Cluster, node: object, token: str, method: str, path: str, body: object) -> object:
    return Browser().request(
        node.port,  # type: ignore[attr-defined]
        method,
        path,
        body=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )


def test_both_nodes_and_the_worker_are_up(cluster: Cluster) -> None:
    for node in cluster.nodes:
        health = get(node.port, "/healthz")
        assert health.status == 200
        assert health.json()["database"] == health.json()["cache"] == "ok"
    assert cluster.worker.alive()


def test_a_session_from_a_works_on_b(cluster: Cluster) -> None:
    browser = Browser()
    form = browser.get(cluster.a.port, "/staff/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert csrf, form.text[:500]
    signed_in = browser.request(
        cluster.a.port,
        "POST",
        "/staff/login/",
        form={
            "username": "publisher",
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf.group(1),
        },
    )
    assert signed_in.status == 302, signed_in.text[:500]
    assert get(cluster.b.port, "/staff/").status == 302  # a stranger is sent to log in
    workspace = browser.get(cluster.b.port, "/staff/")
    assert workspace.status == 200
    assert "publisher" in workspace.text


def test_a_token_from_a_works_on_b(cluster: Cluster) -> None:
    token = cluster.token(cluster.a, "publisher")
    reply = api(
        cluster,
        cluster.b,
        token,
        "POST",
        "/api/v1/items/",
        {
            "organ": cluster.data["organ"].code,
            "title": "节点乙用节点甲签发的令牌创建的草稿",
            "doc_type": "other",
            "formed_on": "2026-03-01",
        },
    )
    assert reply.status == 201, reply.text  # type: ignore[attr-defined]


def test_index_numbers_stay_unique_when_both_nodes_publish_at_once(cluster: Cluster) -> None:
    token = cluster.token(cluster.a, "publisher")
    organ = cluster.data["organ"]
    drafts = []
    for n in range(8):
        reply = api(
            cluster,
            cluster.a,
            token,
            "POST",
            "/api/v1/items/",
            {
                "organ": organ.code,
                "title": f"同时发布的第{n}号文件",
                "doc_type": "other",
                "formed_on": "2026-03-01",
            },
        )
        assert reply.status == 201, reply.text  # type: ignore[attr-defined]
        drafts.append(reply.json()["id"])  # type: ignore[attr-defined]

    barrier = threading.Barrier(len(drafts))
    statuses: list[int] = []

    def publish(pk: int, node: object) -> None:
        barrier.wait()
        reply = api(cluster, node, token, "PATCH", f"/api/v1/items/{pk}/", {"status": "published"})
        statuses.append(reply.status)  # type: ignore[attr-defined]

    threads = [
        threading.Thread(target=publish, args=(pk, cluster.nodes[i % 2]))
        for i, pk in enumerate(drafts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * len(drafts)
    with cluster.db():
        numbers = list(Item.objects.filter(pk__in=drafts).values_list("index_no", flat=True))
    assert None not in numbers
    assert len(set(numbers)) == len(drafts)
    serials = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert serials == list(range(serials[0], serials[0] + len(drafts)))


def test_a_file_uploaded_on_a_downloads_on_b(cluster: Cluster) -> None:
    token = cluster.token(cluster.a, "publisher")
    created = api(
        cluster,
        cluster.a,
        token,
        "POST",
        "/api/v1/items/",
        {
            "organ": cluster.data["organ"].code,
            "title": "带附件的公开文件",
            "doc_type": "other",
            "formed_on": "2026-03-01",
        },
    )
    pk = created.json()["id"]  # type: ignore[attr-defined]
    body, ctype = multipart({}, [("file", "附件.pdf", PDF, "application/pdf")])
    uploaded = Browser().request(
        cluster.a.port,
        "POST",
        f"/api/v1/items/{pk}/attachments/",
        body=body,
        headers={"Content-Type": ctype, "Authorization": f"Token {token}"},
    )
    assert uploaded.status == 201, uploaded.text
    published = api(
        cluster, cluster.b, token, "PATCH", f"/api/v1/items/{pk}/", {"status": "published"}
    )
    assert published.status == 200  # type: ignore[attr-defined]
    download = get(cluster.b.port, uploaded.json()["url"])
    assert download.status == 200
    assert download.body == PDF
    assert [p.name for p in cluster.media.rglob("*.pdf")]


def test_a_task_queued_by_any_process_is_run_by_the_worker(
    cluster: Cluster, tmp_path: Path
) -> None:
    target = tmp_path / "ran"
    # Queued by a process of its own, as a node's request or a cron job would queue it.
    cluster.run_python(
        f"from tests.multinode.tasks import touch; touch.enqueue({str(target)!r}, '做完了')",
        log=tmp_path / "enqueue.log",
    )
    deadline = time.monotonic() + 20
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert target.exists(), cluster.worker.log()[-2000:]
    assert target.read_text() == "做完了"
    tasks = get(cluster.b.port, "/healthz").json()["tasks"]
    assert tasks["queued"] == 0 and tasks["failed"] == 0
