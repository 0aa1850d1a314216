"""The client address used by throttles, the lockout and the audit log (api.md)."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from disclosure_portal.net import client_ip


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_header_is_ignored_unless_behind_a_proxy(settings: Any) -> None:
    settings.BEHIND_PROXY = False
    assert client_ip(_request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_behind_a_proxy_only_the_entry_it_appended_counts(settings: Any) -> None:
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; nginx appended the real peer last.
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_two_trusted_proxies_take_the_second_entry_from_the_right(settings: Any) -> None:
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.3")) == "203.0.113.9"


def test_missing_proxy_entries_fall_back_to_the_peer(settings: Any) -> None:
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.0.0.2", "203.0.113.9")) == "10.0.0.2"
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"
