"""The visitor's address behind a reverse proxy: forwarded headers believed only from the
proxies the setting names, read from the right."""

from __future__ import annotations

import pytest

from matcher.client_address import trusted_proxies, visitor_address

LOCAL_PROXY = trusted_proxies("127.0.0.1, ::1")


def test_without_a_trusted_proxy_the_connection_counts_and_headers_are_ignored() -> None:
    assert visitor_address("203.0.113.9", ["198.51.100.1"], "198.51.100.2", ()) == "203.0.113.9"
    # nginx on this machine but no setting: everyone is "this machine", as before
    assert visitor_address(None, ["198.51.100.1"], "198.51.100.2", ()) is None


def test_a_stranger_cannot_name_their_address_by_writing_the_header() -> None:
    assert visitor_address("203.0.113.9", ["198.51.100.1"], None, LOCAL_PROXY) == "203.0.113.9"


def test_behind_the_local_proxy_the_forwarded_address_counts() -> None:
    # Streamlit reports a connection from this machine as None
    assert visitor_address(None, ["198.51.100.7"], "198.51.100.7", LOCAL_PROXY) == "198.51.100.7"
    assert visitor_address(None, [], "198.51.100.8", LOCAL_PROXY) == "198.51.100.8"


def test_a_forged_entry_left_of_the_proxys_own_is_not_believed() -> None:
    # the visitor sent "X-Forwarded-For: 192.0.2.1"; nginx appended the address it saw
    chain = ["192.0.2.1, 198.51.100.7"]
    assert visitor_address(None, chain, "198.51.100.7", LOCAL_PROXY) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_visitor() -> None:
    proxies = trusted_proxies("127.0.0.1, 10.0.0.0/8")
    chain = ["198.51.100.7, 10.1.2.3", "10.4.5.6"]
    assert visitor_address(None, chain, None, proxies) == "198.51.100.7"


def test_garbage_in_the_header_stops_the_walk() -> None:
    assert visitor_address(None, ["not-an-ip"], None, LOCAL_PROXY) is None


def test_a_bad_setting_is_named() -> None:
    with pytest.raises(ValueError, match="'nginx' in the setting MATCHER_TRUSTED_PROXIES"):
        trusted_proxies("127.0.0.1, nginx")
