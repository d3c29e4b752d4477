"""Passwords and keys in URLs: masked wherever shown, put back only for the same server."""

import pytest

from portfolio.core.credentials import (
    MASK,
    has_url_secrets,
    mask_url_secrets,
    restore_url_secrets,
)


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("http://user:pw@host/x", f"http://user:{MASK}@host/x"),
        ("https://u:p@ss@h.dk:8443/a", f"https://u:{MASK}@h.dk:8443/a"),
        ("https://h/x?api_key=abc&lang=da&token=", f"https://h/x?api_key={MASK}&lang=da&token="),
        ("https://h/x?X-Amz-Signature=abcd#top", f"https://h/x?X-Amz-Signature={MASK}#top"),
        (
            "see http://a:b@c/ and https://d/?access_token=zz",
            f"see http://a:{MASK}@c/ and https://d/?access_token={MASK}",
        ),
    ],
)
def test_secrets_are_masked(url, masked):
    assert mask_url_secrets(url) == masked
    assert has_url_secrets(url)


@pytest.mark.parametrize(
    "text", ["http://host/x?lang=da&year=2024", "https://user@host/x", "/data/fil.csv", "", None]
)
def test_nothing_else_changes(text):
    assert mask_url_secrets(text) == text
    assert not has_url_secrets(text)


STORED = "https://reader:hemmelig@stats.example.net/t.json?api_key=k1&lang=da"


def test_the_mask_is_filled_from_the_stored_url_of_the_same_server():
    typed = f"https://reader:{MASK}@stats.example.net/andet.json?api_key={MASK}&lang=en"
    assert restore_url_secrets(typed, STORED) == (
        "https://reader:hemmelig@stats.example.net/andet.json?api_key=k1&lang=en"
    )
    assert restore_url_secrets("https://h/x", STORED) == "https://h/x"


@pytest.mark.parametrize(
    "typed",
    [
        f"https://reader:{MASK}@collector.example.org/t.json",  # another host
        f"http://reader:{MASK}@stats.example.net/t.json",  # another scheme
        f"https://reader:{MASK}@stats.example.net:8443/t.json",  # another port
        f"https://other:{MASK}@stats.example.net/t.json",  # another user
        f"https://stats.example.net/t.json?token={MASK}",  # a key never stored
    ],
)
def test_the_mask_is_never_filled_for_anywhere_else(typed):
    with pytest.raises(ValueError):
        restore_url_secrets(typed, STORED)
    with pytest.raises(ValueError):
        restore_url_secrets(typed, None)
